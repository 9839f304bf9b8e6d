#include "core/utc_clock.h"

#include <cstdint>

namespace llm {

namespace {

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> (year, month, day).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

void PutDigits(char* p, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

int64_t UnixMicros(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

void AppendIso8601Utc(SystemTime t, std::string& out) {
  int64_t us = UnixMicros(t);
  int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  int64_t frac = us - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  char buf[27];
  PutDigits(buf, static_cast<uint64_t>(year), 4);
  buf[4] = '-';
  PutDigits(buf + 5, month, 2);
  buf[7] = '-';
  PutDigits(buf + 8, day, 2);
  buf[10] = 'T';
  PutDigits(buf + 11, static_cast<uint64_t>(sod / 3600), 2);
  buf[13] = ':';
  PutDigits(buf + 14, static_cast<uint64_t>(sod / 60 % 60), 2);
  buf[16] = ':';
  PutDigits(buf + 17, static_cast<uint64_t>(sod % 60), 2);
  buf[19] = '.';
  PutDigits(buf + 20, static_cast<uint64_t>(frac), 6);
  buf[26] = 'Z';
  out.append(buf, sizeof(buf));
}

std::string FormatIso8601Utc(SystemTime t) {
  std::string s;
  AppendIso8601Utc(t, s);
  return s;
}

}  // namespace llm
