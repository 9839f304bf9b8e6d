// --html: a self-contained HTML report of --stats (and --errors-only when given) that works
// offline: the report's JSON inline, and an inline script that draws the charts as SVG.
// Every chart element carries its number in data-* attributes (read back by the tests).
#pragma once

#include <string>

#include "core/status.h"
#include "logview/report.h"

namespace llm::logview {

// The whole page. `errors` may be null.
std::string RenderHtmlReport(const Json& stats, const Json* errors);
// Writes RenderHtmlReport to `path`; IOError when the file cannot be written.
Status WriteHtmlReport(const std::string& path, const Json& stats, const Json* errors);

}  // namespace llm::logview
