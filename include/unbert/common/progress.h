// Progress on stderr: a bar redrawn in place on a terminal, otherwise a log
// line every `log_every` updates.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace unbert {

class Progress {
 public:
  Progress(std::string label, int64_t total, int64_t log_every);
  ~Progress();
  // `done` of total; `fields` like "loss 0.41 lr 2e-05 412 samples/s".
  // `work_share` (0..1), when given, is the share of the work done, for an
  // ETA where the items differ in cost (scoring sorts short pairs first).
  void update(int64_t done, const std::string& fields, double work_share = -1);
  void finish();  // ends the bar's line

 private:
  std::string label_;
  int64_t total_, log_every_;
  bool terminal_, open_line_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// Bars are drawn only while this is on (the default): data-parallel ranks
// other than 0 turn it off and log their progress to their file instead.
void set_terminal_progress(bool on);

std::string format_duration(double seconds);  // "1:02:03" or "2:03"

// Seconds left when `work_share` (0..1) of the work took `elapsed` seconds.
double eta_seconds(double elapsed, double work_share);

// The bar's line in at most `columns - 1` characters (a full-width line would
// wrap, and every redraw would leave a new line): the bar shrinks first, then
// the fields are cut.
std::string progress_line(const std::string& label, int64_t done, int64_t total,
                          const std::string& fields, const std::string& eta, int columns);

// The terminal's width on stderr (COLUMNS, else 80, when it cannot be told).
int terminal_columns();

}  // namespace unbert
