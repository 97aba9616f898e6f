// A write that fails says why (a full disk once gave a bare "cannot write").
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/model/weights_io.h"
#include "unbert/train/optimizer_io.h"

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
  // optimizer.pt: LibTorch's own writer aborted the process there
  // ("terminate called after throwing an instance of 'c10::Error'").
  auto weight = torch::ones({256, 256}, torch::requires_grad());
  torch::optim::Adam adam({weight});
  weight.sum().backward();
  adam.step();
  EXPECT_EQ(error_of([&] { save_optimizer_state(adam, "/dev/full"); }),
            "/dev/full: cannot write (No space left on device); free some space or choose "
            "another folder");
}

// A checkpoint whose writing fails leaves no NAME.tmp holding the space.
TEST(Fs, AFailedFolderWriteRemovesItsTemporaryFolder) {
  test::TempDir dir;
  const std::string target = dir.file("step-1");
  EXPECT_THROW(write_dir_atomic(target,
                                [](const std::string& tmp) {
                                  write_text_atomic(tmp + "/a.txt", "a");
                                  throw Error("disk full");
                                }),
               Error);
  EXPECT_FALSE(std::filesystem::exists(target + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(target));
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// Found by the data-parallel tests: two ranks filling one cache file shared
// its temporary name; one rename then failed ("cannot replace").
TEST(Fs, WritersOfOneFileAtOnceEachReplaceItWhole) {
  test::TempDir dir;
  const std::string path = dir.file("cache.bin");
  const std::string a(100000, 'a'), b(100000, 'b');
  std::string errors;
  std::mutex mutex;
  auto writer = [&](const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      try {
        write_text_atomic(path, text);
      } catch (const Error& e) {
        std::lock_guard<std::mutex> lock(mutex);
        errors = e.what();
      }
    }
  };
  std::thread first(writer, a), second(writer, b);
  first.join();
  second.join();
  EXPECT_EQ(errors, "");
  const std::string kept = read_text_file(path);
  EXPECT_TRUE(kept == a || kept == b);
}

}  // namespace
}  // namespace unbert
