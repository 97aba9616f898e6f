// The progress bar's line never wraps (at 80 columns a ~99-character line
// once left a new line at every redraw).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

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

namespace unbert {
namespace {

// stderr as a pseudo-terminal for the lifetime of the object; what was
// drawn on it can be read back.
class FakeTerminal {
 public:
  FakeTerminal() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(master_);
    unlockpt(master_);
    const int slave = open(ptsname(master_), O_RDWR | O_NOCTTY);
    fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(slave, STDERR_FILENO);
    close(slave);
    fcntl(master_, F_SETFL, O_NONBLOCK);
  }
  ~FakeTerminal() {
    fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(master_);
  }
  std::string drawn() {
    fflush(stderr);
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = read(master_, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
    return out;
  }

 private:
  int master_ = -1, saved_ = -1;
};

// Ranks other than 0 of a data-parallel job share rank 0's terminal: their
// bars were drawn over rank 0's.
TEST(Progress, NoBarWhenTerminalProgressIsOff) {
  FakeTerminal terminal;
  {
    Progress bar("[train]", 10, 1);
    bar.update(10, "loss 0.5");  // the last update is always drawn
  }
  EXPECT_NE(terminal.drawn().find("[train]"), std::string::npos);
  set_terminal_progress(false);
  {
    Progress bar("[train]", 10, 1);
    bar.update(10, "loss 0.5");  // the last update is always drawn
  }
  const std::string quiet = terminal.drawn();
  set_terminal_progress(true);
  EXPECT_EQ(quiet.find('\r'), std::string::npos) << quiet;
}

}  // namespace
}  // namespace unbert
