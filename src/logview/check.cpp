#include "logview/check.h"

#include <fmt/format.h>

namespace llm::logview {

std::vector<std::string> BrokenThresholds(const Json& s, const CheckThresholds& t) {
  std::vector<std::string> out;
  const Json& o = s["overall"];
  if (t.max_error_rate) {
    const double rate = o["error_rate"].get<double>();
    if (rate > *t.max_error_rate)
      out.push_back(fmt::format("error rate {:.2f}% > max {:.2f}% ({} of {} responses)", rate, *t.max_error_rate,
                                o["errors"].get<uint64_t>(), o["count"].get<uint64_t>()));
  }
  if (t.max_p95_ms) {
    const double p95 = o["p95_ms"].get<double>();
    if (p95 > *t.max_p95_ms)
      out.push_back(fmt::format("p95 duration {:.3f} ms > max {:.3f} ms ({} responses)", p95, *t.max_p95_ms,
                                o["count"].get<uint64_t>()));
  }
  if (t.max_slow) {
    const uint64_t slow = s["slow_requests"]["count"].get<uint64_t>();
    if (slow > *t.max_slow)
      out.push_back(fmt::format("slow requests {} > max {} (over {} ms)", slow, *t.max_slow,
                                s["slow_requests"]["threshold_ms"].get<double>()));
  }
  return out;
}

std::vector<std::string> BrokenSecurityThresholds(const Json& s, const CheckThresholds& t) {
  std::vector<std::string> out;
  if (!t.max_auth_failures) return out;
  const uint64_t n = s["totals"]["auth_failures"].get<uint64_t>();
  if (n <= *t.max_auth_failures) return out;
  std::string worst;
  uint64_t worst_n = 0;
  for (const Json& row : s["by_client"]) {
    const uint64_t c = row["auth_failures"]["count"].get<uint64_t>();
    if (c > worst_n) worst_n = c, worst = row["remote_addr"].get<std::string>();
  }
  out.push_back(fmt::format("auth failures {} > max {} (most from {}: {})", n, *t.max_auth_failures, worst, worst_n));
  return out;
}

std::string CheckSummary(const Json& s, const CheckThresholds& t) {
  const Json& o = s["overall"];
  std::string out = fmt::format("OK: {} responses", o["count"].get<uint64_t>());
  if (t.max_error_rate) out += fmt::format(", error rate {:.2f}% <= {:.2f}%", o["error_rate"].get<double>(), *t.max_error_rate);
  if (t.max_p95_ms) out += fmt::format(", p95 {:.3f} ms <= {:.3f} ms", o["p95_ms"].get<double>(), *t.max_p95_ms);
  if (t.max_slow) out += fmt::format(", slow {} <= {}", s["slow_requests"]["count"].get<uint64_t>(), *t.max_slow);
  if (t.max_auth_failures) out += fmt::format(", auth failures <= {}", *t.max_auth_failures);
  return out;
}

}  // namespace llm::logview
