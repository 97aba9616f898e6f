// behaviors.tsv reader: the first byte picks the options, the rest is the file.
#include "fuzz_util.h"
#include "unbert/data/behaviors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace unbert;
  if (size == 0) return 0;
  LoadOptions options;
  options.on_error = data[0] & 1 ? OnError::Skip : OnError::Fail;
  options.unknown_candidate = data[0] & 2 ? UnknownNews::Skip : UnknownNews::Error;
  options.add_unknown_news = data[0] & 4;
  options.threads = data[0] & 8 ? 2 : 1;
  const std::string path = fuzz::as_file(data + 1, size - 1, ".tsv");
  fuzz::expect_clean([&] {
    NewsTable news;
    news.add_bare("N1");
    news.add_bare("N2");
    LoadReport report;
    Behaviors behaviors = Behaviors::load(path, news, options, &report);
    for (std::size_t i = 0; i < behaviors.size(); ++i) (void)behaviors[i];
  });
  return 0;
}
