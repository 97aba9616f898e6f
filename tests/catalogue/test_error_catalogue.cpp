// Every user-facing error message in the sources, and an input that
// produces it. A new `throw` whose message is not in this table fails
// ErrorCatalogue.EveryMessageInTheSourcesIsListed: add a row with an input
// that produces it (or, for a failure no input can cause, the reason).
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "../cli/pipeline_fixture.h"
#include "../dist/dist_test_util.h"
#include "../model/toy_data.h"
#include "error_sites.h"
#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/common/mapped_file.h"
#include "unbert/common/memory_limit.h"
#include "unbert/common/sha256.h"
#include "unbert/common/zip_member.h"
#include "unbert/config/config_io.h"
#include "unbert/data/day_split.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/dist/process_group.h"
#include "unbert/dist/world.h"
#include "unbert/eval/impression_table.h"
#include "unbert/eval/partial_scores.h"
#include "unbert/eval/rank_file.h"
#include "unbert/eval/significance.h"
#include "unbert/eval/submission.h"
#include "unbert/eval/submission_check.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/device.h"
#include "unbert/model/hf_loader.h"
#include "unbert/model/model_shape.h"
#include "unbert/model/precision.h"
#include "unbert/model/weights_io.h"
#include "unbert/pipeline/compare_runs.h"
#include "unbert/pipeline/run_config.h"
#include "unbert/pipeline/score_split.h"
#include "unbert/text/sentencepiece_tokenizer.h"
#include "unbert/text/text_setup.h"
#include "unbert/text/tokenizer.h"
#include "unbert/text/wordpiece.h"
#include "unbert/train/benchmark.h"
#include "unbert/train/data_fingerprint.h"
#include "unbert/train/grad_sync.h"
#include "unbert/train/run_dir.h"
#include "unbert/train/run_lock.h"
#include "unbert/train/tensorboard_log.h"
#include "unbert/train/training_state.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;
using test::error_of;

// ---- the setting: generated MIND data, a SentencePiece config, a trained run

test::TempDir* g_dir = nullptr;

const test::TempDir& dir() {
  return *g_dir;
}
std::string at(const std::string& name) {
  return g_dir->file(name);
}

// stderr of `unbert ARGS` run in the setting's folder.
std::string cli(const std::string& args, const std::string& env = "") {
  return test::run_unbert(args, dir().path(), "", env).err;
}

// stderr of a shell command line run in the setting's folder.
std::string shell(const std::string& command) {
  const std::string err = at("shell.err");
  std::system(
      ("cd '" + dir().path() + "' && " + command + " 2> '" + err + "' > /dev/null").c_str());
  return read_text_file(err);
}

std::string lists(const std::string& text, ListKind kind) {
  return error_of([&] {
    std::istringstream in(text);
    read_impression_lists(in, "f.txt", kind);
  });
}

std::string matched(const std::string& truth, const std::string& prediction) {
  return error_of([&] {
    std::istringstream t(truth), p(prediction);
    check_lines_match(read_impression_lists(t, "truth", ListKind::Labels),
                      read_impression_lists(p, "prediction", ListKind::Ranks), "truth",
                      "prediction");
  });
}

std::string put(const std::string& name, const std::string& bytes) {
  return dir().write(name, bytes);
}

std::string u64(uint64_t v) {
  return std::string(reinterpret_cast<const char*>(&v), 8);
}
std::string u32(uint32_t v) {
  return std::string(reinterpret_cast<const char*>(&v), 4);
}
std::string u16(uint16_t v) {
  return std::string(reinterpret_cast<const char*>(&v), 2);
}

std::string safetensors(const std::string& header, const std::string& data) {
  return u64(header.size()) + header + data;
}

// A zip with one record, written byte by byte: a compression method libzip
// does not know, or deflate data that does not inflate.
std::string raw_zip(const std::string& name, const std::string& data, uint16_t method) {
  const uint32_t crc = 0x12345678;  // wrong on purpose
  std::string local = u32(0x04034b50) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0) +
                      u32(crc) + u32(data.size()) + u32(data.size()) + u16(name.size()) + u16(0) +
                      name + data;
  std::string central = u32(0x02014b50) + u16(20) + u16(20) + u16(0) + u16(method) + u16(0) +
                        u16(0) + u32(crc) + u32(data.size()) + u32(data.size()) + u16(name.size()) +
                        u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + name;
  std::string end = u32(0x06054b50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(central.size()) +
                    u32(local.size()) + u16(0);
  return local + central + end;
}

std::string zip_of(const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& members) {
  return test::write_zip(at(name), members);
}

std::string binu(const std::string& s) {
  return "X" + u32(s.size()) + s;
}
const std::string kProto = "\x80\x02";
const std::string kDict = "ccollections\nOrderedDict\n)R";

