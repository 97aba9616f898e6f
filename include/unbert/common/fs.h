// File helpers: whole-file reads and atomic writes (temp file, then rename).
#pragma once

#include <string>

namespace unbert {

std::string read_text_file(const std::string& path);  // throws Error naming the path
// Writes `text` to path.tmp, flushes, then renames over `path`.
void write_text_atomic(const std::string& path, const std::string& text);

}  // namespace unbert
