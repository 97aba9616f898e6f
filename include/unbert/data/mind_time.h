// MIND time stamps ("11/15/2019 8:55:22 AM"), as seconds since 1970-01-01
// in the data's own (unstated) time zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace unbert {

std::optional<int64_t> parse_mind_time(std::string_view text);
std::string format_mind_time(int64_t seconds);  // the same format back
std::string format_day(int64_t seconds);        // "11/15/2019"
int64_t day_of(int64_t seconds);                // days since 1970-01-01

}  // namespace unbert
