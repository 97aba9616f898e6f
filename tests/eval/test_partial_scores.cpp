// Resumable scoring (predict --resume): finished batches are appended to a
// file; a stopped run continues from them and ends with the same scores.
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/signals.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/eval/evaluator.h"
#include "unbert/eval/partial_scores.h"
#include "unbert/model/model_shape.h"
#include "unbert/text/text_setup.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

TEST(PartialScores, KeepsCompleteRecordsAndDropsATornOne) {
  test::TempDir dir;
  const std::string path = dir.file("partial/rank0-of-1.scores");
  {
    PartialScores partial(path, "{\"k\":1}", false);
    const float first[] = {0.1f, 0.2f}, second[] = {0.3f};
    partial.append({0, 3}, first);
    partial.append({1}, second);
  }
  std::ofstream(path, std::ios::app | std::ios::binary) << "\x05\x00\x00";  // torn
  PartialScores again(path, "{\"k\":1}", true);
  EXPECT_EQ(again.batches_done(), 2u);
  std::vector<float> scores(4, -1.0f);
  again.restore(scores);
  EXPECT_EQ(scores, (std::vector<float>{0.1f, 0.3f, -1.0f, 0.2f}));
  EXPECT_NE(test::error_of([&] {
              PartialScores other(path, "{\"k\":2}", true);
            }).find("these partial scores are of another checkpoint"),
            std::string::npos);
  PartialScores fresh(path, "{\"k\":2}", false);
  EXPECT_EQ(fresh.batches_done(), 0u);
  fresh.remove_all();
  EXPECT_FALSE(fs::exists(dir.file("partial")));
}

TEST(PartialScores, AStoppedScoringContinuesToTheSameScores) {
  test::TempDir dir;
  test::write_small_synth(dir.file("data"));
  RunConfig config = load_config(test::write_tiny_config(dir), {});
  config.data.dev_dir = dir.file("data/dev");
  config.model.pretrained = "";
  config.text.max_history = 5;
  config.text.max_seq_len = 64;
  MindData data = load_mind(config.data, {"dev"}, 2);
  auto text = build_text_pipeline(config, data.news);
  ModelShape shape = model_shape(config, text->tokenizer->vocab_size());
  shape.hidden_size = 16;
  shape.num_layers = shape.news_layers = 1;
  shape.num_heads = 2;
  shape.intermediate_size = 32;
  Unbert model = make_unbert(shape, 3);
  const Behaviors& dev = data.split("dev");
  ScoringOptions options;
  options.batch_size = 16;
  options.progress = false;
  const int32_t pad = text->tokenizer->special().pad;
  const auto whole = score_candidates(model, dev, *text->packer, pad, options);

  const std::string path = dir.file("partial/rank0-of-1.scores");
  {
    PartialScores partial(path, "key", false);
    options.partial = &partial;
    request_stop();  // Ctrl-C during the first batch
    EXPECT_NE(test::error_of([&] {
                score_candidates(model, dev, *text->packer, pad, options);
              }).find("scoring stopped after batch 1 of"),
              std::string::npos);
    clear_stop_request();
  }
  // Mark the kept batch's scores, to see that the resumed run takes them
  // from the file rather than scoring them again.
  std::string bytes = read_text_file(path);
  const std::size_t header = bytes.find('\n') + 1;
  uint64_t n = 0;
  std::memcpy(&n, bytes.data() + header, sizeof n);
  ASSERT_EQ(n, 16u);
  std::vector<uint64_t> slots(n);
  std::memcpy(slots.data(), bytes.data() + header + 8, n * 8);
  const float mark = 0.123f;
  for (uint64_t i = 0; i < n; ++i) std::memcpy(&bytes[header + 8 + n * 8 + i * 4], &mark, 4);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

  PartialScores partial(path, "key", true);
  EXPECT_EQ(partial.batches_done(), 1u);
  options.partial = &partial;
  auto resumed = score_candidates(model, dev, *text->packer, pad, options);
  ASSERT_EQ(resumed.size(), whole.size());
  for (uint64_t slot : slots) {
    EXPECT_EQ(resumed[slot], mark);
    resumed[slot] = whole[slot];
  }
  EXPECT_EQ(resumed, whole);  // every other batch scored as in one go
}

// A 2-rank attempt resumed with 1 rank split its batches otherwise: its
// files cannot continue, and go (they once went without a word).
TEST(PartialScores, FilesOfAnotherNumberOfRanksAreDiscarded) {
  test::TempDir dir;
  for (const char* name : {"rank0-of-2.scores", "rank1-of-2.scores", "rank0-of-1.scores"})
    dir.write(std::string("partial/") + name, "x");
  PartialScores::discard_other_layouts(dir.file("partial"), 1);
  EXPECT_FALSE(fs::exists(dir.file("partial/rank0-of-2.scores")));
  EXPECT_FALSE(fs::exists(dir.file("partial/rank1-of-2.scores")));
  EXPECT_TRUE(fs::exists(dir.file("partial/rank0-of-1.scores")));
  PartialScores::discard_other_layouts(dir.file("nothing-here"), 1);  // no folder: nothing to do
}

}  // namespace
}  // namespace unbert
