#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <zip.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/model/hf_loader.h"
#include "unbert/model/unbert.h"

namespace unbert {
namespace {

std::string tiny_dir() {
  return test::shared_dir() + "/golden/tiny-bert";
}

ModelShape tiny_unbert_shape() {
  ModelShape shape = read_hf_config(tiny_dir() + "/config.json");
  shape.max_news_segments = 8;
  shape.news_layers = 1;
  return shape;
}

using test::error_of;

TEST(WeightsIo, SafetensorsAndBinHoldTheSameTensors) {
  NamedTensors a = read_safetensors(tiny_dir() + "/model.safetensors");
  NamedTensors b = read_torch_bin(tiny_dir() + "/pytorch_model.bin");
  EXPECT_EQ(a.size(), 46u);
  EXPECT_EQ(b.size(), 48u);  // plus the tied decoder entries
  for (const auto& [name, tensor] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(torch::equal(tensor, b[name])) << name;
  }
  EXPECT_TRUE(torch::equal(b["cls.predictions.decoder.weight"],
                           b["bert.embeddings.word_embeddings.weight"]));
}

TEST(WeightsIo, LoadsIntoUnbertWithOrWithoutPrefixAndReportsOnce) {
  ModelShape shape = tiny_unbert_shape();
  Unbert model = make_unbert(shape, 1);
  NamedTensors tensors = read_safetensors(tiny_dir() + "/model.safetensors");
  WeightReport report = load_bert_weights(*model, tensors, "bert.", {"embeddings.news_segment"});
  EXPECT_EQ(report.loaded, 36u);  // 39 bert.* minus position embeddings and the pooler
  EXPECT_TRUE(report.missing.empty());
  EXPECT_TRUE(report.unexpected.empty());
  EXPECT_EQ(report.ignored.size(), 7u + 3u);  // cls.* (7), position, pooler weight and bias
  EXPECT_TRUE(torch::equal(model->bert->embeddings->word_embeddings->weight,
                           tensors["bert.embeddings.word_embeddings.weight"]));

  NamedTensors bare;  // keys without "bert.", TF-era gamma/beta names
  for (const auto& [name, tensor] : tensors) {
    if (name.rfind("bert.", 0) != 0) continue;
    std::string key = name.substr(5);
    if (key == "embeddings.LayerNorm.weight") key = "embeddings.LayerNorm.gamma";
    bare[key] = tensor * 2;
  }
  bare["something.else"] = torch::zeros({2});
  bare.erase("encoder.layer.1.output.dense.bias");
  Unbert other = make_unbert(shape, 2);
  report = load_bert_weights(*other, bare, "bert.", {"embeddings.news_segment"});
  EXPECT_EQ(report.unexpected, std::vector<std::string>{"something.else"});
  EXPECT_EQ(report.missing, std::vector<std::string>{"bert.encoder.layer.1.output.dense.bias"});
  EXPECT_TRUE(torch::equal(other->bert->embeddings->layer_norm->weight,
                           tensors["bert.embeddings.LayerNorm.weight"] * 2));
}

TEST(WeightsIo, ShapeMismatchNamesTensorAndBothShapes) {
  Unbert model = make_unbert(tiny_unbert_shape(), 1);
  NamedTensors tensors{{"bert.embeddings.word_embeddings.weight", torch::zeros({10, 64})}};
  EXPECT_EQ(error_of([&] { load_bert_weights(*model, tensors, "bert."); }),
            "checkpoint tensor 'bert.embeddings.word_embeddings.weight' has shape [10, 64] but "
            "the model's 'bert.embeddings.word_embeddings.weight' has shape [1000, 64]");
}

std::string damaged_copy(const test::TempDir& dir, const std::string& source, std::size_t keep,
                         bool garble) {
  std::ifstream in(source, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(std::min(bytes.size(), keep));
  if (garble)
    for (std::size_t i = 8; i < bytes.size(); i += 97)
      bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  return dir.write(std::filesystem::path(source).filename().string(), bytes);
}

// Two tensors sharing bytes once loaded without a word.
TEST(WeightsIo, OverlappingSafetensorsAreRefused) {
  test::TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  std::string bytes(8, '\0');
  const uint64_t size = header.size();
  std::memcpy(bytes.data(), &size, 8);
  bytes += header + std::string(12, '\0');
  std::ofstream(dir.file("overlap.safetensors"), std::ios::binary) << bytes;
  EXPECT_NE(error_of([&] {
              read_safetensors(dir.file("overlap.safetensors"));
            }).find("tensors 'a' and 'b' overlap in the data section"),
            std::string::npos);
}

TEST(WeightsIo, TruncatedOrGarbledFilesAreClearErrors) {
  test::TempDir dir;
  for (std::size_t keep : {0ul, 4ul, 100ul, 5000ul, 300000ul}) {
    std::string st = damaged_copy(dir, tiny_dir() + "/model.safetensors", keep, false);
    EXPECT_NE(error_of([&] { read_safetensors(st); }).find("not a valid safetensors file"),
              std::string::npos)
        << keep;
    std::string bin = damaged_copy(dir, tiny_dir() + "/pytorch_model.bin", keep, false);
    EXPECT_NE(error_of([&] { read_torch_bin(bin); }), "") << keep;
  }
  std::string st = damaged_copy(dir, tiny_dir() + "/model.safetensors", 1 << 30, true);
  EXPECT_NE(error_of([&] { read_safetensors(st); }), "");
  std::string bin = damaged_copy(dir, tiny_dir() + "/pytorch_model.bin", 1 << 30, true);
  EXPECT_NE(error_of([&] { read_torch_bin(bin); }), "");
  EXPECT_NE(
      error_of([&] { read_hf_weights(dir.file("nothing")); }).find("scripts/download_bert.sh"),
      std::string::npos);
}

TEST(WeightsIo, PickleWithForeignGlobalIsRefused) {
  test::TempDir dir;
  // A protocol-2 pickle calling os.system: must never run.
  const char kPickle[] =
      "\x80\x02"
      "cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.";
  std::string pickle(kPickle, sizeof kPickle - 1);
  std::string zip = dir.file("evil.bin");
  int error = 0;
  zip_t* archive = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  zip_source_t* source = zip_source_buffer(archive, pickle.data(), pickle.size(), 0);
  ASSERT_GE(zip_file_add(archive, "archive/data.pkl", source, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(archive), 0);
  EXPECT_NE(error_of([&] { read_torch_bin(zip); }).find("refusing pickle global os.system"),
            std::string::npos);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// Found by fuzzing: a zip record whose header claims gigabytes was allocated
// before anything was read (seconds, then out of memory).
TEST(WeightsIo, ZipRecordClaimingMoreThanTheFileIsAnError) {
  test::TempDir dir;
  std::string bytes = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                     "/tests/fuzz/corpus/weights/regression_huge_record");
  const std::string path = dir.write("model.bin", bytes.substr(1));  // the fuzzer's selector byte
  auto start = std::chrono::steady_clock::now();
  EXPECT_NE(test::error_of([&] { read_torch_bin(path); }).find("more than the"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

// Found by fuzzing: a tensor with two sizes and one stride reached
// as_strided, which threw a LibTorch error instead of naming the file.
TEST(WeightsIo, MalformedTensorLayoutIsAnError) {
  test::TempDir dir;
  std::string bytes = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                     "/tests/fuzz/corpus/weights/regression_strides_mismatch");
  const std::string path = dir.write("model.bin", bytes.substr(1));
  EXPECT_NE(test::error_of([&] { read_torch_bin(path); }).find("has a malformed shape"),
            std::string::npos);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// Found by fuzzing: a pickle's LONG_BINPUT index (up to 2^32) sized the memo,
// so four bytes of input asked for tens of gigabytes.
TEST(WeightsIo, HugePickleMemoIndexIsNotAnAllocation) {
  test::TempDir dir;
  std::string bytes = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                     "/tests/fuzz/corpus/weights/regression_huge_memo_index");
  const std::string path = dir.write("model.bin", bytes.substr(1));
  EXPECT_NE(test::error_of([&] { read_torch_bin(path); }).find("model.bin"), std::string::npos);
}

// Found on review: a list that holds itself leaked when values were
// reference-counted; the sanitizer job's LeakSanitizer fails this before the fix.
TEST(WeightsIo, SelfReferencingPickleIsRefusedWithoutALeak) {
  test::TempDir dir;
  std::string bytes = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                     "/tests/fuzz/corpus/weights/regression_self_referencing_list");
  const std::string path = dir.write("model.bin", bytes.substr(1));
  EXPECT_NE(test::error_of([&] { read_torch_bin(path); }).find("does not hold a state_dict"),
            std::string::npos);
}

// Found by fuzzing: a storage record shorter than one element made an empty
// tensor, and copying zero bytes to its null data pointer is undefined
// (UBSan in the sanitizer job fails this before the fix).
TEST(WeightsIo, EmptyStorageRecordIsReadWithoutUndefinedBehaviour) {
  test::TempDir dir;
  std::string bytes = read_text_file(std::string(UNBERT_SOURCE_DIR) +
                                     "/tests/fuzz/corpus/weights/regression_empty_storage");
  const std::string path = dir.write("model.bin", bytes.substr(1));
  const std::string error = test::error_of([&] { read_torch_bin(path); });
  EXPECT_TRUE(error.empty() || error.find("model.bin") != std::string::npos) << error;
}

}  // namespace
}  // namespace unbert
