#include "test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "unbert/common/fs.h"

namespace unbert::test {

TempDir::TempDir() {
  std::random_device device;
  auto base = std::filesystem::temp_directory_path();
  path_ = (base / ("unbert_test_" + std::to_string(::getpid()) + "_" + std::to_string(device())))
              .string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::string path = file(name);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

CommandResult run_unbert(const std::string& args, const std::string& cwd,
                         const std::string& stdin_text) {
  TempDir io;
  std::string in = io.write("stdin", stdin_text);
  std::string command = "cd '" + cwd + "' && '" + std::string(UNBERT_BINARY) + "' " + args +
                        " < '" + in + "' > '" + io.file("stdout") + "' 2> '" + io.file("stderr") +
                        "'";
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text_file(io.file("stdout"));
  result.err = read_text_file(io.file("stderr"));
  return result;
}

std::string shared_dir() {
  return UNBERT_SHARED_DIR;
}

}  // namespace unbert::test
