#include "unbert/data/mind_time.h"

#include <cstdio>

namespace unbert {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// Reads 1..max_digits digits at *pos; false when there are none.
bool read_number(std::string_view text, std::size_t* pos, int max_digits, unsigned* out) {
  unsigned value = 0;
  int digits = 0;
  while (*pos < text.size() && digits < max_digits && text[*pos] >= '0' && text[*pos] <= '9') {
    value = value * 10 + static_cast<unsigned>(text[*pos] - '0');
    ++*pos;
    ++digits;
  }
  *out = value;
  return digits > 0;
}

bool read_char(std::string_view text, std::size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

}  // namespace

std::optional<int64_t> parse_mind_time(std::string_view text) {
  std::size_t pos = 0;
  unsigned month, day, year, hour, minute, second;
  if (!read_number(text, &pos, 2, &month) || !read_char(text, &pos, '/') ||
      !read_number(text, &pos, 2, &day) || !read_char(text, &pos, '/') ||
      !read_number(text, &pos, 4, &year) || !read_char(text, &pos, ' ') ||
      !read_number(text, &pos, 2, &hour) || !read_char(text, &pos, ':') ||
      !read_number(text, &pos, 2, &minute) || !read_char(text, &pos, ':') ||
      !read_number(text, &pos, 2, &second) || !read_char(text, &pos, ' '))
    return std::nullopt;
  std::string_view meridiem = text.substr(pos);
  if (meridiem != "AM" && meridiem != "PM") return std::nullopt;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > kDays[month - 1] + (month == 2 && leap(year) ? 1 : 0)) return std::nullopt;
  if (hour < 1 || hour > 12 || minute > 59 || second > 59) return std::nullopt;
  unsigned hour24 = hour % 12 + (meridiem == "PM" ? 12 : 0);
  return days_from_civil(year, month, day) * 86400 + hour24 * 3600 + minute * 60 + second;
}

int64_t day_of(int64_t seconds) {
  return (seconds >= 0 ? seconds : seconds - 86399) / 86400;
}

std::string format_day(int64_t seconds) {
  int64_t y;
  unsigned m, d;
  civil_from_days(day_of(seconds), &y, &m, &d);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%u/%u/%lld", m, d, static_cast<long long>(y));
  return buffer;
}

std::string format_mind_time(int64_t seconds) {
  int64_t in_day = seconds - day_of(seconds) * 86400;
  auto hour24 = static_cast<unsigned>(in_day / 3600);
  unsigned hour12 = hour24 % 12 == 0 ? 12 : hour24 % 12;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s %u:%02u:%02u %s", format_day(seconds).c_str(), hour12,
                static_cast<unsigned>(in_day % 3600 / 60), static_cast<unsigned>(in_day % 60),
                hour24 < 12 ? "AM" : "PM");
  return buffer;
}

}  // namespace unbert
