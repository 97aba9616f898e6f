#include "unbert/common/progress.h"

#include <unistd.h>

#include <cstdio>

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

Progress::Progress(std::string label, int64_t total, int64_t log_every)
    : label_(std::move(label)),
      total_(total),
      log_every_(log_every > 0 ? log_every : 1),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(int64_t done, const std::string& fields) {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta =
      done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0;
  if (terminal_) {
    bool last = done >= total_;
    if (!last && std::chrono::duration<double>(now - last_draw_).count() < 0.2) return;
    last_draw_ = now;
    const int width = 24;
    int filled = total_ > 0 ? static_cast<int>(width * done / total_) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%s %lld/%lld |%s| %s ETA %s\x1b[K", label_.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total_), bar.c_str(),
                 fields.c_str(), format_duration(eta).c_str());
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
