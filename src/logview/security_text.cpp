// RenderSecurityText: the --security report for a terminal.
#include <fmt/format.h>

#include <iterator>

#include "logview/security.h"
#include "logview/text_style_internal.h"

namespace llm::logview {
namespace {

// One finding line when its count is not zero: "    auth failures   3  first ..  last ..".
void Line(std::string& out, std::string_view label, const Json& o, std::string_view extra = "") {
  const uint64_t n = o["count"].get<uint64_t>();
  if (n == 0) return;
  fmt::format_to(std::back_inserter(out), "    {:<22} {:>7}  first {}  last {}{}\n", label, n, Str(o["first"]),
                 Str(o["last"]), extra);
}

void Actor(std::string& out, const Json& row, const char* key, bool color) {
  std::string title = fmt::format("  {}  ({} findings)", Str(row[key]), row["findings"].get<uint64_t>());
  out += color ? fmt::format("\033[1;33m{}\033[0m\n", title) : title + "\n";
  Line(out, "auth failures", row["auth_failures"]);
  Line(out, "refused: size", row["refused_size"]);
  Line(out, "refused: depth", row["refused_depth"]);
  Line(out, "refused: framing", row["refused_framing"]);
  Line(out, "path traversal", row["path_traversal"]);
  Line(out, "injection", row["injection"]);
  const Json& nf = row["not_found"];
  Line(out, nf["scan"].get<bool>() ? "404 SCAN" : "404 responses", nf,
       fmt::format("  ({} distinct paths)", nf["distinct_paths"].get<uint64_t>()));
  const Json& b = row["bursts"];
  Line(out, "request bursts", b,
       fmt::format("  ({} requests, at most {} in a window)", b["requests_in_bursts"].get<uint64_t>(),
                   b["max_requests_in_a_window"].get<uint64_t>()));
}

}  // namespace

std::string RenderSecurityText(const Json& j, bool color) {
  std::string out;
  auto w = std::back_inserter(out);
  out += Heading("Security summary", color);
  const Json& s = j["settings"];
  fmt::format_to(w, "Burst: more than {} requests in a {} s window; 404 scan: {} or more distinct paths ({} bad lines skipped)\n",
                 s["burst_threshold"].get<uint64_t>(), s["burst_window_s"].get<double>(),
                 s["scan_min_404_paths"].get<uint64_t>(), j["bad_lines"].get<uint64_t>());
  const Json& t = j["totals"];
  fmt::format_to(w,
                 "Totals: auth failures {}, refused size {} / depth {} / framing {}, path traversal {}, injection {}, "
                 "404 scans {}, bursts {}\n",
                 t["auth_failures"].get<uint64_t>(), t["refused_size"].get<uint64_t>(), t["refused_depth"].get<uint64_t>(),
                 t["refused_framing"].get<uint64_t>(), t["path_traversal"].get<uint64_t>(), t["injection"].get<uint64_t>(),
                 t["not_found_scans"].get<uint64_t>(), t["bursts"].get<uint64_t>());
  out += "\n";
  out += Heading("By client address", color);
  if (j["by_client"].empty()) out += "  (nothing suspicious)\n";
  for (const Json& row : j["by_client"]) Actor(out, row, "remote_addr", color);
  out += "\n";
  out += Heading("By API key name (anonymous: no accepted key)", color);
  if (j["by_key"].empty()) out += "  (nothing suspicious)\n";
  for (const Json& row : j["by_key"]) Actor(out, row, "api_key_name", color);
  return out;
}

}  // namespace llm::logview
