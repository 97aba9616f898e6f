#include "test_util.h"

#include <zip.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/data/synth.h"

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
                         const std::string& stdin_text, const std::string& env) {
  TempDir io;
  std::string in = io.write("stdin", stdin_text);
  std::string command = "cd '" + cwd + "' && " + env + " '" + std::string(UNBERT_BINARY) + "' " +
                        args + " < '" + in + "' > '" + io.file("stdout") + "' 2> '" +
                        io.file("stderr") + "'";
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text_file(io.file("stdout"));
  result.err = read_text_file(io.file("stderr"));
  return result;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string write_zip(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& members) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  for (const auto& [member, text] : members) {
    zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
    zip_file_add(archive, member.c_str(), source, ZIP_FL_ENC_UTF_8);
  }
  zip_close(archive);
  return path;
}

std::string shared_dir() {
  return UNBERT_SHARED_DIR;
}

bool slow_tests_enabled() {
  const char* setting = std::getenv("UNBERT_SLOW_TESTS");
  return setting != nullptr && std::string(setting) == "1";
}

void write_tiny_mind(const TempDir& dir) {
  std::string news =
      "N1\tsports\tfootball\tThe team won the cup\t\t\t[]\t[]\n"
      "N2\tmovies\tmovienews\tThe new film was a big hit\t\t\t[]\t[]\n"
      "N3\tnews\tnewsworld\tRain later in the city\t\t\t[]\t[]\n"
      "N4\tmovies\tmovienews\tBest movies of the year\t\t\t[]\t[]\n"
      "N5\tsports\tbasketball\tThe game ended late\t\t\t[]\t[]\n";
  for (const char* split : {"train", "dev", "test"})
    dir.write(std::string(split) + "/news.tsv", news);
  dir.write("train/behaviors.tsv",
            "1\tU1\t11/11/2019 9:00:00 AM\tN1 N5\tN2-0 N3-0 N4-1\n"
            "2\tU2\t11/11/2019 10:00:00 AM\tN2\tN1-0 N4-1 N5-0\n");
  dir.write("dev/behaviors.tsv",
            "10\tU1\t11/15/2019 9:00:00 AM\tN1 N5\tN2-0 N1-1 N3-0\n"
            "11\tU3\t11/15/2019 9:30:00 AM\t\tN4-1 N3-0\n");
  dir.write("test/behaviors.tsv", "20\tU1\t11/16/2019 9:00:00 AM\tN1\tN2 N3\n");
}

std::string write_tiny_config(const TempDir& dir, const std::string& extra_json) {
  return dir.write("tiny.json", R"({
  "data": {"train_dir": ")" + dir.file("train") +
                                    R"(", "dev_dir": ")" + dir.file("dev") + R"(", "test_dir": ")" +
                                    dir.file("test") + R"(", "cache_dir": ")" + dir.file("cache") +
                                    R"("},
  "text": {"vocab": ")" + shared_dir() +
                                    R"(/golden/tiny-bert/vocab.txt", "nsep_token": "[MASK]",
           "max_news_segments": 22})" +
                                    extra_json + "\n}\n");
}

void write_small_synth(const std::string& folder) {
  SynthOptions synth;
  synth.users = 30;
  synth.news_per_day = 30;
  synth.days = 4;
  synth.candidates = 8;
  write_synthetic_mind(folder, synth);
}

int spawn_unbert(const std::string& args, const std::string& cwd) {
  std::string command = "cd '" + cwd + "' && exec '" + std::string(UNBERT_BINARY) + "' " + args +
                        " > spawned.out 2> spawned.err < /dev/null";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return static_cast<int>(pid);
}

int wait_for(int pid) {
  int status = 0;
  ::waitpid(static_cast<pid_t>(pid), &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

}  // namespace unbert::test
