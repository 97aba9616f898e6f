// news.tsv reader.
#include "fuzz_util.h"
#include "unbert/data/news_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace unbert;
  if (size == 0) return 0;
  LoadOptions options;
  options.on_error = data[0] & 1 ? OnError::Skip : OnError::Fail;
  const std::string path = fuzz::as_file(data + 1, size - 1, ".tsv");
  fuzz::expect_clean([&] {
    NewsTable news;
    news.load(path, options);
    for (uint32_t i = 0; i < news.size(); ++i) (void)news.title(i);
  });
  return 0;
}
