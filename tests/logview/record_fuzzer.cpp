// libFuzzer target: arbitrary bytes as a log file, line by line through the record parser
// and the --stats / --errors-only aggregates and reports (only built with -DLLM_FUZZ=ON).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "logview/errors.h"
#include "logview/record.h"
#include "logview/report.h"
#include "logview/stats.h"
#include "logview/timestamp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace llm::logview;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  RecordParser parser;
  RecordView r;
  StatsAggregate stats(100);
  ErrorAggregate errors;
  LocalTimeConverter local;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    (void)ParseTimestamp(line, local);
    (void)ParseTimeSpec(line, 0);
    if (parser.Parse(line, &r)) {
      stats.Add(r, line);
      errors.Add(r, line);
    }
  }
  ReportContext ctx;
  (void)StatsReportJson(stats, ctx).dump(-1, ' ', false, Json::error_handler_t::replace);
  (void)ErrorReportJson(errors, ctx).dump(-1, ' ', false, Json::error_handler_t::replace);
  return 0;
}
