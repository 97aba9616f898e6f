// `unbert train --nproc-per-node 2`: two CPU ranks over loopback (Gloo, one
// thread each) against one process with the same global batch.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/dist/launcher.h"
#include "unbert/dist/process_group.h"
#include "unbert/model/weights_io.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

constexpr double kWeightTolerance = 1e-4;

// fp32, no dropout: the two runs differ only in how sums are grouped.
constexpr const char* kConfig = R"({
  "data": {"train_dir": "data/train", "dev_dir": "data/dev", "test_dir": "data/test",
           "cache_dir": "cache"},
  "text": {"vocab": "VOCAB", "nsep_token": "[MASK]", "max_history": 5, "max_seq_len": 80},
  "model": {"pretrained": "", "hidden_size": 16, "num_layers": 1, "num_heads": 2,
            "intermediate_size": 32, "random_init": "matching", "news_level": {"layers": 1},
            "dropout": 0, "attention_dropout": 0},
  "train": {"lr": 1e-3, "batch_size": 16, "micro_batch": 4, "epochs": 1, "log_every": 1,
            "eval_every": 4, "keep": 3, "precision": "fp32"},
  "eval": {"precision": "fp32"}
})";

class DataParallel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
    auto synth = test::run_unbert(
        "synth --out data --users 40 --news 40 --days 4 --candidates 10 --seed 3", dir_.path());
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    std::string config = kConfig;
    config.replace(config.find("VOCAB"), 5, test::shared_dir() + "/golden/tiny-bert/vocab.txt");
    dir_.write("c.json", config);
  }
  test::CommandResult train(const std::string& args) {
    return test::run_unbert("--threads 1 train --config c.json " + args, dir_.path());
  }
  std::vector<nlohmann::json> metrics(const std::string& run) {
    std::vector<nlohmann::json> rows;
    std::istringstream lines(read_text_file(dir_.file(run + "/metrics.jsonl")));
    for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
    return rows;
  }
  double max_weight_difference(const std::string& a, const std::string& b) {
    auto x = read_safetensors(dir_.file(a + "/model.safetensors"));
    auto y = read_safetensors(dir_.file(b + "/model.safetensors"));
    double worst = 0;
    for (auto& [name, tensor] : x)
      worst = std::max(worst, (tensor - y.at(name)).abs().max().item<double>());
    return worst;
  }
  test::TempDir dir_;
};

// Tolerance: the global batch's gradient is the same sum grouped differently
// (per rank, then across ranks), so it differs by a few fp32 ulp. Adam
// divides by the root of the second moment, so where a gradient is near zero
// such a difference can move an update by a good share of lr (1e-3): after 8
// steps weights agree to kWeightTolerance = 1e-4 (measured: about 1e-5).
TEST_F(DataParallel, TwoRanksMatchOneProcess) {
  auto one = train("--run-dir one --set train.max_steps=8");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto two = train("--run-dir two --set train.max_steps=8 --nproc-per-node 2");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("best dev AUC"), std::string::npos);  // printed once, by rank 0
  EXPECT_EQ(two.out.find("best dev AUC"), two.out.rfind("best dev AUC"));

  auto a = metrics("one"), b = metrics("two");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].contains("dev")) {
      EXPECT_EQ(a[i]["dev"], b[i]["dev"]) << "dev metrics of row " << i;  // identical
    } else {
      EXPECT_NEAR(a[i]["loss"].get<double>(), b[i]["loss"].get<double>(), 1e-6) << i;
    }
  }
  EXPECT_LT(
      max_weight_difference("one/checkpoints/step-000000008", "two/checkpoints/step-000000008"),
      kWeightTolerance);
  // Bit-identical replicas: both ranks logged the same digest at each checkpoint.
  std::regex digest(R"(step (\d+): weights identical on all 2 ranks \(digest ([0-9a-f]+)\))");
  auto digests = [&](const std::string& log) {
    std::string text = read_text_file(dir_.file("two/" + log));
    std::vector<std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), digest), end; it != end; ++it)
      out.push_back((*it)[1].str() + ":" + (*it)[2].str());
    return out;
  };
  EXPECT_EQ(digests("unbert.log").size(), 2u);  // steps 4 and 8
  EXPECT_EQ(digests("unbert.log"), digests("unbert.rank1.log"));
  EXPECT_TRUE(fs::exists(dir_.file("two/unbert.rank1.log")));
}

