#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/train/tensorboard_log.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

std::string only_events_file(const std::string& dir) {
  std::string found;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      EXPECT_TRUE(found.empty()) << "two events files";
      found = entry.path().string();
    }
  return found;
}

TEST(TensorBoardLog, Crc32cHasTheCastagnoliCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(TensorBoardLog, RowsReadBackAsScalarEventsAfterAStartAtTheFirstStep) {
  test::TempDir dir;
  {
    TensorBoardLog log(dir.path(), 41);
    log.append({{"step", 50}, {"epoch", 1}, {"loss", 0.5}, {"lr", 2e-5}, {"precision", "bf16"}});
    log.append({{"step", 60}, {"epoch", 1}, {"valid", {{"auc", 0.625}, {"impressions", 30}}}});
    log.append({{"step", 61}, {"precision", "fp32"}});  // nothing numeric: no event
  }
  const auto events = read_tensorboard_events(only_events_file(dir.path()));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].file_version, "brain.Event:2");
  EXPECT_EQ(events[1].session_status, 1);  // START
  EXPECT_EQ(events[1].step, 41);
  EXPECT_GT(events[2].wall_time, 1.7e9);
  EXPECT_EQ(events[2].step, 50);
  ASSERT_EQ(events[2].scalars.size(), 2u);
  EXPECT_EQ(events[2].scalars[0].first, "train/loss");
  EXPECT_FLOAT_EQ(events[2].scalars[0].second, 0.5f);
  EXPECT_EQ(events[2].scalars[1].first, "train/lr");
  EXPECT_FLOAT_EQ(events[2].scalars[1].second, 2e-5f);
  EXPECT_EQ(events[3].step, 60);
  ASSERT_EQ(events[3].scalars.size(), 2u);
  EXPECT_EQ(events[3].scalars[0].first, "valid/auc");
  EXPECT_FLOAT_EQ(events[3].scalars[0].second, 0.625f);
  EXPECT_EQ(events[3].scalars[1].first, "valid/impressions");
}

TEST(TensorBoardLog, ADamagedOrCutFileNamesTheByte) {
  test::TempDir dir;
  {
    TensorBoardLog log(dir.path(), 1);
    log.append({{"step", 1}, {"loss", 0.7}});
  }
  const std::string path = only_events_file(dir.path());
  const std::string good = read_text_file(path);
  std::string damaged = good;
  damaged[damaged.size() - 7] ^= 0x10;  // inside the last event's data
  dir.write("damaged", damaged);
  EXPECT_NE(test::error_of([&] {
              read_tensorboard_events(dir.file("damaged"));
            }).find("fails its checksum"),
            std::string::npos);
  dir.write("cut", good.substr(0, good.size() - 3));
  const std::string cut = test::error_of([&] { read_tensorboard_events(dir.file("cut")); });
  EXPECT_NE(cut.find("cut short"), std::string::npos) << cut;
  EXPECT_NE(cut.find("at byte "), std::string::npos) << cut;
}

}  // namespace
}  // namespace unbert
