#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/train/metrics_log.h"

namespace unbert {
namespace {

TEST(MetricsLog, TheCsvHasAColumnPerKeyAnyRowHas) {
  const std::string jsonl = R"({"step": 1, "loss": 0.5, "lr": 2e-05})"
                            "\n"
                            R"({"step": 2, "dev": {"auc": 0.61, "mrr": 0.3}, "note": "a, \"b\""})"
                            "\n"
                            R"({"step": 3, "lo)";  // torn by a kill: ignored
  EXPECT_EQ(metrics_csv(jsonl),
            "step,loss,lr,dev.auc,dev.mrr,note\n"
            "1,0.5,2e-05,,,\n"
            "2,,,0.61,0.3,\"a, \"\"b\"\"\"\n");
  EXPECT_EQ(metrics_csv(R"({"b": 1, "a": 2})"), "a,b\n2,1\n");  // no step column without steps
}

TEST(MetricsLog, DroppedRowsLeaveBothFiles) {
  test::TempDir dir;
  MetricsLog log(dir.path());
  for (int step = 1; step <= 3; ++step) log.append({{"step", step}, {"loss", 1.0 / step}});
  std::string csv = read_text_file(dir.file("metrics.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "step,loss,time");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_EQ(log.drop_after(1), 2u);
  csv = read_text_file(dir.file("metrics.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << csv;
  const std::string jsonl = read_text_file(dir.file("metrics.jsonl"));
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 1) << jsonl;
}

}  // namespace
}  // namespace unbert