TEST_F(DataParallel, ShardedEvalAndPredictMatchOneProcess) {
  ASSERT_EQ(train("--run-dir one --set train.max_steps=4").exit_code, 0);
  for (const char* ranks : {"", " --nproc-per-node 2"}) {
    const std::string out = *ranks ? "two" : "one";
    auto eval = test::run_unbert("--threads 1 eval --checkpoint one/best --out eval-" + out + ranks,
                                 dir_.path());
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    auto predict = test::run_unbert(
        "--threads 1 predict --checkpoint one/best --out predict-" + out + ranks, dir_.path());
    ASSERT_EQ(predict.exit_code, 0) << predict.err;
  }
  auto metrics = [&](const std::string& run) {
    auto m = nlohmann::json::parse(read_text_file(dir_.file("eval-" + run + "/metrics.json")));
    m.erase("impressions_per_second");
    return m;
  };
  EXPECT_EQ(metrics("one"), metrics("two"));
  EXPECT_EQ(read_text_file(dir_.file("eval-one/scores.tsv")),
            read_text_file(dir_.file("eval-two/scores.tsv")));
  EXPECT_EQ(read_text_file(dir_.file("predict-one/prediction.txt")),
            read_text_file(dir_.file("predict-two/prediction.txt")));
}

TEST_F(DataParallel, ATwoRankRunResumesWithOneRank) {
  ASSERT_EQ(train("--run-dir two --set train.max_steps=4 --nproc-per-node 2").exit_code, 0);
  ASSERT_EQ(train("--run-dir one --set train.max_steps=4").exit_code, 0);
  auto resumed = test::run_unbert(
      "--threads 1 train --run-dir two --resume --set train.max_steps=8", dir_.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ASSERT_EQ(test::run_unbert("--threads 1 train --run-dir one --resume --set train.max_steps=8",
                             dir_.path())
                .exit_code,
            0);
  EXPECT_LT(
      max_weight_difference("one/checkpoints/step-000000008", "two/checkpoints/step-000000008"),
      kWeightTolerance);
  auto state =
      nlohmann::json::parse(read_text_file(dir_.file("two/checkpoints/step-000000008/state.json")));
  EXPECT_EQ(state["world_size"], 1);
}

// Pids of the launcher's children, by rank.
std::map<int, int> workers_of(int launcher) {
  std::map<int, int> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    int parent = 0;
    rest >> state >> parent;
    if (parent != launcher) continue;
    std::ifstream environ(entry.path() / "environ", std::ios::binary);
    for (std::string var; std::getline(environ, var, '\0');)
      if (var.rfind("RANK=", 0) == 0) out[std::stoi(var.substr(5))] = std::stoi(name);
  }
  return out;
}

TEST_F(DataParallel, AKilledRankEndsTheOtherWithItsName) {
  // `sh -c exec` makes the spawned pid the launcher itself.
  int launcher = test::spawn_unbert(
      "--threads 1 train --config c.json --run-dir two --set train.epochs=50 --nproc-per-node 2 "
      "--dist-timeout 50",
      dir_.path());
  const auto first = dir_.file("two/checkpoints/step-000000004");
  for (int i = 0; i < 600 && !fs::exists(first); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(first)) << read_text_file(dir_.file("spawned.err"));
  auto workers = workers_of(launcher);
  ASSERT_EQ(workers.count(1), 1u);
  const auto killed = std::chrono::steady_clock::now();
  kill(workers[1], SIGKILL);
  const int code = test::wait_for(launcher);
  EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(60));
  EXPECT_NE(code, 0);
  const std::string err = read_text_file(dir_.file("spawned.err"));
  EXPECT_NE(err.find("rank 1 killed by signal 9"), std::string::npos) << err;
  EXPECT_NE(err.find("failed on rank 0 of 2: rank 1 stopped"), std::string::npos) << err;
  // The last checkpoint is whole: the run continues from it.
  auto resumed = test::run_unbert(
      "--threads 1 train --run-dir two --resume --set train.max_steps=5", dir_.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
}

