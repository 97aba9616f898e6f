#include "unbert/train/optimizer_io.h"

#include <cerrno>
#include <fstream>

#include "unbert/common/fs.h"

namespace unbert {

void save_optimizer_state(torch::optim::Optimizer& optimizer, const std::string& path) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  int reason = out ? 0 : errno;
  archive.save_to([&](const void* data, std::size_t size) -> std::size_t {
    if (reason == 0) {
      out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
      if (!out) reason = errno;
    }
    return size;  // the failure is reported below, once the archive is closed
  });
  if (reason != 0) {
    errno = reason;
    out.setstate(std::ios::badbit);
  }
  check_written(out, path);
}

}  // namespace unbert
