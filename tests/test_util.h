// Helpers shared by the tests: temporary folders, files, running the CLI.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace unbert::test {

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to `name` (creating parent folders) and returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built `unbert` with `args` (a shell-quoted string) in `cwd`.
// `env` ("NAME=value ...") is set for that run only.
CommandResult run_unbert(const std::string& args, const std::string& cwd = ".",
                         const std::string& stdin_text = "", const std::string& env = "");

// Starts `unbert` with `args` (a shell-quoted string) in `cwd` without waiting;
// its stdout and stderr go to files in `cwd`.
int spawn_unbert(const std::string& args, const std::string& cwd);
// Waits for a spawned process; its exit code (128 + signal when killed).
int wait_for(int pid);

std::string shared_dir();  // ../shared beside the checkout

// Writes a zip archive holding `members` (name, bytes) at `path`; returns `path`.
std::string write_zip(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& members);
// The message of the unbert::Error that `f` throws; "" when it throws none.
std::string error_of(const std::function<void()>& f);
// Tests of minutes run only with UNBERT_SLOW_TESTS=1 (CTest sets it for them).
bool slow_tests_enabled();

// A tiny MIND dataset (train/, dev/, test/ with news.tsv and behaviors.tsv)
// under `dir`, and a config JSON using the tiny-bert vocabulary from shared/.
void write_tiny_mind(const TempDir& dir);
std::string write_tiny_config(const TempDir& dir, const std::string& extra_json = "");
// A small generated MIND dataset (30 users, 30 news a day, 4 days, 8
// candidates) under `folder`: enough for a few training steps and a dev split.
void write_small_synth(const std::string& folder);

}  // namespace unbert::test
