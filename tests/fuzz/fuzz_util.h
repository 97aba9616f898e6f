// Shared by the libFuzzer targets: an input as a file (the readers take
// paths, and mmap them), and the rule every target checks: a bad input ends
// in unbert::Error (one clear line for the user), never in a crash, a hang,
// a leak or any other exception.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>

#include "unbert/common/error.h"
#include "unbert/common/log.h"

namespace unbert::fuzz {

// The readers' info lines (a skipped byte-order mark, dropped clicks) would
// be printed for every input: quiet, and faster.
inline const bool kQuiet = [] {
  spdlog::set_level(spdlog::level::off);
  return true;
}();

// The input written to a file of this process's own (rewritten per input).
inline std::string as_file(const uint8_t* data, std::size_t size, const char* suffix = "") {
  static const std::string path = "/tmp/unbert_fuzz_" + std::to_string(::getpid()) + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Runs `body`; unbert::Error is the expected outcome of a bad input, anything
// else escaping is a finding.
template <class Body>
void expect_clean(Body&& body) {
  (void)kQuiet;
  try {
    body();
  } catch (const Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception (not unbert::Error): %s\n", e.what());
    std::abort();
  }
}

}  // namespace unbert::fuzz
