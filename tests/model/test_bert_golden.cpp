// Parity with HuggingFace BertModel on ../shared/golden/tiny-bert{,-sharp}.
#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/model/bert_encoder.h"
#include "unbert/model/hf_loader.h"

namespace unbert {
namespace {

constexpr double kTolerance = 1e-5;  // the fixtures' README: legit float32 noise <= 1.2e-6

struct GoldenCase {
  const char* checkpoint;
  const char* weights;
};

class BertGolden : public ::testing::TestWithParam<GoldenCase> {};

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

TEST_P(BertGolden, ForwardMatchesReference) {
  std::string dir = test::shared_dir() + "/golden/" + GetParam().checkpoint;
  ModelShape shape = read_hf_config(dir + "/config.json");
  shape.use_position_embeddings = true;
  shape.max_news_segments = 0;
  shape.dropout = shape.attention_dropout = 0;
  BertModel model(shape, /*with_pooler=*/true);
  NamedTensors weights = std::string(GetParam().weights) == "bin"
                             ? read_torch_bin(dir + "/pytorch_model.bin")
                             : read_safetensors(dir + "/model.safetensors");
  WeightReport report = load_bert_weights(*model, weights, "");
  EXPECT_TRUE(report.missing.empty()) << report.missing.front();
  EXPECT_TRUE(report.unexpected.empty()) << report.unexpected.front();
  EXPECT_EQ(report.loaded, 39u);
  model->eval();

  NamedTensors expected = read_safetensors(dir + "/expected.safetensors");
  torch::NoGradGuard no_grad;
  BertOutputs out = model(expected["input_ids"], expected["token_type_ids"], torch::Tensor(),
                          expected["attention_mask"], /*keep_hidden_states=*/true);
  double last = max_abs_diff(out.last_hidden_state, expected["last_hidden_state"]);
  double pooled = max_abs_diff(out.pooler_output, expected["pooler_output"]);
  double embedded = max_abs_diff(out.hidden_states[0], expected["hidden_states.0"]);
  double layer0 = max_abs_diff(out.hidden_states[1], expected["hidden_states.1"]);
  EXPECT_LE(last, kTolerance) << "last_hidden_state max abs diff " << last;
  EXPECT_LE(pooled, kTolerance) << "pooler_output max abs diff " << pooled;
  EXPECT_LE(embedded, kTolerance) << "hidden_states.0 max abs diff " << embedded;
  EXPECT_LE(layer0, kTolerance) << "hidden_states.1 max abs diff " << layer0;
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, BertGolden,
                         ::testing::Values(GoldenCase{"tiny-bert", "safetensors"},
                                           GoldenCase{"tiny-bert", "bin"},
                                           GoldenCase{"tiny-bert-sharp", "safetensors"},
                                           GoldenCase{"tiny-bert-sharp", "bin"}),
                         [](const auto& info) {
                           std::string name =
                               std::string(info.param.checkpoint) + "_" + info.param.weights;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace unbert
