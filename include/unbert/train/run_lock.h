// One process per run directory: an flock'd `.lock` file inside it, held for
// the life of the lock object. The kernel releases it when the process ends,
// however it ends, so a killed run never leaves a lock behind that blocks.
#pragma once

#include <string>

namespace unbert {

class RunLock {
 public:
  // Creates the directory if needed; throws UsageError naming the holder's
  // pid when another process holds the run.
  explicit RunLock(const std::string& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace unbert