// Flags or environment that say which rank this is cannot mix with the
// launcher, which sets them itself; once they were obeyed in part and the
// command waited out the timeout.
TEST_F(DataParallel, TheLauncherRefusesRanksGivenOtherwise) {
  auto flags = train("--run-dir x --nproc-per-node 2 --world-size 2");
  EXPECT_EQ(flags.exit_code, 2) << flags.err;
  EXPECT_NE(flags.err.find("--nproc-per-node starts the ranks itself; drop --world-size"),
            std::string::npos)
      << flags.err;
  auto stale = test::run_unbert("--threads 1 train --config c.json --run-dir x --nproc-per-node 2",
                                dir_.path(), "", "WORLD_SIZE=4");
  EXPECT_EQ(stale.exit_code, 2) << stale.err;
  EXPECT_NE(stale.err.find("--nproc-per-node 2, but WORLD_SIZE=4 is set in the environment"),
            std::string::npos)
      << stale.err;
  EXPECT_FALSE(fs::exists(dir_.file("x")));
}

// A port that accepts connections but never answers (a hung service): rank 0
// cannot listen there and fails at once, rank 1 would wait for it for the
// whole timeout. The launcher stops it within seconds (once: 192 s).
TEST_F(DataParallel, AFailedRankStopsTheOthersWithinSeconds) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const int port = ntohs(address.sin_port);
  const auto start = std::chrono::steady_clock::now();
  auto result = train("--run-dir x --nproc-per-node 2 --master-port " + std::to_string(port));
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
          .count();
  close(fd);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_LT(seconds, 45) << result.err;
  EXPECT_NE(result.err.find("the port is in use"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("unbert launcher: rank 0 "), std::string::npos) << result.err;
}

// Two ranks started by hand with different settings: each names the key and
// both values, and no checkpoint is called intact (there is none).
TEST_F(DataParallel, RanksWithDifferentConfigsSayWhichKeyDiffers) {
  const int port = free_loopback_port();
  const std::string env = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
                          " WORLD_SIZE=2 UNBERT_DIST_TIMEOUT=60";
  test::CommandResult results[2];
  std::thread other([&] {
    results[1] =
        test::run_unbert("--threads 1 train --config c.json --run-dir x --set model.hidden_size=32",
                         dir_.path(), "", env + " RANK=1");
  });
  results[0] = test::run_unbert("--threads 1 train --config c.json --run-dir x", dir_.path(), "",
                                env + " RANK=0");
  other.join();
  for (const auto& r : results) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("rank 1's setup differs from rank 0's: config.model.hidden_size is 32 "
                         "here, 16 on rank 0"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("intact"), std::string::npos) << r.err;
  }
}

// Two machines, one config: a vocab.txt that differs between them once
// trained on different token ids without a word.
TEST_F(DataParallel, RanksWhoseTokenizerFilesDifferSayWhichFile) {
  test::TempDir other_dir;
  fs::copy(dir_.file("data"), other_dir.file("data"), fs::copy_options::recursive);
  std::string config = read_text_file(dir_.file("c.json"));
  const std::string shared_vocab = test::shared_dir() + "/golden/tiny-bert/vocab.txt";
  config.replace(config.find(shared_vocab), shared_vocab.size(), "vocab.txt");
  const std::string vocab = read_text_file(shared_vocab);
  for (const auto* dir : {&dir_, &other_dir}) dir->write("v.json", config);
  dir_.write("vocab.txt", vocab);
  other_dir.write("vocab.txt", vocab + "zzzextra\n");
  const int port = free_loopback_port();
  const std::string env = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
                          " WORLD_SIZE=2 UNBERT_DIST_TIMEOUT=60";
  test::CommandResult results[2];
  std::thread other([&] {
    results[1] = test::run_unbert("--threads 1 train --config v.json --run-dir x", other_dir.path(),
                                  "", env + " RANK=1");
  });
  results[0] = test::run_unbert("--threads 1 train --config v.json --run-dir x", dir_.path(), "",
                                env + " RANK=0");
  other.join();
  for (const auto& r : results) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("rank 1's setup differs from rank 0's: files.text.vocab.bytes is "),
              std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace unbert
