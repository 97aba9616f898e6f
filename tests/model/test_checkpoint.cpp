#include <filesystem>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/device.h"
#include "unbert/model/flops.h"

namespace unbert {
namespace {

ModelShape small_shape() {
  ModelShape s;
  s.vocab_size = 40;
  s.hidden_size = 8;
  s.num_layers = 1;
  s.num_heads = 2;
  s.intermediate_size = 16;
  s.max_news_segments = 6;
  s.news_layers = 1;
  return s;
}

TEST(Checkpoint, RoundTripRestoresEveryWeight) {
  test::TempDir dir;
  Unbert model = make_unbert(small_shape(), 3);
  CheckpointInfo info{small_shape(), "wordpiece:uncased:abc", {{"max_seq_len", 300}}, ""};
  std::string path = dir.file("ckpt");
  dir.write("vocab.txt", "[PAD]\nhello\n");
  write_dir_atomic(path, [&](const std::string& tmp) {
    write_model_files(tmp, model, info, dir.file("vocab.txt"));
  });
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  Unbert loaded = load_checkpoint_model(path, torch::kCPU);
  auto a = model->named_parameters(), b = loaded->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  CheckpointInfo back = read_checkpoint_info(path);
  EXPECT_EQ(back.tokenizer_identity, "wordpiece:uncased:abc");
  EXPECT_EQ(back.shape.to_json(), info.shape.to_json());
  // The tokenizer travels with the weights, and the options name the copy.
  EXPECT_EQ(back.tokenizer_file, "vocab.txt");
  EXPECT_EQ(read_text_file(path + "/vocab.txt"), "[PAD]\nhello\n");
  EXPECT_EQ(back.text["vocab"], "vocab.txt");
  EXPECT_EQ(back.text["max_seq_len"], 300);
}

TEST(Checkpoint, MissingTokenizerCopyIsNamed) {
  test::TempDir dir;
  Unbert model = make_unbert(small_shape(), 3);
  CheckpointInfo info{small_shape(), "wordpiece:uncased:abc", {{"tokenizer", "wordpiece"}}, ""};
  dir.write("vocab.txt", "[PAD]\n");
  std::string path = dir.file("ckpt");
  write_dir_atomic(path, [&](const std::string& tmp) {
    write_model_files(tmp, model, info, dir.file("vocab.txt"));
  });
  std::filesystem::remove(path + "/vocab.txt");
  try {
    read_checkpoint_info(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("names vocab.txt, which is missing"), std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, RefusesACheckpointThatDoesNotFit) {
  CheckpointInfo info{small_shape(), "wordpiece:uncased:abc", {}, ""};
  ModelShape other = small_shape();
  other.hidden_size = 16;
  other.aggregator = AggregatorKind::Mean;
  try {
    check_checkpoint_fits(info, other, "wordpiece:uncased:xyz", "runs/x/best");
    FAIL();
  } catch (const UsageError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("checkpoint runs/x/best does not fit the config"), std::string::npos);
    EXPECT_NE(what.find("hidden_size is 8 in the checkpoint but 16 in the config"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("aggregator is \"attention\""), std::string::npos) << what;
    EXPECT_NE(what.find("the tokenizer is wordpiece:uncased:abc in the checkpoint but "
                        "wordpiece:uncased:xyz in the config"),
              std::string::npos)
        << what;
  }
  EXPECT_NO_THROW(check_checkpoint_fits(info, small_shape(), "wordpiece:uncased:abc", "x"));
}

TEST(Checkpoint, IncompleteOrForeignFolderIsAClearError) {
  test::TempDir dir;
  EXPECT_THROW(read_checkpoint_info(dir.file("missing")), UsageError);
  dir.write("partial/model.json", "{}");
  EXPECT_THROW(read_checkpoint_info(dir.file("partial")), Error);
}

TEST(Device, CpuAlwaysWorksAndBadSpecsAreUsageErrors) {
  EXPECT_EQ(resolve_device("cpu"), torch::Device(torch::kCPU));
  EXPECT_THROW(resolve_device("tpu"), UsageError);
  if (!torch::cuda::is_available()) {
    EXPECT_EQ(resolve_device("auto"), torch::Device(torch::kCPU));
    EXPECT_THROW(resolve_device("cuda:0"), UsageError);
  }
}

TEST(Flops, BaseShapeForwardIsAboutFiftyFiveGflopPerSample) {
  ModelShape base;  // 768 hidden, 12 + 12 layers
  double gflop = forward_flops(base, 300, 21) / 1e9;
  EXPECT_GT(gflop, 50);
  EXPECT_LT(gflop, 60);
  base.level = MatchLevel::Word;
  EXPECT_LT(forward_flops(base, 300, 21), gflop * 1e9);
}

}  // namespace
}  // namespace unbert
