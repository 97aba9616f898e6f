#include "unbert/common/zip_member.h"

#include <filesystem>

#include "unbert/common/error.h"

namespace unbert {

std::string read_zip_member(zip_t* archive, zip_uint64_t index, const std::string& archive_path) {
  const char* raw_name = zip_get_name(archive, index, 0);
  const std::string name = raw_name ? raw_name : "#" + std::to_string(index);
  zip_stat_t stat;
  if (zip_stat_index(archive, index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
    throw Error(archive_path + ": missing record " + name + " (truncated or corrupt file)");
  // Deflate expands at most ~1032:1; a stored record is no larger than the file.
  std::error_code error;
  const auto file_size = std::filesystem::file_size(archive_path, error);
  const bool stored = (stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method == ZIP_CM_STORE;
  const zip_uint64_t limit = error ? 0 : (stored ? file_size : file_size * 1032);
  if (error || stat.size > limit)
    throw Error(archive_path + ": record " + name + " claims " + std::to_string(stat.size) +
                " bytes, more than the " + std::to_string(file_size) +
                "-byte archive can hold (corrupt file)");
  zip_file_t* file = zip_fopen_index(archive, index, 0);
  if (!file) throw Error(archive_path + ": cannot read record " + name);
  std::string bytes(stat.size, '\0');
  const zip_int64_t got = zip_fread(file, bytes.data(), stat.size);
  zip_fclose(file);
  if (got != static_cast<zip_int64_t>(stat.size))
    throw Error(archive_path + ": record " + name + " is truncated or corrupt");
  return bytes;
}

}  // namespace unbert
