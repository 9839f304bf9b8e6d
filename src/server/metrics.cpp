#include "server/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace llm::server {

const std::vector<double> kHttpDurationBuckets = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                  0.5,   0.75, 1,     2.5,  5,     7.5, 10};
const std::vector<double> kTimeToFirstTokenBuckets = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
                                                      0.25,  0.5,   0.75, 1.0,  2.5,  5.0,  7.5,  10.0};
const std::vector<double> kTimePerOutputTokenBuckets = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,
                                                        0.3,  0.4,   0.5,  0.75,  1.0, 2.5};

namespace {

// A float in the exposition format: shortest round-trip text, +Inf/-Inf/NaN spelled out.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer a shorter form when it reads back the same.
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Sample(std::string& out, std::string_view name, const std::string& labels, const std::string& value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string Label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + EscapeLabelValue(value) + "\"";
}

void RenderHistograms(std::string& out, const char* name, const char* help, const char* label_key,
                      const std::map<std::string, HistogramData>& series, const std::vector<double>& bounds) {
  Header(out, name, "histogram", help);
  const std::string base = name;
  for (const auto& [label_value, h] : series) {
    const std::string label = Label(label_key, label_value);
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds.size(); ++i) {
      cumulative += h.counts.empty() ? 0 : h.counts[i];
      std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
      Sample(out, base + "_bucket", label + ",le=\"" + le + "\"", std::to_string(cumulative));
    }
    Sample(out, base + "_sum", label, FormatValue(h.sum));
    Sample(out, base + "_count", label, std::to_string(h.count));
  }
}

}  // namespace

void HistogramData::Observe(const std::vector<double>& bounds, double value) {
  if (counts.empty()) counts.assign(bounds.size() + 1, 0);
  size_t i = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();  // le: value <= bound
  ++counts[i];
  ++count;
  sum += value;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void ApiMetrics::ObserveRequest(std::string_view endpoint, int status, double seconds,
                                std::string_view api_key_name) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(endpoint), status}];
  ++by_key_[{std::string(api_key_name), status}];
  durations_[std::string(endpoint)].Observe(kHttpDurationBuckets, seconds);
}

void ApiMetrics::ObserveGeneration(std::string_view model, int64_t prompt_tokens, int64_t generated_tokens,
                                   double ttft_seconds, double tpot_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& t = tokens_[std::string(model)];
  t.first += static_cast<uint64_t>(std::max<int64_t>(0, prompt_tokens));
  t.second += static_cast<uint64_t>(std::max<int64_t>(0, generated_tokens));
  if (ttft_seconds >= 0) ttft_[std::string(model)].Observe(kTimeToFirstTokenBuckets, ttft_seconds);
  if (tpot_seconds >= 0) tpot_[std::string(model)].Observe(kTimePerOutputTokenBuckets, tpot_seconds);
}

void ApiMetrics::ObserveEmbedding(std::string_view model, int64_t inputs, int64_t tokens) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = embeddings_[std::string(model)];
  e.first += static_cast<uint64_t>(std::max<int64_t>(0, inputs));
  e.second += static_cast<uint64_t>(std::max<int64_t>(0, tokens));
}

std::string ApiMetrics::Render(const MetricsGauges& gauges) const {
  std::string out;
  out.reserve(8192);
  std::lock_guard<std::mutex> lock(mu_);
  Header(out, "llm_api_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
  for (const auto& [key, n] : requests_) {
    Sample(out, "llm_api_http_requests_total",
           Label("endpoint", key.first) + "," + Label("status", std::to_string(key.second)), std::to_string(n));
  }
  Header(out, "llm_api_requests_by_key_total", "counter",
         "HTTP requests answered, by API key name (anonymous: no accepted key) and status code.");
  for (const auto& [key, n] : by_key_) {
    Sample(out, "llm_api_requests_by_key_total",
           Label("api_key_name", key.first) + "," + Label("status", std::to_string(key.second)), std::to_string(n));
  }
  RenderHistograms(out, "llm_api_http_request_duration_seconds",
                   "Duration of HTTP requests (streamed ones until the stream ends), by endpoint.", "endpoint",
                   durations_, kHttpDurationBuckets);
  Header(out, "llm_api_prompt_tokens_total", "counter", "Prompt tokens evaluated, by model.");
  for (const auto& [model, t] : tokens_) Sample(out, "llm_api_prompt_tokens_total", Label("model", model), std::to_string(t.first));
  Header(out, "llm_api_generated_tokens_total", "counter", "Tokens generated, by model.");
  for (const auto& [model, t] : tokens_) Sample(out, "llm_api_generated_tokens_total", Label("model", model), std::to_string(t.second));
  RenderHistograms(out, "llm_api_time_to_first_token_seconds",
                   "Time from the start of a generation to its first token, by model.", "model", ttft_,
                   kTimeToFirstTokenBuckets);
  RenderHistograms(out, "llm_api_time_per_output_token_seconds",
                   "Mean time per generated token after the first, by model.", "model", tpot_,
                   kTimePerOutputTokenBuckets);
  Header(out, "llm_api_embedding_inputs_total", "counter", "Inputs embedded (texts or token arrays), by model.");
  for (const auto& [model, e] : embeddings_) {
    Sample(out, "llm_api_embedding_inputs_total", Label("model", model), std::to_string(e.first));
  }
  Header(out, "llm_api_embedding_tokens_total", "counter", "Tokens of the embedded inputs, by model.");
  for (const auto& [model, e] : embeddings_) {
    Sample(out, "llm_api_embedding_tokens_total", Label("model", model), std::to_string(e.second));
  }
  Header(out, "llm_api_requests_running", "gauge", "Generations running in a slot.");
  Sample(out, "llm_api_requests_running", "", std::to_string(gauges.requests_running));
  Header(out, "llm_api_requests_queued", "gauge", "Generation requests waiting for a slot.");
  Sample(out, "llm_api_requests_queued", "", std::to_string(gauges.requests_queued));
  Header(out, "llm_api_models_loaded", "gauge", "Models loaded in memory.");
  Sample(out, "llm_api_models_loaded", "", std::to_string(gauges.models_loaded));
  Header(out, "llm_api_log_records_written_total", "counter", "Log records written to the log files.");
  Sample(out, "llm_api_log_records_written_total", "", std::to_string(gauges.log_records_written));
  Header(out, "llm_api_log_records_dropped_total", "counter", "Log records that could not be written.");
  Sample(out, "llm_api_log_records_dropped_total", "", std::to_string(gauges.log_records_dropped));
  Header(out, "llm_api_decode_passes_total", "counter",
         "Forward passes that ran the generation steps of concurrent requests together (batched decoding).");
  Sample(out, "llm_api_decode_passes_total", "", std::to_string(gauges.decode_passes));
  Header(out, "llm_api_decode_steps_total", "counter",
         "Generation steps run in batched forward passes (steps / passes = the mean batch size).");
  Sample(out, "llm_api_decode_steps_total", "", std::to_string(gauges.decode_steps));
  return out;
}

}  // namespace llm::server
