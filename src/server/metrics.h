// Metrics of the API in the Prometheus text exposition format (version 0.0.4): request counts
// and durations by endpoint, token counters and latency histograms by model, and gauges read
// at scrape time. Thread-safe; each update takes one short lock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llm::server {

// OpenTelemetry's bucket boundaries (seconds) for http.server.request.duration.
extern const std::vector<double> kHttpDurationBuckets;
// OpenTelemetry GenAI semantic conventions: gen_ai.server.time_to_first_token ...
extern const std::vector<double> kTimeToFirstTokenBuckets;
// ... and gen_ai.server.time_per_output_token.
extern const std::vector<double> kTimePerOutputTokenBuckets;

// Cumulative-bucket histogram data (not thread-safe by itself).
struct HistogramData {
  std::vector<uint64_t> counts;  // per bucket, not cumulative; one extra for +Inf
  uint64_t count = 0;
  double sum = 0;
  void Observe(const std::vector<double>& bounds, double value);
};

// Values read from elsewhere at scrape time.
struct MetricsGauges {
  int requests_running = 0;
  int requests_queued = 0;
  int models_loaded = 0;
  uint64_t log_records_written = 0;
  uint64_t log_records_dropped = 0;
  int64_t decode_passes = 0;  // batched forward passes of generation steps
  int64_t decode_steps = 0;   // generation steps they carried
};

class ApiMetrics {
 public:
  // One answered request: its route's endpoint name, status code, duration and the name of
  // the API key it presented ("anonymous" when none was accepted).
  void ObserveRequest(std::string_view endpoint, int status, double seconds,
                      std::string_view api_key_name = "anonymous");
  // One finished generation. ttft_seconds < 0 or tpot_seconds < 0: not observed.
  void ObserveGeneration(std::string_view model, int64_t prompt_tokens, int64_t generated_tokens,
                         double ttft_seconds, double tpot_seconds);
  // One answered embedding request: its inputs and the tokens they had.
  void ObserveEmbedding(std::string_view model, int64_t inputs, int64_t tokens);
  // The whole exposition, ending with a newline.
  std::string Render(const MetricsGauges& gauges) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (endpoint, status)
  std::map<std::string, HistogramData> durations_;            // endpoint
  std::map<std::pair<std::string, int>, uint64_t> by_key_;    // (api_key_name, status)
  std::map<std::string, std::pair<uint64_t, uint64_t>> tokens_;  // model -> (prompt, generated)
  std::map<std::string, HistogramData> ttft_;                 // model
  std::map<std::string, HistogramData> tpot_;                 // model
  std::map<std::string, std::pair<uint64_t, uint64_t>> embeddings_;  // model -> (inputs, tokens)
};

// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);

}  // namespace llm::server
