// File helpers: whole-file reads and atomic writes (temp file, then rename).
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace unbert {

std::string read_text_file(const std::string& path);  // throws Error naming the path
// Writes `text` to path.tmp, flushes, then renames over `path`.
void write_text_atomic(const std::string& path, const std::string& text);
// Flushes `out` and throws Error naming `path` and the system's reason (a
// full disk says "No space left on device") when anything failed.
void check_written(std::ostream& out, const std::string& path);
// Lets `fill` write a folder at dir.tmp, then puts it in place of `dir` (an
// old `dir` is replaced only once the new one is complete).
void write_dir_atomic(const std::string& dir, const std::function<void(const std::string&)>& fill);

}  // namespace unbert
