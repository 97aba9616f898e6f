// Truth and prediction files ("impid [1,0,0]" / "impid [2,1,3]"), and the
// scorer on a pair: the input holds both, split at the first NUL byte.
#include <sstream>
#include <string_view>

#include "fuzz_util.h"
#include "unbert/eval/rank_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace unbert;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = text.find('\0');
  std::istringstream truth_text(std::string(text.substr(0, cut)));
  std::istringstream prediction_text(
      std::string(cut == std::string_view::npos ? text : text.substr(cut + 1)));
  fuzz::expect_clean([&] {
    auto truth = read_impression_lists(truth_text, "truth", ListKind::Labels);
    auto predictions = read_impression_lists(prediction_text, "prediction", ListKind::Ranks);
    score_rankings(truth, predictions, "truth", "prediction");
  });
  return 0;
}
