// Error types. Library code throws these; only cli/main.cpp turns them into
// one "error:" line and an exit code (2 for usage and config, 1 otherwise).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace unbert {

// A failure of the environment or the data while running (exit code 1).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user asked for something that cannot be done as asked (exit code 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Stopped on request (Ctrl-C, SIGTERM) at a point it can continue from with
// --resume (exit code 130).
class Interrupted : public Error {
 public:
  using Error::Error;
};

// A configuration value is unknown, of the wrong type or out of range.
class ConfigError : public UsageError {
 public:
  ConfigError(const std::string& key, const std::string& problem)
      : UsageError("config key '" + key + "': " + problem), key_(key) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// A malformed input file, pointing at the offending line ("file:line: msg").
class DataError : public Error {
 public:
  DataError(const std::string& path, std::size_t line, const std::string& problem)
      : Error(path + ":" + std::to_string(line) + ": " + problem) {}
  DataError(const std::string& path, const std::string& problem) : Error(path + ": " + problem) {}
};

}  // namespace unbert

#define UNBERT_CHECK(cond, msg)              \
  do {                                       \
    if (!(cond)) throw ::unbert::Error(msg); \
  } while (0)
