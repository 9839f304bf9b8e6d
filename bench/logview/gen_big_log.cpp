// Writes a large api.log in the record shapes llm-api writes (request, custom_event or
// error, response: 3 records per request) for the log_viewer benchmark.
// Usage: gen_big_log OUT_FILE [REQUESTS=1200000] [SEED=1]
// Never commit the output: 1.2 M requests make about 1.34 GB.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

namespace {

struct Route {
  const char* endpoint;
  const char* method;
  const char* path;
  double median_ms;
};
constexpr Route kRoutes[] = {
    {"health_check", "GET", "/api/v1/health", 0.4},       {"list_models", "GET", "/api/v1/models", 3},
    {"generate_response", "POST", "/api/v1/generate", 2200}, {"chat_completions", "POST", "/v1/chat/completions", 1800},
    {"completions", "POST", "/v1/completions", 1500},      {"metrics", "GET", "/metrics", 1.2},
};
constexpr const char* kAgents[] = {"curl/7.88.1", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
                                   "openai-python/1.30.1", "Go-http-client/1.1"};
constexpr const char* kModels[] = {"Llama-3.2-3B-Instruct-Q4_0.gguf", "stories260K.gguf", "mistral-7b-instruct.Q4_K_M.gguf"};

std::string Ts(int64_t us) {
  std::time_t s = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char b[96];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1000000));
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_big_log OUT_FILE [REQUESTS] [SEED]\n");
    return 2;
  }
  const long requests = argc > 2 ? std::atol(argv[2]) : 1200000;
  std::mt19937_64 rng(argc > 3 ? std::atoi(argv[3]) : 1);
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f) return 1;
  std::setvbuf(f, nullptr, _IOFBF, 1 << 22);
  std::normal_distribution<double> noise(0, 0.9);
  std::uniform_real_distribution<double> u(0, 1);
  int64_t t = 1782000000LL * 1000000;  // 2026-06-21
  char line[4096];
  for (long i = 0; i < requests; ++i) {
    const Route& r = kRoutes[rng() % 6];
    const bool post = r.method[0] == 'P';
    const int client = static_cast<int>(rng() % 200);
    const char* agent = kAgents[rng() % 5];
    const char* model = kModels[rng() % 3];
    double dur = std::round(r.median_ms * std::exp(noise(rng)) * 1000) / 1000;
    int status = 200;
    const double x = u(rng);
    if (x < 0.03) status = 500; else if (x < 0.08) status = 400; else if (x < 0.10) status = 404;
    char id[48];
    std::snprintf(id, sizeof id, "req_%016llx", static_cast<unsigned long long>(rng()));
    std::string ts = Ts(t);
    int n = std::snprintf(line, sizeof line,
        "{\"timestamp\":\"%s\",\"level\":\"INFO\",\"message\":\"Incoming request\",\"module\":\"logger\","
        "\"request_id\":\"%s\",\"method\":\"%s\",\"url\":\"http://127.0.0.1:5000%s\",\"path\":\"%s\","
        "\"endpoint\":\"%s\",\"remote_addr\":\"10.0.%d.%d\",\"user_agent\":\"%s\",%s"
        "\"content_length\":%d,\"headers\":{\"Host\":\"127.0.0.1:5000\"%s}%s,\"type\":\"request\"}\n",
        ts.c_str(), id, r.method, r.path, r.path, r.endpoint, client / 50, client, agent,
        post ? "\"content_type\":\"application/json\"," : "", post ? 64 : 0,
        rng() % 5 == 0 ? ",\"Authorization\":\"[REDACTED]\"" : "", post ? ",\"body\":{\"model\":\"stories260K.gguf\",\"prompt\":\"Once upon a time\"}" : "");
    std::fwrite(line, 1, static_cast<size_t>(n), f);
    const int64_t end = t + static_cast<int64_t>(dur * 1000);
    const std::string te = Ts(end);
    if (status == 200) {
      const int tokens = 8 + static_cast<int>(rng() % 300);
      const double gen = std::max(0.001, dur / 1000);
      n = std::snprintf(line, sizeof line,
          "{\"timestamp\":\"%s\",\"level\":\"INFO\",\"message\":\"Text generation completed successfully with model: %s\","
          "\"module\":\"route_handlers\",\"request_id\":\"%s\",\"event_type\":\"text_generation_success\",\"model_name\":\"%s\","
          "\"response_length\":%d,\"generation_time\":%.4f,\"completion_tokens\":%d,"
          "\"tokens_per_second\":%.2f,\"type\":\"custom_event\"}\n",
          te.c_str(), model, id, model, tokens * 4, gen, tokens, tokens / gen);
    } else {
      const char* et = status == 400 ? "InvalidRequestError" : status == 404 ? "ModelNotFoundError" : "GenerationError";
      n = std::snprintf(line, sizeof line,
          "{\"timestamp\":\"%s\",\"level\":\"ERROR\",\"message\":\"Request failed: %s\",\"module\":\"route_handlers\","
          "\"request_id\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"endpoint\":\"%s\","
          "\"error_type\":\"%s\",\"error_message\":\"%s: model %s\",\"status_code\":%d,\"type\":\"error\"}\n",
          te.c_str(), et, id, r.method, r.path, r.endpoint, et, et, model, status);
    }
    std::fwrite(line, 1, static_cast<size_t>(n), f);
    n = std::snprintf(line, sizeof line,
        "{\"timestamp\":\"%s\",\"level\":\"%s\",\"message\":\"Outgoing response\",\"module\":\"logger\",\"request_id\":\"%s\","
        "\"method\":\"%s\",\"path\":\"%s\",\"endpoint\":\"%s\",\"status_code\":%d,"
        "\"duration_ms\":%.3f,\"content_type\":\"application/json\",\"response_size\":%d%s,\"type\":\"response\"}\n",
        te.c_str(), status >= 500 ? "ERROR" : (status >= 400 || dur > 5000) ? "WARNING" : "INFO", id, r.method,
        r.path, r.endpoint, status, dur, 100 + static_cast<int>(rng() % 900), dur > 5000 ? ",\"slow\":true" : "");
    std::fwrite(line, 1, static_cast<size_t>(n), f);
    t += 50000 + static_cast<int64_t>(rng() % 400000);  // ~0.25 s apart: ~83 hours
  }
  std::fclose(f);
  return 0;
}
