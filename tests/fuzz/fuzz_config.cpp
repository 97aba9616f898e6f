// Config reader: the first line is a --set assignment, the rest a JSON config.
#include <string_view>

#include "fuzz_util.h"
#include "unbert/config/config_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace unbert;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n');
  const std::string assignment(text.substr(0, newline));
  const std::string_view json = newline == std::string_view::npos ? "" : text.substr(newline + 1);
  const std::string path =
      fuzz::as_file(reinterpret_cast<const uint8_t*>(json.data()), json.size(), ".json");
  fuzz::expect_clean([&] { load_config(path, {}); });
  fuzz::expect_clean([&] { load_config(std::nullopt, {assignment}); });
  return 0;
}
