// Text renderings for a terminal: entries (one line per record, level in colour when asked),
// the --stats report and the --errors-only report.
#pragma once

#include <string>
#include <string_view>

#include "logview/entries.h"
#include "logview/record.h"
#include "logview/report.h"

namespace llm::logview {

// One readable line (no newline): time, level, type, method/endpoint, status, duration,
// request id, API key name (key=NAME), message.
std::string RenderEntryLine(const RecordView& r, bool color);
// A titled section of entries, with the count of bad lines skipped when there were any.
std::string RenderEntriesText(const EntryList& list, std::string_view title, bool color);
// The entries as a JSON array of the original records.
Json EntriesJson(const EntryList& list);
// The --stats report (from StatsReportJson) as text with a requests-per-hour bar chart.
std::string RenderStatsText(const Json& report, bool color);
// The --errors-only report (from ErrorReportJson) as text, spikes pointed out.
std::string RenderErrorsText(const Json& report, bool color);

}  // namespace llm::logview
