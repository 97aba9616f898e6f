// The progress bar's line never wraps (at 80 columns a ~99-character line
// once left a new line at every redraw).
#include <gtest/gtest.h>

#include "unbert/common/progress.h"

namespace unbert {
namespace {

TEST(Progress, LineFitsTheTerminal) {
  const std::string fields = "ep 1 loss 0.4123 lr 2.00e-05 512 samples/s";
  const std::string wide = progress_line("[train]", 600, 1201, fields, "0:42", 200);
  EXPECT_EQ(wide, "[train] 600/1201 |###########             | " + fields + " ETA 0:42");
  for (int columns : {120, 80, 60, 40, 10, 1}) {
    const std::string line = progress_line("[train]", 600, 1201, fields, "0:42", columns);
    EXPECT_LE(static_cast<int>(line.size()), std::max(columns - 1, 1)) << columns;
    EXPECT_EQ(line.rfind("[train]", 0) == 0 || columns < 8, true) << line;
  }
  // At 80 columns the bar shrinks before any field is cut.
  const std::string at80 = progress_line("[train]", 600, 1201, fields, "0:42", 80);
  EXPECT_NE(at80.find("ETA 0:42"), std::string::npos) << at80;
  EXPECT_NE(at80.find('|'), std::string::npos) << at80;
}

// Scoring runs short pairs first: half the batches may be a fifth of the
// work. The ETA follows the work (it once followed the batches: "0:09", took 21.6 s).
TEST(Progress, EtaFollowsTheShareOfWork) {
  EXPECT_DOUBLE_EQ(eta_seconds(10, 0.2), 40);
  EXPECT_DOUBLE_EQ(eta_seconds(10, 1.0), 0);
  EXPECT_DOUBLE_EQ(eta_seconds(10, 0), 0);  // nothing done yet: no guess
}

}  // namespace
}  // namespace unbert
