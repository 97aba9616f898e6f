#include <gtest/gtest.h>

#include "unbert/common/build_info.h"
#include "unbert/common/system.h"
#include "unbert/data/mind_time.h"

namespace unbert {
namespace {

TEST(System, DetectsReferenceBlasFromProcessMaps) {
  std::string reference =
      "7f00-7f10 r-xp 00000000 fe:01 123 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\n";
  std::string openblas =
      "7f00-7f10 r-xp 00000000 fe:01 123 "
      "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3\n";
  EXPECT_TRUE(find_reference_blas(reference, false).has_value());
  EXPECT_FALSE(find_reference_blas(reference, true).has_value());
  EXPECT_FALSE(find_reference_blas(openblas, false).has_value());
  EXPECT_FALSE(find_reference_blas("", false).has_value());
}

// --threads 999 on 2 cores once ran 45x slower without a word.
TEST(System, MoreThreadsThanCoresIsAWarningThatNamesBoth) {
  EXPECT_FALSE(oversubscribed_threads_warning(0, 2));  // 0 = all cores
  EXPECT_FALSE(oversubscribed_threads_warning(2, 2));
  auto warning = oversubscribed_threads_warning(999, 2);
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("--threads 999 is more than the 2 cores"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("use --threads 2"), std::string::npos) << *warning;
  EXPECT_GE(hardware_threads(), 1);
}

TEST(BuildInfo, ReadsTheKernelsAndOneDnnFromAtensSummary) {
  const std::string config =
      "PyTorch built with:\n  - GCC 12.2\n  - CPU capability usage: AVX512\n  - Build settings: "
      "BLAS_INFO=open\n";
  EXPECT_EQ(cpu_capability_from_config(config), "AVX512");
  EXPECT_EQ(cpu_capability_from_config("  - CPU capability usage: AVX2\n"), "AVX2");
  EXPECT_EQ(cpu_capability_from_config("PyTorch built with:\n  - GCC 12.2\n"), "");
  EXPECT_EQ(onednn_version_from("Intel(R) MKL-DNN v2.6.3 (Git Hash N/A)"), "2.6.3");
  EXPECT_EQ(onednn_version_from("oneDNN v3.7.1 (Git Hash 8d263e6)"), "3.7.1");
  EXPECT_EQ(onednn_version_from(""), "");
  const BuildInfo here = build_info();
  EXPECT_NE(here.cpu_capability, "unknown");  // this LibTorch's summary has the line
  EXPECT_NE(version_text(here).find("ATen CPU kernels " + here.cpu_capability), std::string::npos);
}

TEST(MindTime, ParsesTheMindFormat) {
  // 2019-11-15 is day 18215 since 1970-01-01.
  EXPECT_EQ(parse_mind_time("11/15/2019 8:55:22 AM"), 18215 * 86400LL + 8 * 3600 + 55 * 60 + 22);
  EXPECT_EQ(parse_mind_time("11/15/2019 12:00:00 AM"), 18215 * 86400LL);
  EXPECT_EQ(parse_mind_time("11/15/2019 12:30:00 PM"), 18215 * 86400LL + 12 * 3600 + 1800);
  EXPECT_EQ(format_mind_time(*parse_mind_time("11/9/2019 11:59:01 PM")), "11/9/2019 11:59:01 PM");
  EXPECT_EQ(format_day(*parse_mind_time("1/2/2020 3:04:05 AM")), "1/2/2020");
}

TEST(MindTime, RejectsMalformedTimes) {
  for (const char* bad : {"", "2019-11-15 08:55:22", "13/15/2019 8:55:22 AM",
                          "2/30/2019 8:55:22 AM", "11/15/2019 8:55:22", "11/15/2019 0:55:22 AM",
                          "11/15/2019 8:61:22 AM", "11/15/2019 8:55:22 AMX"})
    EXPECT_FALSE(parse_mind_time(bad).has_value()) << bad;
}

}  // namespace
}  // namespace unbert
