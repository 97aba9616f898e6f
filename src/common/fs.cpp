#include "unbert/common/fs.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "unbert/common/error.h"

namespace unbert {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void check_written(std::ostream& out, const std::string& path) {
  // errno holds the reason of the write that failed: the one inside an
  // earlier << (a full buffer), else the flush's own.
  if (out) {
    errno = 0;
    out.flush();
  }
  if (out) return;
  const int reason = errno;
  throw Error(path + ": cannot write (" +
              (reason ? std::string(std::strerror(reason)) : std::string("stream error")) +
              "); free some space or choose another folder");
}

void write_text_atomic(const std::string& path, const std::string& text) {
  // A name of its own per writer: processes or threads writing one file at
  // once (the ranks of a data-parallel job filling the same cache) each
  // rename a whole file, and the last one wins.
  static std::atomic<uint64_t> writes{0};
  std::string temporary =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(writes++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(temporary + ": cannot write (" + std::strerror(errno) + ")");
    out << text;
    check_written(out, temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw Error(path + ": cannot replace (" + error.message() + ")");
}

void write_dir_atomic(const std::string& dir, const std::function<void(const std::string&)>& fill) {
  namespace fs = std::filesystem;
  std::string temporary = dir + ".tmp", old = dir + ".old";
  fs::remove_all(temporary);
  fs::create_directories(temporary);
  try {
    fill(temporary);
  } catch (...) {
    std::error_code ignored;  // a full disk: give the space back
    fs::remove_all(temporary, ignored);
    throw;
  }
  std::error_code error;
  if (fs::exists(dir)) {
    fs::remove_all(old);
    fs::rename(dir, old, error);
    if (error) throw Error(dir + ": cannot replace (" + error.message() + ")");
  }
  fs::rename(temporary, dir, error);
  if (error)
    throw Error(dir + ": cannot move " + temporary + " into place (" + error.message() + ")");
  fs::remove_all(old);
}

}  // namespace unbert
