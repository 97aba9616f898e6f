// The paper's cold-start protocol from the command line: split by day, train
// with validation on held-out days, evaluate per day and category; the
// TensorBoard file of the run, read apart from unbert by Google's protobuf.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline_fixture.h"
#include "unbert/common/fs.h"
#include "unbert/train/tensorboard_log.h"

namespace unbert {
namespace {

using test::Pipeline;
using test::run_unbert;
namespace fs = std::filesystem;

std::string events_file(const std::string& run) {
  for (const auto& entry : fs::directory_iterator(run))
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0)
      return entry.path().string();
  return "";
}

std::string command_output(const std::string& command, int* code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  *code = pipe ? ::pclose(pipe) : -1;
  return out;
}

TEST_F(Pipeline, ColdStartSplitsByDayValidatesOnHeldOutDaysAndReportsPerDay) {
  auto split =
      run_unbert("split --by-day data/train data/dev --out cold --group train=1-2 --group test=3",
                 dir_.path());
  ASSERT_EQ(split.exit_code, 0) << split.err;
  EXPECT_NE(split.out.find("unseen in train"), std::string::npos) << split.out;
  auto again = run_unbert("split --by-day data/train --out cold", dir_.path());
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("exists and is not empty"), std::string::npos) << again.err;

  auto train = run_unbert(
      "--threads 1 train --config tiny.json --set data.train_dir=cold/train "
      "--set data.dev_dir=cold/test --set train.holdout_days=1 --set train.eval_every=2",
      dir_.path());
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("best held-out days AUC"), std::string::npos) << train.out;
  EXPECT_NE(train.err.find("dev is not scored while training"), std::string::npos);

  // Validation rows are "valid", never "dev"; TensorBoard holds the same values.
  std::map<int64_t, double> valid_auc;
  std::istringstream rows(read_text_file(dir_.file("runs/tiny/metrics.jsonl")));
  for (std::string line; std::getline(rows, line);) {
    const auto row = nlohmann::json::parse(line);
    EXPECT_FALSE(row.contains("dev")) << line;
    if (row.contains("valid")) valid_auc[row["step"]] = row["valid"]["auc"];
  }
  ASSERT_GE(valid_auc.size(), 2u);
  const std::string events = events_file(dir_.file("runs/tiny"));
  ASSERT_FALSE(events.empty());
  std::map<int64_t, float> logged;
  for (const TensorBoardEvent& e : read_tensorboard_events(events))
    for (const auto& [tag, value] : e.scalars)
      if (tag == "valid/auc") logged[e.step] = value;
  ASSERT_EQ(logged.size(), valid_auc.size());
  for (const auto& [step, auc] : valid_auc) EXPECT_FLOAT_EQ(logged[step], static_cast<float>(auc));
  int code = 0;
  const std::string read = command_output(  // the first Python with protobuf, as for matplotlib
      "for p in python3 /usr/bin/python3; do if $p -c 'import google.protobuf' 2>/dev/null; then "
      "exec $p '" +
          std::string(UNBERT_SOURCE_DIR) + "/tests/scripts/read_tfevents.py' '" + events +
          "' 2>&1; fi; done; echo 'no Python 3 with google.protobuf (scripts/setup.sh)'; exit 3",
      &code);
  ASSERT_EQ(code, 0) << read;
  EXPECT_EQ(read.rfind("version brain.Event:2\nstart 1\n", 0), 0u) << read;
  for (const auto& [step, auc] : valid_auc) {
    char line[96];
    std::snprintf(line, sizeof line, "\n%lld valid/auc %.9g\n", static_cast<long long>(step),
                  static_cast<double>(static_cast<float>(auc)));
    EXPECT_NE(read.find(line), std::string::npos) << line << read;
  }

  auto eval = run_unbert("--threads 1 eval --split dev --by-day --by-category", dir_.path());
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto report =
      nlohmann::json::parse(read_text_file(dir_.file("runs/tiny/eval/dev/metrics.json")));
  ASSERT_EQ(report["by_day"].size(), 1u);  // the test group is day 3 alone
  EXPECT_EQ(report["by_day"][0]["impressions"], report["impressions"]);
  EXPECT_GT(report["by_day"][0]["unseen_share"].get<double>(), 0.0);
  int64_t candidates = 0;
  for (const auto& row : report["by_category"]) candidates += row["candidates"].get<int64_t>();
  const std::string scores = read_text_file(dir_.file("runs/tiny/eval/dev/scores.tsv"));
  EXPECT_EQ(candidates, std::count(scores.begin(), scores.end(), '\n') - 1);  // header line
  EXPECT_NE(eval.out.find("category"), std::string::npos) << eval.out;
}

}  // namespace
}  // namespace unbert
