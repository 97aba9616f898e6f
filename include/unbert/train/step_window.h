// Loss and throughput over the steps since the last log row. Time spent in a
// pause (a dev evaluation, a checkpoint) is left out, so samples/s measures
// training alone.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace unbert {

class StepWindow {
 public:
  StepWindow() : start_(Clock::now()) {}

  void add(double loss, int64_t sequences) {
    loss_sum_ += loss;
    ++steps_;
    sequences_ += sequences;
  }
  double mean_loss() const { return steps_ > 0 ? loss_sum_ / static_cast<double>(steps_) : 0.0; }
  double samples_per_second() const {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return static_cast<double>(sequences_) / std::max(seconds, 1e-9);
  }
  void reset() { *this = StepWindow(); }

  // Runs `work` with the clock stopped.
  template <class Work>
  void pause(Work&& work) {
    const auto paused = Clock::now();
    work();
    start_ += Clock::now() - paused;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
  double loss_sum_ = 0;
  int64_t steps_ = 0, sequences_ = 0;
};

}  // namespace unbert