// A torch.save state_dict {"w": a tensor of `size` over a 4-float storage}.
std::string tensor_pickle(const std::string& storage_global, const std::string& size_and_stride) {
  return kProto + kDict + binu("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + "(" +
         binu("storage") + storage_global + binu("0") + binu("cpu") + "K\x04tQ" +
         std::string("K\x00", 2) + size_and_stride + "\x89" + kDict + "tRs.";
}
const std::string kSize2x2 = "K\x02K\x02\x86K\x02K\x01\x86";

std::string torch_bin(const std::string& name, const std::string& pickle,
                      bool with_storage = true) {
  std::vector<std::pair<std::string, std::string>> members{{"archive/data.pkl", pickle}};
  if (with_storage) members.push_back({"archive/data/0", std::string(16, '\0')});
  return zip_of(name, members);
}

std::string unpickle(const std::string& pickle) {
  return error_of([&] { read_torch_bin(torch_bin("p.bin", pickle)); });
}

// A copy of the run's best checkpoint to damage.
std::string checkpoint_copy(const std::string& name) {
  fs::remove_all(at(name));
  fs::copy(at("runs/tiny/best"), at(name), fs::copy_options::recursive);
  return at(name);
}

NamedTensors checkpoint_tensors() {
  return read_safetensors(at("runs/tiny/best/model.safetensors"));
}

std::string hf_config(const std::string& name, const std::string& json) {
  return put(name + "/config.json", json);
}

TextConfig spm_text() {
  TextConfig text;
  text.tokenizer = TokenizerKind::SentencePiece;
  text.spm_model = at("spm/titles.model");
  text.nsep_token = "[NSEP]";
  return text;
}

TextConfig tiny_vocab_text() {
  TextConfig text;
  text.vocab = test::shared_dir() + "/golden/tiny-bert/vocab.txt";
  text.nsep_token = "[MASK]";
  return text;
}

// The error of world_from_environment on these variables.
std::string world_error(std::map<std::string, std::string> vars) {
  return error_of([&] {
    world_from_environment([vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    });
  });
}

// The errors of two ranks in threads (dist test utilities), joined.
std::string two_ranks(const std::function<void(int rank, int port)>& body) {
  auto errors = test::run_ranks(2, body);
  return errors[0] + " | " + errors[1];
}

// A TFRecord around `data`, its data checksum right or wrong; the errors of
// reading `bytes` as a TensorBoard events file.
std::string tf_record(const std::string& data, bool good_data_crc = true) {
  auto mask = [](uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; };
  const std::string length = u64(data.size());
  return length + u32(mask(crc32c(length))) + data + u32(good_data_crc ? mask(crc32c(data)) : 0);
}
std::string tf_events(const std::string& bytes) {
  return error_of([&] { read_tensorboard_events(put("tb.events", bytes)); });
}

// ---- the table

struct Entry {
  const char* file;                      // under src/
  const char* key;                       // the message's longest literal, as the sources spell it
  std::function<std::string()> produce;  // the error text an input gives
  const char* why = nullptr;             // instead of `produce`: why no input can
};

const std::string kImpressionHeader =
    "impression_id\tday\tuser\tcandidates\tauc\tmrr\tndcg5\tndcg10\tunseen_share\n";

// An eval folder written by hand: one impression `id`, a split whose hash is `hash`.
void hand_made_eval(const std::string& folder, const std::string& id, const std::string& hash) {
  put(folder + "/impressions.tsv", kImpressionHeader + id + "\t11/13/2019\tU1\t2\t1\t1\t1\t1\t0\n");
  nlohmann::json report = {
      {"split", "dev"},
      {"behaviors", {{"path", "dev/behaviors.tsv"}, {"bytes", 9}, {"hash", hash}}},
      {"config", config_to_json(RunConfig{})}};
  put(folder + "/metrics.json", report.dump());
}

std::vector<Entry> catalogue() {
  return {
      // cli/
      {"cli/cmd_bench.cpp",
       "bench --comm measures a process group: run it as several ranks, e.g. 'unbert bench "
       "--comm --nproc-per-node 2' (or under torchrun)",
       [] { return cli("bench --comm"); }},
      // eval/ (resumable scoring)
      {"eval/evaluator.cpp",
       "scoring stopped after batch ",
       {},
       "a stop signal while predict scores: PartialScores.AStoppedScoringContinuesToTheSameScores "
       "requests one"},
      {"eval/partial_scores.cpp",
       ": these partial scores are of another checkpoint (or other weights at its path), split "
       "content, text packing, precision, device, batch size or number of ranks (",
       [] {
         const std::string path = at("partial/rank0-of-1.scores");
         { PartialScores first(path, "{\"checkpoint\":\"a\"}", false); }
         return error_of([&] { PartialScores again(path, "{\"checkpoint\":\"b\"}", true); });
       }},
      {"eval/partial_scores.cpp",
       ": cannot write partial scores (",
       {},
       "the file was just written whole by write_text_atomic; reopening it to append fails only "
       "if the folder is removed in between"},
      {"eval/partial_scores.cpp", " (the file is damaged); run without --resume to start afresh",
       [] {
         const std::string path = at("partial/rank0-of-1.scores");
         {
           PartialScores partial(path, "k", false);
           const float score = 0.5f;
           partial.append({99}, &score);
         }
         PartialScores partial(path, "k", true);
         std::vector<float> scores(3);
         return error_of([&] { partial.restore(scores); });
       }},
      // dist/
      {"dist/launcher.cpp",
       "--nproc-per-node: no free port on 127.0.0.1; give one with --master-port",
       {},
       "the kernel has no free TCP port on the loopback interface; not reachable from a test"},
      {"dist/launcher.cpp",
       "--nproc-per-node: cannot start a worker: ",
       {},
       "fork() fails only when the process table or memory is exhausted"},
      {"dist/process_group.cpp", " failed on rank ",
       [] {
         return two_ranks([](int rank, int port) {
           auto group =
               std::make_unique<ProcessGroup>(test::loopback_world(rank, 2, port), torch::kCPU);
           group->barrier("start");
           if (rank == 1) return group.reset();  // leaves
           auto t = torch::ones({2});
           group->allreduce_sum(t, "gradient all-reduce");
         });
       }},
      {"dist/process_group.cpp", "; start every rank with the same config, data and unbert build",
       [] {
         return two_ranks([](int rank, int port) {
           ProcessGroup group(test::loopback_world(rank, 2, port, 20), torch::kCPU);
           group.agree("setup", {{"lr", rank == 0 ? 1e-3 : 2e-5}});
         });
       }},
      {"dist/process_group.cpp",
       ": the port is in use (another job?); set MASTER_PORT (or --master-port) to a free port",
       [] {
         const int port = free_loopback_port();
         return two_ranks([port](int, int) {  // two rank 0s on one port
           ProcessGroup group(test::loopback_world(0, 2, port, 2), torch::kCPU);
         });
       }},
      {"dist/process_group.cpp", " ranks were started with MASTER_ADDR / MASTER_PORT pointing here",
       [] {
         return two_ranks([](int rank, int port) {
           if (rank == 0) ProcessGroup group(test::loopback_world(0, 2, port, 2), torch::kCPU);
         });
       }},
      {"dist/process_group.cpp",
       "); check MASTER_ADDR / MASTER_PORT, that rank 0 is running, and that all ",
       [] {
         return two_ranks([](int rank, int port) {  // nobody listens
           if (rank == 1) ProcessGroup group(test::loopback_world(1, 2, port, 2), torch::kCPU);
         });
       }},
      {"dist/process_group.cpp",
       "; check MASTER_ADDR / MASTER_PORT (for rank 0 the host must be this machine)",
       [] {
         test::ForeignListener other;  // MASTER_PORT of a service that is not a store
         return two_ranks([&other](int rank, int) {
           if (rank == 1)
             ProcessGroup group(test::loopback_world(1, 2, other.port(), 3), torch::kCPU);
         });
       }},
      {"dist/process_group.cpp",
       "); set MASTER_ADDR (or --master-addr) to rank 0's host name or IP address",
       [] {
         return two_ranks([](int rank, int port) {
           World world = test::loopback_world(1, 2, port, 20);
           world.master_addr = "no-such-host.invalid";
           if (rank == 1) ProcessGroup group(world, torch::kCPU);
         });
       }},
      {"dist/process_group.cpp",
       "); name one from 'ip -brief address', or unset it",
       {},
       "an interface that exists but that Gloo cannot bind (no address): making one needs "
       "network administration rights a test does not have; an unknown name is the row below"},
      {"dist/process_group.cpp", " names no interface here; name one from 'ip -brief address'",
       [] {
         setenv("GLOO_SOCKET_IFNAME", "no-such-if0", 1);
         std::string text = two_ranks([](int rank, int port) {
           if (rank == 0) ProcessGroup group(test::loopback_world(0, 1, port, 5), torch::kCPU);
         });
         unsetenv("GLOO_SOCKET_IFNAME");
         return text;
       }},
      {"dist/process_group.cpp",
       " across processes needs NCCL, and this build has no c10d NCCL; build against a CUDA "
       "LibTorch with NCCL headers, or train with --device cpu",
       [] {
         return error_of([] {
           ProcessGroup group(test::loopback_world(0, 2, free_loopback_port(), 2),
                              torch::Device(torch::kCUDA, 0));
         });
       }},
      {"dist/process_group.cpp",
       "this unbert was built without c10d's Gloo (libgloo-dev was missing at build time), so "
       "it runs as one process; install libgloo-dev and rebuild (scripts/setup.sh)",
       {},
       "only in a build without gloo's headers; scripts/setup.sh installs libgloo-dev, so the "
       "tested build always has them"},
      {"dist/world.cpp", "\" but must be a whole number from ",
       [] {
         return world_error({{"RANK", "x"}, {"WORLD_SIZE", "2"}});
       }},
      {"dist/world.cpp", "; set both, or neither for one process (",
       [] {
         return world_error({{"RANK", "0"}});
       }},
      {"dist/world.cpp", " is outside a world of ",
       [] {
         return world_error({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
       }},
      {"dist/world.cpp",
       "MASTER_ADDR is not set; export MASTER_ADDR=<host of rank 0> (torchrun sets it)",
       [] {
         return world_error({{"RANK", "0"}, {"WORLD_SIZE", "2"}});
       }},
      {"train/grad_sync.cpp",
       " differ from rank 0's (replicas diverged: a bug, or ranks running different unbert "
       "builds or data); the last checkpoint holds rank 0's",
       [] {
         return two_ranks([](int rank, int port) {
           ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
           check_replicas_agree(group, {torch::full({3}, static_cast<float>(rank))}, 7);
         });
       }},
      {"cli/cmd_demo.cpp",
       " already exists and is not an empty folder; remove it or pass --out NEW_FOLDER (nothing "
       "was changed)",
       [] { return cli("demo --out tiny.json"); }},
      {"cli/dist_options.cpp", " (it is for a process started by hand or by torchrun)",
       [] { return cli("train --config tiny.json --run-dir runs/x --nproc-per-node 2 --rank 1"); }},
      {"cli/dist_options.cpp",
       " is set in the environment (left from another job, or torchrun already started this "
       "process); unset RANK WORLD_SIZE LOCAL_RANK, or drop --nproc-per-node under torchrun",
       [] {
         return cli("train --config tiny.json --run-dir runs/x --nproc-per-node 2", "RANK=3");
       }},
      {"cli/cmd_inspect.cpp", "inspect: impression ",
       [] { return cli("inspect --config tiny.json --split dev --impression 99999999"); }},
      {"cli/cmd_inspect.cpp", "inspect: give --config FILE or --run-dir DIR, not both",
       [] { return cli("inspect --config tiny.json --run-dir runs/tiny --impression 1"); }},
      {"cli/cmd_score.cpp", "score: give --prediction FILE (or --check FILE)",
       [] { return cli("score --truth truth.txt"); }},
      {"cli/cmd_score.cpp", "score: give --truth FILE or --behaviors FILE",
       [] { return cli("score --prediction p.txt"); }},
      {"cli/cmd_tokenize.cpp", "tokenize: give --vocab FILE, --spm FILE or --config FILE",
       [] { return cli("tokenize"); }},
      {"cli/cmd_tokenize.cpp", "standard input: cannot read: ",
       [] {
         return shell("'" UNBERT_BINARY "' tokenize --spm spm/titles.model < /");
       }},  // a folder
      {"cli/cmd_tokenize.cpp",
       " already exists (runs trained with it need it as it is); pass --force to replace it, or "
       "set a new path",
       [] { return cli("tokenizer train --config tiny.json"); }},
      // common/
      {"common/child_process.cpp",
       ": cannot create its socket: ",
       {},
       "socketpair() fails only when the process has no file descriptors left"},
      {"common/child_process.cpp",
       ": cannot start ",
       {},
       "posix_spawn() of an executable that exists fails only without memory or process "
       "slots; a missing or non-executable helper is caught before (sentencepiece_tokenizer.cpp)"},
      {"common/child_process.cpp",
       "; run the command again, and if it keeps failing rebuild with scripts/setup.sh",
       [] {
         return error_of([] {
           auto tokenizer = SentencePieceTokenizer::from_file(at("spm/titles.model"));
           ::kill(tokenizer->helper_pid(), SIGKILL);
           ::waitpid(tokenizer->helper_pid(), nullptr, 0);
           std::vector<int32_t> ids;
           tokenizer->encode("news", &ids);
         });
       }},
      {"common/fs.cpp", ": cannot open (",
       [] { return error_of([] { read_text_file(at("missing")); }); }},
      {"common/fs.cpp", "); free some space or choose another folder",
       [] {
         return error_of([] {
           std::ofstream out("/dev/full");
           out << std::string(1 << 16, 'x');
           check_written(out, "/dev/full");
         });
       }},
      {"common/fs.cpp", ": cannot write (",
       [] { return error_of([] { write_text_atomic(at("no/such/folder/f"), "x"); }); }},
      {"common/fs.cpp", ": cannot replace (",
       [] {
         put("occupied/inside", "x");  // a folder where the file should go
         return error_of([] { write_text_atomic(at("occupied"), "x"); });
       }},
      {"common/fs.cpp",
       ": cannot move ",
       {},
       "renaming a folder just written beside its target fails only on a failing file system"},
      {"common/log.cpp", "'; use one of trace, debug, info, warn, error, off",
       [] { return cli("--log-level loud config"); }},
      {"common/memory_limit.cpp", "not enough memory: ",
       [] {  // more than any machine; MemoryLimit.* run steps under ulimit -v
         return error_of([] { check_memory(uint64_t{1} << 60, "this step", "need less"); });
       }},
      {"common/mapped_file.cpp", ": cannot open (",
       [] { return error_of([] { MappedFile file(at("missing")); }); }},
      {"common/mapped_file.cpp", ": not a regular file",
       [] { return error_of([] { MappedFile file(dir().path()); }); }},
      {"common/mapped_file.cpp",
       ": cannot map into memory (",
       {},
       "mmap() of an open regular file fails only without address space"},
      {"common/sha256.cpp", ": cannot open to hash it",
       [] { return error_of([] { sha256_file(at("missing")); }); }},
      {"common/sha256.cpp", ": read error while hashing it",
       [] {
         return error_of([] { sha256_file(dir().path()); });
       }},  // a folder opens, then fails to read
      {"common/zip_member.cpp",
       " (truncated or corrupt file)",
       {},
       "zip_stat_index() fails only for an index the archive does not list; callers pass "
       "listed ones"},
      {"common/zip_member.cpp", "-byte archive can hold (corrupt file)",
       [] {
         std::string finding = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                              "/tests/fuzz/corpus/weights/regression_huge_record");
         return error_of([&] { read_torch_bin(put("huge.bin", finding.substr(1))); });
       }},
      {"common/zip_member.cpp", ": cannot read record ",
       [] {
         return error_of([] { read_torch_bin(put("method.bin", raw_zip("a/data.pkl", "x", 77))); });
       }},
      {"common/zip_member.cpp", " is truncated or corrupt",
       [] {
         return error_of(
             [] { read_torch_bin(put("deflate.bin", raw_zip("a/data.pkl", "xyz", 8))); });
       }},
      // config/
      {"config/config_json.cpp", "expected ",
       [] { return error_of([] { load_config(std::nullopt, {"train.lr=\"fast\""}); }); }},
      {"config/config_json.cpp", "expected one of ",
       [] { return error_of([] { load_config(std::nullopt, {"model.aggregator=max"}); }); }},
      {"config/config_json.cpp", "unknown key; did you mean '",
       [] { return error_of([] { load_config(std::nullopt, {"train.lrr=1"}); }); }},
      {"config/config_json.cpp",
       " is past the range of a number (at most about 1.8e308); write the value you meant",
       [] {
         return error_of([] { load_config(put("huge.json", R"({"train": {"lr": 1e999}})"), {}); });
       }},
      {"config/config_json.cpp",
       " is past the range of a number (at most about 1.8e308); retype it",
       [] { return error_of([] { load_config(std::nullopt, {"train.lr=1e400"}); }); }},
      {"config/config_json.cpp", ": cannot open the file (check the path)",
       [] { return error_of([] { load_config(at("missing.json"), {}); }); }},
      {"config/config_json.cpp", "' (JSON would keep only the last one); merge the two into one",
       [] {
         return error_of([] { load_config(put("dup.json", R"({"train": {}, "train": {}})"), {}); });
       }},
      {"config/config_json.cpp", " is too large for an integer (at most ",
       [] {
         return error_of(
             [] { load_config(std::nullopt, {"model.hidden_size=99999999999999999999"}); });
       }},
      {"config/config_json.cpp", ": invalid JSON: ",
       [] { return error_of([] { load_config(put("bad.json", "{,}"), {}); }); }},
      {"config/config_json.cpp",
       " of the assignment is not valid UTF-8; retype it in a UTF-8 terminal",
       [] { return error_of([] { load_config(std::nullopt, {"name=\xff"}); }); }},
      {"config/config_json.cpp", "': expected key=value, e.g. --set train.lr=3e-5",
       [] { return error_of([] { load_config(std::nullopt, {"train.lr"}); }); }},
      {"config/config_json.cpp", "': empty part in key '",
       [] { return error_of([] { load_config(std::nullopt, {"train..lr=1"}); }); }},
      {"config/validate.cpp", "expected auto, cpu, cuda or cuda:N, got \"",
       [] { return error_of([] { load_config(std::nullopt, {"device=tpu"}); }); }},
      {"config/validate.cpp", ": expected a JSON object at the top level",
       [] { return error_of([] { load_config(put("list.json", "[1]"), {}); }); }},
      // data/
      {"data/mind_dataset.cpp", "' was not loaded",
       [] { return error_of([] { MindData().split("dev"); }); }},
      {"data/mind_dataset.cpp", "'; use train, dev or test",
       [] { return error_of([] { split_dir(DataConfig(), "valid"); }); }},
      {"data/mind_dataset.cpp", "is empty; set it to a MIND folder",
       [] { return error_of([] { split_dir(DataConfig(), "test"); }); }},
      {"data/mind_dataset.cpp",
       " not found (download MIND with scripts/download_mind.sh, or make data with 'unbert synth')",
       [] {
         DataConfig data;
         data.train_dir = at("missing");
         return error_of([&] { load_mind(data, {"train"}); });
       }},
      {"data/behaviors.cpp", "; impression ids must be unique",
       [] {
         put("twice/p.txt", "7 [1]\n7 [1]\n");
         return cli("score --check twice/p.txt --behaviors " +
                    put("twice/behaviors.tsv",
                        "7\tU1\t11/15/2019 8:55:22 AM\t\tN1-1\n"
                        "7\tU2\t11/15/2019 8:55:22 AM\t\tN2-0\n"));
       }},
      {"data/synth.cpp",
       "synth: needs --users >= 1, --news >= 10, --days >= 3, --candidates >= 2, --interests >= 1 "
       "and --history-focus in [0, 1]",
       [] { return cli("synth --out more --news 3"); }},
      {"data/synth.cpp", " exists already; choose another --out (nothing was overwritten)",
       [] { return cli("synth --out data"); }},
      {"data/day_split.cpp",
       ": expected NAME=FIRST-LAST with day numbers from 1 (e.g. train=1-3, day5=5, test=4-)",
       [] { return cli("split --by-day data/train --out s1 --group train"); }},
      {"data/day_split.cpp", ": the name is a folder's; use letters, digits, '.', '-' and '_'",
       [] { return cli("split --by-day data/train --out s1 --group ../x=1"); }},
      {"data/day_split.cpp", ": the last day comes before the first",
       [] { return cli("split --by-day data/train --out s1 --group a=3-1"); }},
      {"data/day_split.cpp", "split: give one or more MIND folders to split",
       [] { return error_of([] { split_by_day(DaySplitOptions{}); }); }},
      {"data/day_split.cpp", " (give MIND folders, each with news.tsv and behaviors.tsv)",
       [] { return cli("split --by-day runs --out s1"); }},
      {"data/day_split.cpp",
       ": exists and is not empty; give a new folder (nothing was overwritten)",
       [] { return cli("split --by-day data/train --out data"); }},
      {"data/day_split.cpp", " are the same folder; give each MIND folder once",
       [] { return cli("split --by-day data/train data/../data/train --out s1"); }},
      {"data/day_split.cpp", ": is a file; give a new folder (nothing was overwritten)",
       [] { return cli("split --by-day data/train --out tiny.json"); }},
      {"data/day_split.cpp", ": the data's last day is ",
       [] { return cli("split --by-day data/train --out s1 --group a=1-9"); }},
      {"data/day_split.cpp", " is given twice; name each group once",
       [] { return cli("split --by-day data/train --out s1 --group a=1 --group a=2"); }},
      {"data/day_split.cpp", " share days; a day goes to one group only",
       [] { return cli("split --by-day data/train --out s1 --group a=1-2 --group b=2"); }},
      {"data/day_split.cpp", "split: the inputs hold no impressions",
       [] {
         put("no_impressions/news.tsv", "");
         put("no_impressions/behaviors.tsv", "\n");
         return cli("split --by-day no_impressions --out s1");
       }},
      {"data/day_split.cpp", ": no impression falls on these days; give days that hold data",
       [] { return cli("split --by-day data/train data/test --out s1 --group a=3"); }},
      {"data/day_split.cpp",
       ": cannot be created (split's output)",
       {},
       "the group's folder was created a moment before in a new folder of split's own; only a "
       "file system that stops taking files fails here"},
      {"cli/cmd_split.cpp",
       "split: give --by-day (split regroups MIND folders by the day of each impression)",
       [] { return cli("split data/train --out s1"); }},
      {"data/holdout.cpp", "; hold out fewer days so that some are left to train on",
       [] { return cli("train --config tiny.json --run-dir runs/h1 --set train.holdout_days=2"); }},
      {"data/holdout.cpp", "); give a training split whose last days are not dev's",
       [] {
         return cli(
             "train --config tiny.json --run-dir runs/h2 --set train.holdout_days=1 --set "
             "data.dev_dir=data/train");
       }},
      {"train/tensorboard_log.cpp", ": an event holds protobuf wire type ",
       [] { return tf_events(tf_record("\x0b")); }},
      {"train/tensorboard_log.cpp", ": a varint longer than 10 bytes",
       [] { return tf_events(tf_record("\x10" + std::string(11, '\x80'))); }},
      {"train/tensorboard_log.cpp", ": an event ends inside a field",
       [] {
         return tf_events(
             tf_record("\x1a\x05"
                       "ab"));
       }},
      {"train/tensorboard_log.cpp", ": a record is cut short", [] { return tf_events("abc"); }},
      {"train/tensorboard_log.cpp", ": the record length fails its checksum",
       [] { return tf_events(std::string(16, '\0')); }},
      {"train/tensorboard_log.cpp", ": the record fails its checksum",
       [] { return tf_events(tf_record("\x10\x01", false)); }},
      {"train/tensorboard_log.cpp", ": cannot be written (TensorBoard events)",
       [] { return error_of([] { TensorBoardLog(at("no/such/folder"), 1); }); }},
      // eval/
      {"eval/impression_table.cpp", "' is not a number (impressions.tsv as eval writes it)",
       [] {
         put("imp/a.tsv", kImpressionHeader + std::string("1\t11/13/2019\tU1\t5\tx\t\t\t\t\n"));
         return error_of([] { read_impression_table(at("imp/a.tsv")); });
       }},
      {"eval/impression_table.cpp",
       "not an impressions.tsv (its first line should be the header eval writes); run 'unbert "
       "eval' again to write it",
       [] { return error_of([] { read_impression_table(put("imp/b.tsv", "id\n")); }); }},
      {"eval/impression_table.cpp", "expected 9 tab-separated fields, found ",
       [] {
         put("imp/c.tsv", kImpressionHeader + std::string("1\t2\n"));
         return error_of([] { read_impression_table(at("imp/c.tsv")); });
       }},
      {"eval/impression_table.cpp", "the number of candidates must be >= 1",
       [] {
         put("imp/d.tsv", kImpressionHeader + std::string("1\t11/13/2019\tU1\t0\t\t\t\t\t\n"));
         return error_of([] { read_impression_table(at("imp/d.tsv")); });
       }},
      {"eval/significance.cpp", "resamples must be >= 100, got ",
       [] { return error_of([] { bootstrap_mean({0.5}, 10, 1); }); }},
      {"eval/rank_file.cpp", " candidates; ranks must be a permutation of 1..",
       [] { return lists("7 [5,1]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", " appears twice; ranks must be a ",
       [] { return lists("7 [2,2,3]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", ": cannot open the file (check the path)",
       [] { return error_of([] { read_impression_lists(at("missing.txt"), ListKind::Ranks); }); }},
      {"eval/rank_file.cpp", "': 2 fields separated by spaces, got ",
       [] { return lists("7\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", "' is not a whole number",
       [] { return lists("x7 [1]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", "; expected a line like '",
       [] { return lists("7 [a]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", " is not printable ASCII; ids and lists are plain ASCII text",
       [] { return lists("7\xc2\xa0[1]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp",
       "blank line before more lines; the scorer reads the i-th line against the i-th truth line "
       "(remove it)",
       [] { return lists("7 [1]\n\n8 [1]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", "labels must be 0 or 1, got ",
       [] { return lists("7 [2]\n", ListKind::Labels); }},
      {"eval/rank_file.cpp", "ranks start at 1, got ",
       [] { return lists("7 [0]\n", ListKind::Ranks); }},
      {"eval/rank_file.cpp", ": has no labels (a test split?); score against dev",
       [] { return cli("score --behaviors data/test/behaviors.tsv --prediction p.txt"); }},
      {"eval/rank_file.cpp", " is the first missing)",
       [] { return matched("7 [1,0]\n8 [0,1]\n", "7 [1,2]\n"); }},
      {"eval/rank_file.cpp", "'); the scorer compares ids as written, in the truth file's order",
       [] { return matched("7 [1,0]\n", "07 [1,2]\n"); }},
      {"eval/rank_file.cpp", "impression ", [] { return matched("7 [1,0]\n", "7 [1,2,3]\n"); }},
      {"eval/rank_file.cpp", "more impressions than ",
       [] { return matched("7 [1,0]\n", "7 [1,2]\n8 [1]\n"); }},
      {"eval/submission.cpp",
       ": cannot create the zip archive",
       {},
       "libzip creates the archive in the folder where prediction.txt was just written, so "
       "a folder that cannot be written fails there first (fs.cpp)"},
      {"eval/submission.cpp", ": cannot add ", {}, "zip_source_buffer() fails only without memory"},
      {"eval/submission.cpp",
       ": cannot write the zip archive (disk full?)",
       {},
       "needs a disk that fills between prediction.txt and prediction.zip"},
      {"eval/submission.cpp",
       " candidates; a prediction file must rank every candidate (nothing was written)",
       [] {
         return error_of([] {
           NewsTable news;
           LoadOptions options;
           options.add_unknown_news = true;
           auto behaviors = Behaviors::load(at("data/dev/behaviors.tsv"), news, options, nullptr);
           write_submission(behaviors, {}, at("short"));
         });
       }},
      {"eval/submission.cpp",
       ": does not read back as the prediction.txt written beside it",
       {},
       "our own zip read back differs only on a failing disk"},
      {"eval/submission_check.cpp", "not a readable zip archive",
       [] {
         return error_of(
             [] { check_submission(put("bad.zip", std::string("PK\x03\x04", 4) + "junk")); });
       }},
      {"eval/submission_check.cpp",
       "; the leaderboard wants prediction.txt at the zip's root and nothing else (zip -j "
       "prediction.zip prediction.txt)",
       [] {
         return error_of([] {
           check_submission(zip_of("nested.zip", {{"out/prediction.txt", "7 [1]\n"}}));
         });
       }},
      {"eval/submission_check.cpp", ": cannot open the file (check the path)",
       [] { return error_of([] { check_submission(at("missing.zip")); }); }},
      {"eval/submission_check.cpp", "holds no prediction lines",
       [] { return error_of([] { check_submission(put("empty.txt", "")); }); }},
      // model/
      {"model/checkpoint.cpp", ": no such checkpoint folder",
       [] { return error_of([] { read_checkpoint_info(at("missing")); }); }},
      {"model/checkpoint.cpp",
       ", which is missing from the folder (copy the whole checkpoint folder)",
       [] {
         fs::remove(checkpoint_copy("no_tokenizer") + "/tokenizer.model");
         return error_of([] { read_checkpoint_info(at("no_tokenizer")); });
       }},
      {"model/checkpoint.cpp", ": malformed checkpoint metadata (",
       [] {
         put("bad_meta/tokenizer.json", R"({"identity": 5, "text": {}})");
         fs::copy(at("runs/tiny/best/model.json"), at("bad_meta/model.json"));
         return error_of([] { read_checkpoint_info(at("bad_meta")); });
       }},
      {"model/checkpoint.cpp", " (an incomplete checkpoint?)",
       [] {
         fs::remove(checkpoint_copy("incomplete") + "/tokenizer.json");
         return error_of([] { read_checkpoint_info(at("incomplete")); });
       }},
      {"model/checkpoint.cpp", "' (not a checkpoint of this model)",
       [] {
         NamedTensors one{{"x", torch::zeros({1})}};
         write_safetensors(checkpoint_copy("foreign") + "/model.safetensors", one);
         return error_of([] { load_checkpoint_model(at("foreign"), torch::kCPU); });
       }},
      {"model/checkpoint.cpp", "/model.safetensors: '",
       [] {
         NamedTensors tensors = checkpoint_tensors();
         tensors.begin()->second = torch::zeros({3, 1, 7});
         write_safetensors(checkpoint_copy("misshapen") + "/model.safetensors", tensors);
         return error_of([] { load_checkpoint_model(at("misshapen"), torch::kCPU); });
       }},
      {"model/checkpoint.cpp", "/model.safetensors: holds ",
       [] {
         NamedTensors tensors = checkpoint_tensors();
         tensors["zz.extra"] = torch::zeros({1});
         write_safetensors(checkpoint_copy("extra") + "/model.safetensors", tensors);
         return error_of([] { load_checkpoint_model(at("extra"), torch::kCPU); });
       }},
      {"model/checkpoint.cpp",
       " does not fit the config: ", [] { return cli("eval --set model.aggregator=mean"); }},
      {"model/device.cpp",
       "': no CUDA device in this build or machine (Debian's LibTorch is CPU-only; build against "
       "LibTorch with CUDA, or use --device cpu)",
       [] {
         if (torch::cuda::is_available()) return std::string("(CUDA machine: not reachable)");
         return error_of([] { resolve_device("cuda"); });
       }},
      {"model/device.cpp",
       "': this machine has ",
       {},
       "needs a CUDA machine (cuda:N past its device count); scripts/dev/gpu_check.sh runs "
       "there"},
      {"model/device.cpp", "': use auto, cpu, cuda or cuda:N",
       [] { return error_of([] { resolve_device("tpu"); }); }},
      {"model/hf_loader.cpp",
       ": has neither model.safetensors nor pytorch_model.bin (download them with "
       "scripts/download_bert.sh)",
       [] {
         fs::create_directories(at("empty_bert"));
         return error_of([] { read_hf_weights(at("empty_bert")); });
       }},
      {"model/hf_loader.cpp", "checkpoint tensor '",
       [] {
         Unbert model = load_checkpoint_model(at("runs/tiny/best"), torch::kCPU);
         NamedTensors wrong{{"bert.embeddings.word_embeddings.weight", torch::zeros({2, 2})}};
         return error_of([&] { load_bert_weights(*model, wrong, "bert."); });
       }},
      {"model/model_shape.cpp", "\" is not supported (gelu, gelu_new or relu)",
       [] {
         return error_of([] {
           read_hf_config(
               hf_config("act", R"({"vocab_size": 9, "hidden_size": 4, "num_hidden_layers": 1,
             "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 8,
             "hidden_act": "swish"})"));
         });
       }},
      {"model/model_shape.cpp", ": missing key \"",
       [] { return error_of([] { read_hf_config(hf_config("nokeys", "{}")); }); }},
      {"model/model_shape.cpp", "\" has the wrong type (",
       [] {
         return error_of([] { read_hf_config(hf_config("types", R"({"vocab_size": "x"})")); });
       }},
      {"model/model_shape.cpp", " is not a multiple of num_attention_heads ",
       [] {
         return error_of([] {
           read_hf_config(
               hf_config("heads", R"({"vocab_size": 9, "hidden_size": 10, "num_hidden_layers": 1,
             "num_attention_heads": 3, "intermediate_size": 8, "max_position_embeddings": 8})"));
         });
       }},
      {"model/model_shape.cpp",
       " not found (download bert-base-uncased with scripts/download_bert.sh, or set "
       "model.pretrained to \"\" to start from random weights)",
       [] {
         RunConfig config;
         config.model.pretrained = at("missing_bert");
         return error_of([&] { model_shape(config, 100); });
       }},
      {"model/model_shape.cpp", " has vocab_size ",
       [] {
         hf_config("small_vocab", R"({"vocab_size": 9, "hidden_size": 4, "num_hidden_layers": 1,
             "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 8})");
         RunConfig config;
         config.model.pretrained = at("small_vocab");
         return error_of([&] { model_shape(config, 100); });
       }},
      {"model/model_shape.cpp", " but the position table has only ",
       [] {
         RunConfig config;
         config.model.pretrained = "";
         config.model.use_position_embeddings = true;
         config.model.max_position_embeddings = 16;
         return error_of([&] { model_shape(config, 100); });
       }},
      {"model/precision.cpp", "fp16 needs a CUDA device; on the CPU use bf16, auto or fp32 (--set ",
       [] {
         return error_of(
             [] { resolve_precision(Precision::Fp16, torch::kCPU, "train.precision"); });
       }},
      {"model/precision.cpp",
       "int8 is for scoring only; train in fp32, bf16 or auto and set eval.precision=int8",
       [] { return cli("train --config tiny.json --run-dir runs/i8 --set train.precision=int8"); }},
      {"model/precision.cpp", "int8 scoring runs on the CPU; on CUDA use bf16, fp16 or auto",
       [] {
         return error_of([] {
           resolve_precision(Precision::Int8, torch::Device(torch::kCUDA), "eval.precision", "");
         });
       }},
      {"model/precision.cpp",
       "this LibTorch has no quantized engine (FBGEMM, x86 or oneDNN) for int8; use bf16, auto or "
       "fp32",
       {},
       "Debian's LibTorch has oneDNN and the official builds FBGEMM and x86: only a LibTorch built "
       "without any quantized engine reaches it"},
      {"model/safetensors.cpp", "shorter than its 8-byte header length",
       [] { return error_of([] { read_safetensors(put("s1.safetensors", "abc")); }); }},
      {"model/safetensors.cpp", "header length beyond the end of the file",
       [] { return error_of([] { read_safetensors(put("s2.safetensors", u64(1000) + "{}")); }); }},
      {"model/safetensors.cpp", "header is not JSON: ",
       [] {
         return error_of([] { read_safetensors(put("s3.safetensors", safetensors("{,}", ""))); });
       }},
      {"model/safetensors.cpp", "header is not a JSON object",
       [] {
         return error_of([] { read_safetensors(put("s4.safetensors", safetensors("[1]", ""))); });
       }},
      {"model/safetensors.cpp", "' has unsupported dtype ",
       [] {
         return error_of([] {
           read_safetensors(
               put("s5.safetensors",
                   safetensors(R"({"t": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}})",
                               std::string(4, '\0'))));
         });
       }},
      {"model/safetensors.cpp", "' has data_offsets outside the file (truncated?)",
       [] {
         return error_of([] {
           read_safetensors(put(
               "s6.safetensors",
               safetensors(R"({"t": {"dtype": "F32", "shape": [100], "data_offsets": [0, 400]}})",
                           std::string(4, '\0'))));
         });
       }},
      {"model/safetensors.cpp", " that is not a list of whole numbers",
       [] {
         return error_of([] {
           read_safetensors(put(
               "s11.safetensors",
               safetensors(R"({"t": {"dtype": "F32", "shape": [2.5e72], "data_offsets": [0, 4]}})",
                           std::string(4, '\0'))));
         });
       }},
      {"model/safetensors.cpp", "' has a negative dimension",
       [] {
         return error_of([] {
           read_safetensors(
               put("s7.safetensors",
                   safetensors(R"({"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})",
                               std::string(4, '\0'))));
         });
       }},
      {"model/safetensors.cpp", "' size does not match its shape and dtype",
       [] {
         return error_of([] {
           read_safetensors(
               put("s8.safetensors",
                   safetensors(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})",
                               std::string(4, '\0'))));
         });
       }},
      {"model/safetensors.cpp", "' is malformed: ",
       [] {
         return error_of([] {
           read_safetensors(put("s9.safetensors", safetensors(R"({"t": {"dtype": "F32"}})", "")));
         });
       }},
      {"model/safetensors.cpp", "' overlap in the data section",
       [] {
         return error_of([] {
           read_safetensors(
               put("s10.safetensors",
                   safetensors(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                               "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}})",
                               std::string(8, '\0'))));
         });
       }},
      {"model/torch_bin.cpp",
       ": not a zip archive (a legacy pre-1.6 torch.save file, or corrupt); re-save it with a "
       "newer PyTorch or use model.safetensors",
       [] { return error_of([] { read_torch_bin(put("junk.bin", "junk")); }); }},
      {"model/torch_bin.cpp", " (truncated or corrupt file)",
       [] {
         return error_of([] {
           read_torch_bin(torch_bin("nostorage.bin",
                                    tensor_pickle("ctorch\nFloatStorage\n", kSize2x2), false));
         });
       }},
      {"model/torch_bin.cpp", "unsupported storage type ",
       [] { return unpickle(tensor_pickle("ccollections\nOrderedDict\n", kSize2x2)); }},
      {"model/torch_bin.cpp", " (only state_dict files are read; no code is run)",
       [] { return unpickle(kProto + "\xff"); }},
      {"model/torch_bin.cpp", "pickle ends early (truncated or corrupt file)",
       [] { return unpickle(kProto + "X" + u32(64) + "ab"); }},
      {"model/torch_bin.cpp", "pickle ends inside a GLOBAL",
       [] { return unpickle(kProto + "ccollections"); }},
      {"model/torch_bin.cpp", "pickle stack underflow (corrupt file)",
       [] { return unpickle(kProto + "R"); }},
      {"model/torch_bin.cpp", " on the stack (corrupt file)",
       [] { return unpickle(kProto + "K\x01K\x02K\x03s"); }},
      {"model/torch_bin.cpp", "memo of an empty stack",
       [] { return unpickle(kProto + std::string("q\x00", 2)); }},
      {"model/torch_bin.cpp", "unknown memo entry (corrupt file)",
       [] { return unpickle(kProto + "h\x05"); }},
      {"model/torch_bin.cpp", "integer too large",
       [] { return unpickle(kProto + "\x8a\x09" + std::string(9, '\x01')); }},
      {"model/torch_bin.cpp", " (only state_dict files are read)",
       [] { return unpickle(kProto + "cos\nsystem\n"); }},
      {"model/torch_bin.cpp", "unsupported persistent id (not a tensor storage)",
       [] { return unpickle(kProto + "K\x01Q"); }},
      {"model/torch_bin.cpp", "REDUCE of a non-callable",
       [] { return unpickle(kProto + "K\x01)R"); }},
      {"model/torch_bin.cpp", "refusing to call ",
       [] { return unpickle(kProto + "ctorch\nFloatStorage\n)R"); }},
      {"model/torch_bin.cpp", "malformed tensor record",
       [] { return unpickle(kProto + "ctorch._utils\n_rebuild_tensor_v2\n)R"); }},
      {"model/torch_bin.cpp", ": no data.pkl record (not a torch.save file)",
       [] { return error_of([] {
              read_torch_bin(zip_of("nopickle.bin", {{"a/b", "x"}}));
            }); }},
      {"model/torch_bin.cpp", ": does not hold a state_dict",
       [] { return unpickle(kProto + "K\x01."); }},
      {"model/torch_bin.cpp", " strides, or a negative or huge value; corrupt file)",
       [] { return unpickle(tensor_pickle("ctorch\nFloatStorage\n", "K\x02K\x02\x86K\x01\x85")); }},
      {"model/torch_bin.cpp", "' reaches past its storage (corrupt file)",
       [] {
         return unpickle(tensor_pickle("ctorch\nFloatStorage\n", "K\x03K\x03\x86K\x03K\x01\x86"));
       }},
      {"model/unbert.cpp", " layers (the word level's), got ",
       [] {
         ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Attention);
         shape.news_layers = shape.num_layers + 1;
         return error_of([&] { make_unbert(shape, 1)->copy_word_level_into_news_level(); });
       }},
      {"config/validate.cpp", "model.hidden_size / model.intermediate_size / model.num_layers",
       [] { return cli("config --set model.hidden_size=60000 --set model.num_layers=1000"); }},
      // pipeline/
      {"pipeline/sweep.cpp", "sweep: the settings of the run ",
       [] { return cli("sweep --config tiny.json --grid model.num_heads=2,3"); }},
      {"pipeline/sweep.cpp", "--seeds must be in [1, 1000], got ",
       [] { return cli("sweep --config tiny.json --seeds 0"); }},
      {"pipeline/sweep.cpp",
       "sweep: nothing to vary; give --grid KEY=V1,V2 and/or --seeds N (N >= 2)",
       [] { return cli("sweep --config tiny.json"); }},
      {"pipeline/sweep.cpp", "--grid train.seed: give the number of seeds with --seeds N instead",
       [] { return cli("sweep --config tiny.json --grid train.seed=1,2"); }},
      {"pipeline/sweep.cpp", ": the sweep names its runs' folders itself",
       [] { return cli("sweep --config tiny.json --grid name=a,b"); }},
      {"pipeline/sweep.cpp", " is given twice; list all its values in one --grid",
       [] { return cli("sweep --config tiny.json --grid train.lr=0.1 --grid train.lr=0.2"); }},
      {"pipeline/sweep.cpp",
       ": this folder holds another sweep (its grid, --seeds, --split or config differ); give "
       "another --out, or repeat that sweep's own command",
       [] {
         put("sweeps/other/sweep.json", "{}");
         return cli("sweep --config tiny.json --seeds 2 --out sweeps/other");
       }},
      {"pipeline/sweep.cpp",
       ": exists and is not a sweep folder (no sweep.json); give another --out",
       [] {
         put("sweeps/mine/notes.txt", "a user's notes");
         return cli("sweep --config tiny.json --seeds 2 --out sweeps/mine");
       }},
      {"pipeline/sweep.cpp",
       ": expected KEY=VALUE,VALUE,... (e.g. --grid model.level=word,news,both)",
       [] { return cli("sweep --config tiny.json --grid model.level"); }},
      {"pipeline/sweep.cpp", "' is listed twice",
       [] { return cli("sweep --config tiny.json --grid model.level=word,word"); }},
      {"pipeline/sweep.cpp",
       " (values that differ only in characters a folder name cannot hold); rename one value",
       [] { return cli("sweep --config tiny.json --grid data.cache_dir=c/1,c_1"); }},
      {"pipeline/compare_runs.cpp", " yet; run 'unbert eval --run-dir ",
       [] { return cli("compare runs/tiny --split test"); }},
      {"pipeline/compare_runs.cpp",
       ": neither a run folder nor an eval folder (no impressions.tsv); give a run folder such as "
       "runs/NAME or an eval folder such as runs/NAME/eval/dev",
       [] { return cli("compare data"); }},
      {"pipeline/compare_runs.cpp",
       ": has impressions.tsv but no metrics.json; run 'unbert eval' again",
       [] {
         put("cmp/bare/impressions.tsv", kImpressionHeader);
         return cli("compare cmp/bare");
       }},
      {"pipeline/compare_runs.cpp",
       ": written by an older unbert (it does not say which split it scored); run 'unbert eval' "
       "again for this run",
       [] {
         put("cmp/old/impressions.tsv", kImpressionHeader);
         put("cmp/old/metrics.json", R"({"split": "dev", "auc": 0.5})");
         return cli("compare cmp/old");
       }},
      {"pipeline/compare_runs.cpp", ": these results are of earlier weights than ",
       [] {
         hand_made_eval("cmp/run/eval/dev", "1", "h");
         auto report = nlohmann::json::parse(read_text_file(at("cmp/run/eval/dev/metrics.json")));
         report["weights"] = {{"bytes", 1}, {"hash", "0"}};
         put("cmp/run/eval/dev/metrics.json", report.dump());
         put("cmp/run/best/model.safetensors", "other weights");
         return cli("compare cmp/run");
       }},
      {"pipeline/compare_runs.cpp", "its \"config\" is not a run config; run 'unbert eval' again",
       [] {
         put("cmp/odd/impressions.tsv", kImpressionHeader);
         put("cmp/odd/metrics.json", R"({"behaviors": {}, "config": 3})");
         return cli("compare cmp/odd");
       }},
      {"pipeline/compare_runs.cpp", ": compare runs scored on the same split",
       [] {
         hand_made_eval("cmp/x", "1", "h1");
         hand_made_eval("cmp/y", "1", "h2");
         return cli("compare cmp/x cmp/y");
       }},
      {"pipeline/compare_runs.cpp",
       "compare: the runs share no impression id; compare runs scored on the same split",
       [] {
         hand_made_eval("cmp/p", "1", "h");
         hand_made_eval("cmp/q", "2", "h");  // the same file, by its hash, but other ids
         return cli("compare cmp/p cmp/q");
       }},
      {"pipeline/compare_runs.cpp", "compare: give at least one run or eval folder",
       [] { return error_of([] { compare_runs({}); }); }},
      {"pipeline/compare_runs.cpp", "--resamples must be in [100, 1000000], got ",
       [] { return cli("compare runs/tiny --resamples 5"); }},
      {"pipeline/run_config.cpp", " holds no run (no config.json)",
       [] { return error_of([] { read_run_config(at("data"), {}); }); }},
      {"pipeline/score_split.cpp",
       ": scoring uses a trained checkpoint, which fixes this key, so it would have no effect; "
       "drop it (data.*, text.* packing keys, eval.* and device apply here)",
       [] { return cli("eval --set model.num_layers=3"); }},
      {"pipeline/score_split.cpp",
       "is \"skip\", which would drop candidates from the prediction file; set it to \"error\" for "
       "predict (--set data.unknown_candidate=error)",
       [] { return cli("predict --set data.unknown_candidate=skip"); }},
      {"pipeline/score_split.cpp",
       "is \"skip\", which would drop malformed impressions from the prediction file; set it to "
       "\"fail\" for predict (--set data.on_error=fail)",
       [] { return cli("predict --set data.on_error=skip"); }},
      {"pipeline/score_split.cpp", "; drop --run-dir (the results then go to ",
       [] {
         fs::remove_all(at("runs/copy"));
         fs::copy(at("runs/tiny"), at("runs/copy"), fs::copy_options::recursive);
         return cli("eval --run-dir runs/copy --checkpoint runs/tiny/best");
       }},
      {"pipeline/score_split.cpp",
       "holds no impressions, so there is nothing to predict (nothing was written)",
       [] {
         put("empty/behaviors.tsv", "");
         fs::copy_file(at("data/test/news.tsv"), at("empty/news.tsv"),
                       fs::copy_options::overwrite_existing);
         return cli("predict --set data.test_dir=empty --out empty/predicted");
       }},
      {"pipeline/score_split.cpp", " has no labels (a test split?); use 'unbert predict --split ",
       [] { return cli("eval --split test"); }},
      {"pipeline/train_run.cpp",
       "; resume with the run's config (plain 'unbert train --resume'), or start a new run "
       "(--run-dir)",
       [] { return cli("train --config tiny.json --resume --set train.lr=0.5"); }},
      {"pipeline/train_run.cpp",
       " already holds a run; continue it with --resume, or choose another with --run-dir (nothing "
       "was overwritten)",
       [] { return cli("train --config tiny.json --run-dir runs/tiny"); }},
      {"pipeline/train_run.cpp",
       ": train.init_from starts from a checkpoint, which fixes this key, so it would have no "
       "effect; drop it, or start from model.pretrained (--set train.init_from=)",
       [] {
         return cli(
             "train --config tiny.json --run-dir runs/init --set train.init_from=runs/tiny/best "
             "--set model.num_heads=4");
       }},
      {"pipeline/train_run.cpp",
       "); config.json is unbert's record of the run: restore that value, or start a new run "
       "(--run-dir) with the change",
       [] {
         fs::remove_all(at("runs/edited"));
         fs::copy(at("runs/tiny"), at("runs/edited"), fs::copy_options::recursive);
         nlohmann::json config =
             nlohmann::json::parse(read_text_file(at("runs/edited/config.json")));
         config["train"]["lr"] = 0.5;
         put("runs/edited/config.json", config.dump(2));
         return cli("train --resume --run-dir runs/edited");
       }},
      {"pipeline/train_run.cpp", " holds no run to continue (no config.json)",
       [] { return cli("train --resume --run-dir data"); }},
      {"pipeline/train_run.cpp", " holds no run to continue",
       [] { return cli("train --config tiny.json --resume --run-dir runs/none"); }},
      {"pipeline/train_run.cpp",
       ": nothing to resume (no checkpoint yet); start again without --resume",
       [] {
         put("runs/leftover/config.json", "{}");
         return cli("train --config tiny.json --resume --run-dir runs/leftover");
       }},
      // text/
      {"text/sentencepiece_tokenizer.cpp", ": no executable there; point it at build/",
       [] { return cli("tokenize --spm spm/titles.model", "UNBERT_SPM_HELPER=/nonexistent"); }},
      {"text/sentencepiece_tokenizer.cpp",
       "); rebuild with scripts/setup.sh, or set ",
       {},
       "only an installation without unbert-spm: a build folder always has one (its path is "
       "compiled in)"},
      {"text/sentencepiece_tokenizer.cpp",
       ": no such SentencePiece model (train one with 'unbert tokenizer train --config ...')",
       [] { return error_of([] { SentencePieceTokenizer::from_file(at("missing.model")); }); }},
      {"text/sentencepiece_tokenizer.cpp",
       ": the SentencePiece helper sent a malformed vocabulary",
       {},
       "only a helper of another build answers so; the frames are checked (SpmProtocol tests)"},
      {"text/sentencepiece_tokenizer.cpp",
       "the SentencePiece helper sent a malformed encode reply",
       {},
       "only a helper of another build answers so; the frames are checked (SpmProtocol tests)"},
      {"text/sentencepiece_tokenizer.cpp", "must end in .model, got \"",
       [] {
         return error_of([] { train_sentencepiece({"a b"}, at("titles.bin"), spm_text(), 1); });
       }},
      {"text/sentencepiece_tokenizer.cpp", ": cannot write the training text",
       [] {
         fs::create_directories(at("blocked.corpus.txt"));  // a folder where the text goes
         return error_of([] { train_sentencepiece({"a b"}, at("blocked.model"), spm_text(), 1); });
       }},
      {"text/text_setup.cpp",
       "is \"wordpiece\"; only a SentencePiece model is trained (set text.tokenizer to "
       "\"sentencepiece\")",
       [] { return error_of([] { train_tokenizer(TextConfig(), NewsTable()); }); }},
      {"text/text_setup.cpp", "needs the path where the model is written",
       [] {
         TextConfig text = spm_text();
         text.spm_model = "";
         return error_of([&] { train_tokenizer(text, NewsTable()); });
       }},
      {"text/text_setup.cpp", "no news titles to train SentencePiece on",
       [] {
         TextConfig text = spm_text();
         text.spm_model = at("new.model");
         return error_of([&] { train_tokenizer(text, NewsTable()); });
       }},
      {"text/tokenizer.cpp", "' is not in the vocabulary of ",
       [] {
         TextConfig text = tiny_vocab_text();
         text.nsep_token = "[NOPE]";
         return error_of([&] { load_tokenizer(text); });
       }},
      {"text/tokenizer.cpp", "needs the path of a vocab.txt",
       [] {
         TextConfig text;
         text.vocab = "";
         return error_of([&] { load_tokenizer(text); });
       }},
      {"text/tokenizer.cpp",
       "\" is not a file (scripts/download_bert.sh fetches bert-base-uncased's vocab.txt; or name "
       "your own)",
       [] {
         TextConfig text;
         text.vocab = at("missing_vocab.txt");
         return error_of([&] { load_tokenizer(text); });
       }},
      {"text/tokenizer.cpp", "needs the path of a SentencePiece .model",
       [] {
         TextConfig text = spm_text();
         text.spm_model = "";
         return error_of([&] { load_tokenizer(text); });
       }},
      {"text/wordpiece.cpp", ": empty vocabulary (is this a vocab.txt?)",
       [] {
         return error_of([] { WordPieceTokenizer::from_file(put("empty_vocab.txt", ""), true); });
       }},
      // train/
      // `unbert bench --shape` offers tiny and base only; the library call checks too.
      {"train/benchmark.cpp", "bench: unknown shape '",
       [] { return error_of([] { benchmark_shape("huge"); }); }},
      {"train/data_fingerprint.cpp",
       "): restore the data the run was trained on, or start a new run on this data",
       [] {
         nlohmann::json then = {
             {"train/behaviors.tsv", {{"path", "b"}, {"bytes", 1}, {"hash", "00"}}}};
         nlohmann::json now = {
             {"train/behaviors.tsv", {{"path", "b"}, {"bytes", 2}, {"hash", "11"}}}};
         return error_of([&] { check_same_training_files(then, now, "ckpt"); });
       }},
      {"train/run_dir.cpp",
       ": has no best/ checkpoint yet (it is written when an evaluation improves dev AUC, and at "
       "the end of a run without dev data); score a step checkpoint with --checkpoint ",
       [] {
         fs::remove_all(at("runs/nobest"));
         fs::copy(at("runs/tiny"), at("runs/nobest"), fs::copy_options::recursive);
         fs::remove_all(at("runs/nobest/best"));
         return cli("eval --run-dir runs/nobest");
       }},
      {"train/run_dir.cpp", ": has no checkpoint yet (train first, or pass --checkpoint)",
       [] { return error_of([] { RunDir(at("data")).model_checkpoint(); }); }},
      {"train/run_dir.cpp",
       "no run yet in this folder (runs/latest is missing): pass --run-dir DIR or train first",
       [] {
         fs::create_directories(at("elsewhere"));
         return test::run_unbert("eval", at("elsewhere")).err;
       }},
      {"train/run_dir.cpp", ", which no longer exists: pass --run-dir DIR",
       [] {
         put("stale/runs/latest", "runs/gone\n");
         return test::run_unbert("eval", at("stale")).err;
       }},
      {"train/run_lock.cpp", ": cannot open the run's lock file: ",
       [] {
         fs::create_directories(at("locked/.lock"));  // a folder where the lock file goes
         return error_of([] { RunLock lock(at("locked")); });
       }},
      {"train/run_lock.cpp", ": cannot create the run directory (",
       [] { return error_of([] { RunLock lock(at("tiny.json") + "/run"); }); }},
      {"train/run_lock.cpp", "; wait for it to end, or choose another run with --run-dir",
       [] {
         RunLock first(at("busy"));
         return error_of([] { RunLock second(at("busy")); });
       }},
      {"train/trainer.cpp",
       "\" is not a checkpoint folder (a run's best/ or checkpoints/step-N/); set it to \"\" to "
       "start from model.pretrained",
       [] {
         return cli("train --config tiny.json --run-dir runs/init --set train.init_from=nowhere");
       }},
      {"train/trainer.cpp",
       "); stopped without updating the weights; last good checkpoint: ",
       {},
       "a loss that overflows needs weights no valid config reaches in a short run; "
       "TrainerTest.NonFiniteLossStopsNamingTheStep corrupts it through the trainer's test hook"},
      {"train/trainer.cpp", ": cannot read the optimizer state: ",
       [] {
         fs::remove_all(at("runs/damaged"));
         fs::copy(at("runs/tiny"), at("runs/damaged"), fs::copy_options::recursive);
         for (const auto& entry : fs::directory_iterator(at("runs/damaged/checkpoints")))
           std::ofstream(entry.path() / "optimizer.pt") << "junk";
         return cli("train --resume --run-dir runs/damaged --set train.epochs=2");
       }},
      {"train/trainer.cpp", ": not a valid training state: ",
       [] {
         fs::remove_all(at("runs/badstate"));
         fs::copy(at("runs/tiny"), at("runs/badstate"), fs::copy_options::recursive);
         for (const auto& entry : fs::directory_iterator(at("runs/badstate/checkpoints")))
           std::ofstream(entry.path() / "state.json") << "{";
         return cli("train --resume --run-dir runs/badstate --set train.epochs=2");
       }},
      {"train/trainer.cpp",
       " batches per epoch (the training data changed since); restore the data the run was trained "
       "on, or start a new run",
       [] {
         fs::remove_all(at("runs/far"));
         fs::copy(at("runs/tiny"), at("runs/far"), fs::copy_options::recursive);
         for (const auto& entry : fs::directory_iterator(at("runs/far/checkpoints"))) {
           auto state =
               nlohmann::json::parse(read_text_file((entry.path() / "state.json").string()));
           state["batch_in_epoch"] = 999;
           std::ofstream(entry.path() / "state.json") << state.dump();
         }
         return cli("train --resume --run-dir runs/far --set train.epochs=2");
       }},
      {"train/trainer.cpp",
       " impressions, none with both a click and a non-click); point data.train_dir at a MIND "
       "training folder",
       [] {
         return cli(
             "train --config tiny.json --run-dir runs/test_as_train --set "
             "data.train_dir=data/test");
       }},
      {"train/trainer.cpp",
       ": nothing to resume (no checkpoint yet); start again without --resume",
       {},
       "pipeline/train_run.cpp refuses the same case first, with the same message (above); "
       "the trainer keeps the check for callers of the library"},
      {"train/trainer.cpp",
       " written; continue with --resume",
       {},
       "a stop signal: Pipeline.CtrlCWritesACheckpointAndExits130ThenResumes sends one"},
      {"train/training_state.cpp", ": malformed training state (",
       [] {
         return error_of([] { TrainingState::from_json(nlohmann::json::object(), "state.json"); });
       }},
  };
}

class ErrorCatalogue : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_dir = new test::TempDir;
    auto synth =
        test::run_unbert("synth --out data --users 30 --news 30 --days 4 --seed 5", g_dir->path());
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    g_dir->write("tiny.json", test::kTinySpmConfig);
    auto train = test::run_unbert("train --config tiny.json", g_dir->path());
    ASSERT_EQ(train.exit_code, 0) << train.err;
  }
  static void TearDownTestSuite() {
    delete g_dir;
    g_dir = nullptr;
  }
};

// Each row's input produces its message.
TEST_F(ErrorCatalogue, EveryListedMessageComesFromItsInput) {
  for (const Entry& entry : catalogue()) {
    if (!entry.produce) {
      EXPECT_TRUE(entry.why && std::string(entry.why).size() > 20) << entry.key << ": say why";
      continue;
    }
    const std::string text = entry.produce();
    EXPECT_NE(text.find(entry.key), std::string::npos)
        << entry.file << ": expected \"" << entry.key << "\"\ngot: " << text;
  }
}

// Every message in the sources has a row, and every row a message.
TEST_F(ErrorCatalogue, EveryMessageInTheSourcesIsListed) {
  std::map<std::pair<std::string, std::string>, int> listed;
  for (const Entry& entry : catalogue()) ++listed[{entry.file, entry.key}];
  std::set<std::pair<std::string, std::string>> in_sources;
  for (const auto& site : test::error_sites(UNBERT_SOURCE_DIR)) {
    if (site.key.empty()) continue;  // forwards a message built where it is tested
    in_sources.insert({site.file, site.key});
    EXPECT_TRUE(listed.count({site.file, site.key}))
        << "src/" << site.file << ":" << site.line << ": the message \"" << site.key
        << "\" has no row in the catalogue (tests/catalogue/test_error_catalogue.cpp)";
  }
  for (const auto& [row, count] : listed) {
    EXPECT_EQ(count, 1) << row.first << ": \"" << row.second << "\" is listed twice";
    EXPECT_TRUE(in_sources.count(row))
        << row.first << ": \"" << row.second << "\" is listed but no longer in the sources";
  }
  EXPECT_GT(in_sources.size(), 100u);  // the scanner found the sources
}

}  // namespace
}  // namespace unbert
