#include "logview/render_html.h"

#include <fstream>

namespace llm::logview {
namespace {

constexpr const char* kHead = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>llm-api log report</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}
svg{background:#fff;border:1px solid #ddd}
.bar-requests{fill:#4a78c2}.bar-errors{fill:#d9534f}
.p50{fill:#5cb85c}.p95{fill:#f0ad4e}.p99{fill:#d9534f}
.axis{font-size:10px;fill:#555}.legend{font-size:11px}
.kpi{display:inline-block;margin-right:28px}.kpi b{font-size:20px;display:block}
</style></head><body>
<h1>llm-api log report</h1>
<noscript>This report draws its charts with JavaScript; the raw data is in the page source.</noscript>
<div id="summary"></div>
<h2>Requests and errors per hour (UTC)</h2>
<div id="chart-time"></div>
<h2>Latency percentiles per endpoint (ms)</h2>
<div id="chart-latency"></div>
<h2>Endpoints</h2>
<div id="table-endpoints"></div>
<h2>Status codes</h2>
<div id="table-status"></div>
<div id="errors-section"></div>
<script id="report-data" type="application/json">
)HTML";

constexpr const char* kScript = R"JS(</script>
<script>
"use strict";
window.addEventListener("error", function (e) {
  document.body.setAttribute("data-script-error", String(e.message || e));
});
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var stats = data.stats, errors = data.errors;
  var NS = "http://www.w3.org/2000/svg";
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, text, parent, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function kpi(id, label, value) {
    var d = html("div", undefined, document.getElementById("summary"), {"class": "kpi", "id": id, "data-value": String(value)});
    html("b", String(value), d);
    html("span", label, d);
  }
  kpi("kpi-total-requests", "requests", stats.total_requests);
  kpi("kpi-errors", "errors (status >= 400)", stats.overall.errors);
  kpi("kpi-error-rate", "error rate %", stats.overall.error_rate);
  kpi("kpi-p95", "p95 ms", stats.overall.p95_ms);
  kpi("kpi-slow", "slow requests", stats.slow_requests.count);
  html("p", "Span: " + (stats.time_span.first || "-") + " .. " + (stats.time_span.last || "-") +
       "; " + stats.records + " records, " + stats.bad_lines + " bad lines skipped.", document.getElementById("summary"));

  function timeChart() {
    var hours = stats.requests_per_hour, W = 900, H = 260, L = 50, B = 40, T = 20;
    var svg = el("svg", {width: W, height: H, id: "svg-time", "data-hours": hours.length}, document.getElementById("chart-time"));
    var peak = 1;
    hours.forEach(function (h) { peak = Math.max(peak, h.requests); });
    var slot = hours.length ? (W - L - 10) / hours.length : 0, bw = Math.max(1, slot * 0.8);
    el("text", {x: 4, y: T, "class": "axis"}, svg, String(peak));
    el("text", {x: 4, y: H - B, "class": "axis"}, svg, "0");
    hours.forEach(function (h, i) {
      var x = L + i * slot, hr = (H - B - T) * h.requests / peak, he = (H - B - T) * h.errors / peak;
      el("rect", {x: x, y: H - B - hr, width: bw, height: hr, "class": "bar-requests",
                  "data-hour": h.hour, "data-value": h.requests}, svg);
      el("rect", {x: x, y: H - B - he, width: bw, height: he, "class": "bar-errors",
                  "data-hour": h.hour, "data-value": h.errors}, svg);
      if (hours.length <= 24 || i % Math.ceil(hours.length / 24) === 0)
        el("text", {x: x, y: H - B + 14, "class": "axis"}, svg, h.hour.substr(11, 2) + "h");
    });
    el("text", {x: L, y: H - 6, "class": "legend"}, svg, "blue: requests, red: errors; from " +
       (hours.length ? hours[0].hour : "-") + " to " + (hours.length ? hours[hours.length - 1].hour : "-"));
  }

  function latencyChart() {
    var eps = stats.endpoints, W = 900, rowH = 54, L = 190;
    var H = Math.max(60, eps.length * rowH + 30);
    var svg = el("svg", {width: W, height: H, id: "svg-latency", "data-endpoints": eps.length}, document.getElementById("chart-latency"));
    var peak = 0.001;
    eps.forEach(function (e) { peak = Math.max(peak, e.p99_ms); });
    eps.forEach(function (e, i) {
      var y = 10 + i * rowH;
      el("text", {x: 4, y: y + 24, "class": "axis"}, svg, e.endpoint);
      ["p50", "p95", "p99"].forEach(function (p, k) {
        var v = e[p + "_ms"], w = (W - L - 120) * v / peak;
        el("rect", {x: L, y: y + k * 15, width: Math.max(1, w), height: 12, "class": "bar-latency " + p,
                    "data-endpoint": e.endpoint, "data-percentile": p, "data-value": v}, svg);
        el("text", {x: L + Math.max(1, w) + 4, y: y + k * 15 + 10, "class": "axis"}, svg, p + " " + v + " ms");
      });
    });
  }

  function table(parent, headers, rows, id) {
    var t = html("table", undefined, parent, {id: id});
    var tr = html("tr", undefined, t);
    headers.forEach(function (h) { html("th", h, tr); });
    rows.forEach(function (r) {
      var row = html("tr", undefined, t);
      r.forEach(function (c) { html("td", String(c), row); });
    });
  }

  timeChart();
  latencyChart();
  table(document.getElementById("table-endpoints"),
        ["endpoint", "count", "share %", "error rate %", "avg ms", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        stats.endpoints.map(function (e) {
          return [e.endpoint, e.count, e.share, e.error_rate, e.avg_ms, e.p50_ms, e.p95_ms, e.p99_ms, e.max_ms];
        }), "endpoints");
  table(document.getElementById("table-status"), ["status", "count"],
        Object.keys(stats.status_codes).map(function (k) { return [k, stats.status_codes[k]]; }), "status");
  if (errors) {
    var sec = document.getElementById("errors-section");
    html("h2", "Errors by type", sec);
    table(sec, ["error type", "count", "first seen", "last seen", "latest message"],
          errors.by_error_type.map(function (g) {
            return [g.error_type, g.count, g.first_seen, g.last_seen, g.latest_message];
          }), "errors-by-type");
    errors.spikes.forEach(function (s) {
      html("p", "Error spike: " + s.hour + " had " + s.errors + " errors (" + s.times_average + "x average)", sec,
           {"class": "spike", "data-hour": s.hour, "data-value": s.errors});
    });
  }
  document.body.setAttribute("data-rendered", "ok");
})();
</script>
</body></html>
)JS";

// JSON inside <script>: "</" would end the element early, so it is written "<\/".
std::string ScriptSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += json[i];
    }
  }
  return out;
}

}  // namespace

std::string RenderHtmlReport(const Json& stats, const Json* errors) {
  Json data = {{"stats", stats}, {"errors", errors ? *errors : Json(nullptr)}};
  return std::string(kHead) + ScriptSafe(data.dump(-1, ' ', false, Json::error_handler_t::replace)) + "\n" + kScript;
}

Status WriteHtmlReport(const std::string& path, const Json& stats, const Json* errors) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Status::IOError(path + ": cannot open for writing");
  const std::string page = RenderHtmlReport(stats, errors);
  f.write(page.data(), static_cast<std::streamsize>(page.size()));
  f.close();
  if (!f) return Status::IOError(path + ": write failed");
  return Status::Ok();
}

}  // namespace llm::logview
