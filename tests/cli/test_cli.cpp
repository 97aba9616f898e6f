#include <gtest/gtest.h>
#include <torch/version.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace unbert {
namespace {

using test::run_unbert;
using test::TempDir;

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Cli, VersionAndHelp) {
  auto version = run_unbert("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("unbert " UNBERT_VERSION " (commit "), std::string::npos);
  // What a bug report needs: LibTorch's version, the ATen kernels and the BLAS.
  EXPECT_NE(version.out.find("LibTorch " TORCH_VERSION), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("ATen CPU kernels "), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("\nBLAS "), std::string::npos) << version.out;
  for (const char* command : {"train", "eval", "predict", "score", "tokenize", "config"}) {
    auto help = run_unbert(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << command;
  }
}

TEST(Cli, UsageErrorsExitTwoWithOneLine) {
  auto unknown = run_unbert("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(count_lines(unknown.err), 1) << unknown.err;
  EXPECT_EQ(unknown.err.rfind("error: ", 0), 0u) << unknown.err;

  TempDir dir;
  std::string config = dir.write("c.json", R"({"train": {"epochs": 0}})");
  auto bad = run_unbert("config --config '" + config + "'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "error: config key 'train.epochs': must be >= 1, got 0\n");

  auto level = run_unbert("--log-level loud config");
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("--log-level"), std::string::npos);
}

// Typos get the nearest real command or option and the --help to read.
TEST(Cli, TyposSuggestTheNearestCommandOrOption) {
  auto command = run_unbert("traing");
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err,
            "error: unknown command 'traing'; did you mean 'train'? (see unbert --help)\n");
  auto nested = run_unbert("--threads 1 tokenizer trian");
  EXPECT_EQ(nested.err,
            "error: unknown command 'tokenizer trian'; did you mean 'train'? (see unbert "
            "tokenizer --help)\n");
  auto option = run_unbert("eval --splt dev");
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err,
            "error: unknown option '--splt' for 'unbert eval'; did you mean '--split'? (see "
            "unbert eval --help)\n");
  auto far = run_unbert("frobnicate");
  EXPECT_EQ(far.err, "error: unknown command 'frobnicate' (see unbert --help)\n");
  auto threads = run_unbert("--threads -1 config");
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_LT(threads.err.size(), 120u) << threads.err;  // no 310-digit range
  EXPECT_NE(threads.err.find("--threads"), std::string::npos) << threads.err;
}

// Help suggests only what works there: the demo and tokenizer train once
// suggested the paper's configs, and the demo showed `--no-plot{false}`.
TEST(Cli, HelpSuggestsConfigsThatFitTheCommand) {
  auto demo = run_unbert("demo --help");
  EXPECT_EQ(demo.exit_code, 0);
  EXPECT_EQ(demo.out.find("{false}"), std::string::npos) << demo.out;
  EXPECT_EQ(demo.out.find("configs/small.json"), std::string::npos) << demo.out;
  auto tokenizer = run_unbert("tokenizer train --help");
  EXPECT_EQ(tokenizer.out.find("configs/small.json"), std::string::npos) << tokenizer.out;
}

TEST(Cli, ConfigPrintsResolvedValues) {
  auto shown = run_unbert("config --set train.lr=0.001 --set model.level=word");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("\"lr\": 0.001"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("\"level\": \"word\""), std::string::npos);
}

TEST(Cli, ScoreMatchesOfficialOutputFormat) {
  TempDir dir;
  std::string truth = dir.write("truth.txt", "1 [0,1,0]\n2 [1,0]\n3 [1,1]\n");
  std::string prediction = dir.write("prediction.txt", "1 [1,2,3]\n2 [1,2]\n3 [2,1]\n");
  auto r = run_unbert("score --truth '" + truth + "' --prediction '" + prediction + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // AUC: 0.5 and 1 (the third has one class); MRR: (0.5 + 1 + 0.75) / 3.
  EXPECT_EQ(r.out, "AUC:0.7500\nMRR:0.7500\nnDCG@5:0.8770\nnDCG@10:0.8770\n");
  EXPECT_NE(r.err.find("1 of 3 impressions have one class"), std::string::npos) << r.err;

  auto json = run_unbert("score --json --truth '" + truth + "' --prediction '" + prediction + "'");
  EXPECT_NE(json.out.find("\"auc\": 0.75"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"single_class_impressions\": 1"), std::string::npos);
}

TEST(Cli, ScoreTakesLabelsFromBehaviors) {
  TempDir dir;
  std::string behaviors = dir.write("behaviors.tsv",
                                    "1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-0 N3-1 N4-0\n"
                                    "2\tU2\t11/15/2019 9:55:22 AM\t\tN2-1 N3-0\n");
  std::string prediction = dir.write("prediction.txt", "1 [1,2,3]\n2 [1,2]\n");
  auto r = run_unbert("score --behaviors '" + behaviors + "' --prediction '" + prediction + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 11), "AUC:0.7500\n");
}

TEST(Cli, ScoreMismatchIsOneErrorLineWithLineNumber) {
  TempDir dir;
  std::string truth = dir.write("truth.txt", "1 [0,1,0]\n2 [1,0]\n");
  std::string prediction = dir.write("prediction.txt", "1 [1,2,3]\n2 [1,2,3]\n");
  auto r = run_unbert("score --truth '" + truth + "' --prediction '" + prediction + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1);
  EXPECT_NE(r.err.find("prediction.txt:2: impression 2 has 3 ranks"), std::string::npos) << r.err;

  auto missing = run_unbert("score --truth /nonexistent/t.txt --prediction '" + prediction + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/t.txt: cannot open"), std::string::npos);
  auto neither = run_unbert("score --prediction '" + prediction + "'");
  EXPECT_EQ(neither.exit_code, 2);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

TEST(Cli, BenchPrintsThroughputBesideMatmulRate) {
  auto r = test::run_unbert("bench --shape tiny --batch 2 --seq 64 --seconds 0.05");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fp32 matmul"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bf16 matmul"), std::string::npos) << r.out;
  for (const char* row : {"tiny  fp32  inference", "tiny  fp32  train_step",
                          "tiny  bf16  inference", "tiny  bf16  train_step"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  auto bad = test::run_unbert("bench --device cuda:7");
  if (bad.exit_code != 0) {
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("device 'cuda:7'"), std::string::npos) << bad.err;
  }
}

TEST(Cli, BenchJsonHasEveryPassAndTheMatmulRates) {
  auto r = test::run_unbert(
      "bench --shape tiny --precision fp32 --batch 2 --seq 64 --seconds 0.05 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out);  // nothing but the JSON on stdout
  EXPECT_GT(report["matmul_gflops"]["fp32"].get<double>(), 0);
  ASSERT_EQ(report["passes"].size(), 2u);
  for (const auto& pass : report["passes"]) {
    EXPECT_EQ(pass["shape"], "tiny");
    EXPECT_EQ(pass["precision"], "fp32");
    EXPECT_EQ(pass["batch"], 2);
    EXPECT_GT(pass["samples_per_s"].get<double>(), 0);
    EXPECT_GT(pass["matmul_share"].get<double>(), 0);
  }
  EXPECT_EQ(report["passes"][0]["pass"], "inference");
  EXPECT_EQ(report["passes"][1]["pass"], "train_step");
  auto fp16 = test::run_unbert("bench --shape tiny --precision fp16 --device cpu");
  EXPECT_EQ(fp16.exit_code, 2);
  EXPECT_NE(fp16.err.find("fp16 needs a CUDA device"), std::string::npos) << fp16.err;
}

}  // namespace
}  // namespace unbert
