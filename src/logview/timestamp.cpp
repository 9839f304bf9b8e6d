#include "logview/timestamp.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace llm::logview {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// Parses "±HH:MM" / "±HHMM" / "±HH" at `pos`; the offset in seconds east of UTC.
bool ParseOffset(std::string_view s, size_t pos, int64_t* offset_s) {
  const int sign = s[pos] == '-' ? -1 : 1;
  int64_t hh = 0, mm = 0;
  if (!Digits(s, pos + 1, 2, &hh)) return false;
  size_t p = pos + 3;
  if (p < s.size() && s[p] == ':') ++p;
  if (p < s.size()) {
    if (!Digits(s, p, 2, &mm) || p + 2 != s.size()) return false;
  }
  if (hh > 23 || mm > 59) return false;
  *offset_s = sign * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t LocalTimeConverter::ToUtcSeconds(int64_t local_s) {
  const int64_t hour = local_s >= 0 ? local_s / 3600 : (local_s - 3599) / 3600;
  if (hour != cached_hour_) {
    std::time_t t = static_cast<std::time_t>(hour * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);  // the wall-clock fields of this local hour
    tm.tm_isdst = -1;
    std::time_t utc = mktime(&tm);
    cached_offset_ = static_cast<int64_t>(t) - static_cast<int64_t>(utc);
    cached_hour_ = hour;
  }
  return local_s - cached_offset_;
}

std::optional<int64_t> ParseTimestamp(std::string_view s, LocalTimeConverter& local) {
  int64_t y, mo, d, h, mi, se;
  if (s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (!Digits(s, 14, 2, &mi) || !Digits(s, 17, 2, &se) || mi > 59 || se > 60) return std::nullopt;
  int64_t hour_wall;
  if (local.prefix_valid_ && std::memcmp(s.data(), local.prefix_, 13) == 0) {
    hour_wall = local.prefix_wall_;
  } else {
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
    if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &mo) || !Digits(s, 8, 2, &d) || !Digits(s, 11, 2, &h))
      return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23) return std::nullopt;
    hour_wall = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600;
    std::memcpy(local.prefix_, s.data(), 13);
    local.prefix_wall_ = hour_wall;
    local.prefix_valid_ = true;
  }
  size_t p = 19;
  int64_t micros = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    int64_t scale = 100000;
    size_t n = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (n < 6) micros += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
      ++n;
    }
    if (n == 0 || n > 9) return std::nullopt;
  }
  const int64_t wall = hour_wall + mi * 60 + se;
  int64_t utc_s;
  if (p == s.size()) {
    utc_s = local.ToUtcSeconds(wall);
  } else if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
    utc_s = wall;
  } else if (s[p] == '+' || s[p] == '-') {
    int64_t off;
    if (!ParseOffset(s, p, &off)) return std::nullopt;
    utc_s = wall - off;
  } else {
    return std::nullopt;
  }
  return utc_s * 1000000 + micros;
}

std::string FormatTimestamp(int64_t utc_us) {
  int64_t s = utc_us >= 0 ? utc_us / 1000000 : (utc_us - 999999) / 1000000;
  int64_t us = utc_us - s * 1000000;
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us));
  return buf;
}

std::string FormatTimestampSeconds(int64_t utc_us) {
  std::string full = FormatTimestamp(utc_us);
  return full.substr(0, 19) + "Z";
}

std::optional<int64_t> ParseTimeSpec(std::string_view text, int64_t now_us) {
  if (text.size() >= 2) {
    int64_t n = 0;
    size_t i = 0;
    for (; i + 1 < text.size(); ++i) {
      unsigned d = static_cast<unsigned char>(text[i]) - '0';
      if (d > 9) break;
      n = n * 10 + d;
      if (n > 100000000) return std::nullopt;
    }
    if (i + 1 == text.size()) {
      int64_t unit = 0;
      switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: break;
      }
      if (unit != 0) return now_us - n * unit * 1000000;
    }
  }
  LocalTimeConverter local;
  if (text.size() == 10) {  // a bare date: midnight local time
    std::string with_time = std::string(text) + "T00:00:00";
    return ParseTimestamp(with_time, local);
  }
  return ParseTimestamp(text, local);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace llm::logview
