// One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote
// or a line break, with inner quotes doubled.
#pragma once

#include <string>

namespace unbert {

inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

}  // namespace unbert
