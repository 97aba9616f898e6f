// The error messages in unbert's sources: every `throw X(...)` statement and
// the longest string literal in it (adjacent literals joined), which names the
// message. The catalogue test checks its table against this list.
#pragma once

#include <string>
#include <vector>

namespace unbert::test {

struct ErrorSite {
  std::string file;  // relative to src/, e.g. "eval/rank_file.cpp"
  int line = 0;
  std::string key;  // "" for a throw that forwards a message built elsewhere
};

std::vector<ErrorSite> error_sites(const std::string& source_dir);

}  // namespace unbert::test
