// A write that fails says why (a full disk once gave a bare "cannot write").
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/model/weights_io.h"

namespace unbert {
namespace {

using test::error_of;

// /dev/full answers every write with ENOSPC, as a full disk does.
TEST(Fs, FullDiskErrorsNameThePathAndTheReason) {
  std::string big(1 << 20, 'x');
  EXPECT_EQ(error_of([&] {
              std::ofstream out("/dev/full", std::ios::binary);
              out << big;
              check_written(out, "/dev/full");
            }),
            "/dev/full: cannot write (No space left on device); free some space or choose "
            "another folder");
  NamedTensors tensors;
  tensors["w"] = torch::ones({1024, 256});
  EXPECT_NE(error_of([&] {
              write_safetensors("/dev/full", tensors);
            }).find("/dev/full: cannot write (No space left on device)"),
            std::string::npos);
}

}  // namespace
}  // namespace unbert
