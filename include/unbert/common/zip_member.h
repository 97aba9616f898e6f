// Reading one member of a zip archive (libzip) without trusting the sizes its
// headers claim: a corrupt or hostile header claiming gigabytes is an error,
// not an allocation.
#pragma once

#include <zip.h>

#include <string>

namespace unbert {

// The bytes of member `index`; `archive_path` names the file in errors.
std::string read_zip_member(zip_t* archive, zip_uint64_t index, const std::string& archive_path);

}  // namespace unbert
