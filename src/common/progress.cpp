#include "unbert/common/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "unbert/common/log.h"

namespace unbert {

std::string format_duration(double seconds) {
  auto total = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", total / 60, total % 60);
  return buffer;
}

double eta_seconds(double elapsed, double work_share) {
  return work_share > 0 ? elapsed * (1 - std::min(work_share, 1.0)) / work_share : 0;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return 80;
}

std::string progress_line(const std::string& label, int64_t done, int64_t total,
                          const std::string& fields, const std::string& eta, int columns) {
  const std::string count = std::to_string(done) + "/" + std::to_string(total);
  const std::string tail = " " + fields + " ETA " + eta;
  const int room = std::max(columns - 1, 1);
  // label count |bar| tail: the bar takes what is left, between 0 and 24.
  const int fixed = static_cast<int>(label.size() + 1 + count.size() + tail.size());
  const int width = std::min(24, room - fixed - 3);
  std::string line = label + " " + count;
  if (width >= 4) {
    int filled = total > 0 ? static_cast<int>(width * std::min(done, total) / total) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(static_cast<std::size_t>(width), ' ');
    line += " |" + bar + "|";
  }
  line += tail;
  if (static_cast<int>(line.size()) > room) line.resize(static_cast<std::size_t>(room));
  return line;
}

namespace {
std::atomic<bool> g_terminal_progress{true};
}  // namespace

void set_terminal_progress(bool on) {
  g_terminal_progress = on;
}

Progress::Progress(std::string label, int64_t total, int64_t log_every)
    : label_(std::move(label)),
      total_(total),
      log_every_(log_every > 0 ? log_every : 1),
      terminal_(g_terminal_progress && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(int64_t done, const std::string& fields, double work_share) {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (work_share < 0 && total_ > 0)
    work_share = static_cast<double>(done) / static_cast<double>(total_);
  const double eta = eta_seconds(elapsed, work_share);
  if (terminal_) {
    bool last = done >= total_;
    if (!last && std::chrono::duration<double>(now - last_draw_).count() < 0.2) return;
    last_draw_ = now;
    const std::string line =
        progress_line(label_, done, total_, fields, format_duration(eta), terminal_columns());
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    open_line_ = true;
  } else if (done % log_every_ == 0 || done == total_) {
    spdlog::info("{} {}/{} {} ETA {}", label_, done, total_, fields, format_duration(eta));
  }
}

void Progress::finish() {
  if (open_line_) std::fprintf(stderr, "\n");
  open_line_ = false;
}

}  // namespace unbert
