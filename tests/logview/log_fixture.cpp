#include "logview/log_fixture.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

namespace llm::logview::testing {
namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

namespace {

struct Route {
  const char* endpoint;  // nullptr: an unknown route
  const char* method;
  const char* path;
  double median_ms;
  double weight;
};

constexpr Route kRoutes[] = {
    {"health_check", "GET", "/api/v1/health", 0.4, 30},
    {"list_models", "GET", "/api/v1/models", 3.0, 10},
    {"generate_response", "POST", "/api/v1/generate", 2200, 25},
    {"chat_completions", "POST", "/v1/chat/completions", 1800, 25},
    {"metrics", "GET", "/metrics", 1.2, 5},
    {nullptr, "GET", "/nope", 0.2, 5},
};
constexpr const char* kModels[] = {"Llama-3.2-3B-Instruct-Q4_0.gguf", "stories260K.gguf", "mistral-7b.gguf"};
constexpr const char* kAgents[] = {"curl/7.88.1", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64)",
                                   "openai-python/1.30.1", "Go-http-client/1.1"};
constexpr const char* kClients[] = {"127.0.0.1", "10.0.0.5", "10.0.0.7", "192.168.1.20", "::1"};

struct Line {
  int64_t t;
  int seq;
  std::string text;
  bool to_errors;
};

class Generator {
 public:
  explicit Generator(const FixtureOptions& o) : o_(o), rng_(o.seed) {}

  std::vector<Line> Run() {
    Event(o_.start_us - 1000, "INFO", "Server started", "server_started", {{"version", "0.1.0"}});
    std::lognormal_distribution<double> jitter(0.0, 0.8);
    int64_t t = o_.start_us;
    for (int i = 0; i < o_.requests; ++i) {
      Request(i, t);
      t += static_cast<int64_t>(static_cast<double>(o_.spacing_us) * std::min(jitter(rng_), 8.0) / 1.4) + 1;
    }
    std::stable_sort(lines_.begin(), lines_.end(), [](const Line& a, const Line& b) {
      return a.t != b.t ? a.t < b.t : a.seq < b.seq;
    });
    return std::move(lines_);
  }

 private:
  std::string Ts(int64_t t) {
    static constexpr int kOffsets[] = {0, 120, -300, 330, 60};
    int off = kOffsets[std::uniform_int_distribution<int>(0, 4)(rng_)];
    return FormatFixtureTime(t, o_.style, off);
  }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  void Emit(int64_t t, const OJson& rec, bool to_errors) {
    lines_.push_back({t, seq_++, rec.dump(), to_errors});
  }

  OJson Base(int64_t t, const char* level, const std::string& message, const char* module) {
    return OJson{{"timestamp", Ts(t)}, {"level", level}, {"message", message}, {"module", module}};
  }

  void Event(int64_t t, const char* level, const std::string& msg, const char* event_type, OJson extra) {
    OJson r = Base(t, level, msg, "server");
    r["event_type"] = event_type;
    for (auto& [k, v] : extra.items()) r[k] = v;
    r["type"] = "custom_event";
    Emit(t, r, false);
  }

  const Route& PickRoute() {
    double total = 0;
    for (const Route& r : kRoutes) total += r.weight;
    double x = Uniform() * total;
    for (const Route& r : kRoutes) {
      if ((x -= r.weight) < 0) return r;
    }
    return kRoutes[0];
  }

  void Context(OJson& r, const std::string& id, const Route& route) {
    r["request_id"] = id;
    r["method"] = route.method;
    r["url"] = std::string("http://localhost:5000") + route.path;
    r["path"] = route.path;
    r["endpoint"] = route.endpoint ? OJson(route.endpoint) : OJson(nullptr);
  }

  void Request(int i, int64_t t) {
    const Route& route = PickRoute();
    const std::string id = "req_" + std::to_string(t) + "_" + std::to_string(i);
    const bool in_spike = o_.spike_hour >= 0 && (t - o_.start_us) / 3600000000LL == o_.spike_hour;
    int status = route.endpoint ? 200 : 404;
    const double u = Uniform();
    if (route.endpoint && route.method[0] == 'P') {
      if (u < (in_spike ? 0.6 : 0.04)) status = 500;
      else if (u < (in_spike ? 0.8 : 0.10)) status = 400;
      else if (u < (in_spike ? 0.9 : 0.13)) status = 404;
    }
    double dur = route.median_ms * std::exp(std::normal_distribution<double>(0, 0.9)(rng_));
    if (o_.max_duration_ms > 0) dur = std::min(dur, o_.max_duration_ms - 1);
    dur = std::round(dur * 1000) / 1000;  // microsecond precision, as the server writes
    const std::string model = kModels[std::uniform_int_distribution<int>(0, 2)(rng_)];

    OJson req = Base(t, "INFO", "Incoming request", "logger");
    Context(req, id, route);
    req["remote_addr"] = kClients[std::uniform_int_distribution<int>(0, 4)(rng_)];
    req["user_agent"] = kAgents[std::uniform_int_distribution<int>(0, 4)(rng_)];
    req["content_type"] = route.method[0] == 'P' ? "application/json" : "";
    req["headers"] = {{"Host", "localhost:5000"}, {"Authorization", "[REDACTED]"}};
    if (route.method[0] == 'P') req["body"] = {{"model", model}, {"prompt", "Tell me a \"story\"\n"}};
    req["type"] = "request";
    Emit(t, req, false);

    const int64_t end = t + static_cast<int64_t>(dur * 1000);
    if (status == 200 && route.method[0] == 'P') {
      const int64_t tokens = std::uniform_int_distribution<int64_t>(5, 400)(rng_);
      const double gen_s = std::max(0.001, dur / 1000 - 0.01);
      Event(end - 200, "INFO", "Text generation completed successfully with model: " + model,
            "text_generation_success",
            {{"request_id", id}, {"model_name", model}, {"response_length", tokens * 4},
             {"generation_time", std::round(gen_s * 1e4) / 1e4}, {"prompt_tokens", 12},
             {"completion_tokens", tokens}, {"tokens_per_second", std::round(tokens / gen_s * 100) / 100}});
    }
    if (status >= 400 && route.endpoint) {
      const bool exception = status == 500 && Uniform() < 0.3;
      OJson err = Base(end - 100, "ERROR", "", "route_handlers");
      Context(err, id, route);
      if (exception) {
        err["message"] = "Unhandled exception: std::runtime_error: kv cache exhausted";
        err["exception_type"] = "std::runtime_error";
        err["stack_trace"] = "#0 llm::server::Handle\n#1 main";
        err["status_code"] = 500;
        err["type"] = "exception";
      } else {
        const char* et = status == 400 ? "InvalidRequestError" : status == 404 ? "ModelNotFoundError" : "GenerationError";
        err["message"] = std::string("Request failed: ") + et;
        err["model_name"] = model;
        err["error_type"] = et;
        err["error_message"] = std::string(et) + " for model " + model + " at " + std::to_string(i);
        err["status_code"] = status;
        err["type"] = "error";
      }
      Emit(end - 100, err, true);
    }
    const bool slow = dur > 5000;
    const char* level = status >= 500 ? "ERROR" : (status >= 400 || slow) ? "WARNING" : "INFO";
    OJson resp = Base(end, level, "Outgoing response", "logger");
    Context(resp, id, route);
    resp["status_code"] = status;
    resp["duration_ms"] = dur;
    resp["content_type"] = "application/json";
    resp["response_size"] = 120;
    if (slow) resp["slow"] = true;
    resp["type"] = "response";
    Emit(end, resp, status >= 500);
  }

  const FixtureOptions& o_;
  std::mt19937 rng_;
  std::vector<Line> lines_;
  int seq_ = 0;
};

std::vector<std::string> BadLines(std::mt19937& rng, int n, int64_t t, TimeStyle style) {
  const std::string ts = FormatFixtureTime(t, style, 0);
  const std::vector<std::string> kinds = {
      "this is not json at all",
      "{\"timestamp\": \"" + ts + "\", \"level\": \"INFO\", \"message\": \"trunc",
      "{\"level\": \"INFO\", \"message\": \"no timestamp\", \"type\": \"request\"}",
      "{\"timestamp\": \"" + ts + "\", \"level\": \"INFO\", \"message\": \"x\", \"status_code\": \"200\", \"type\": \"response\"}",
      "{\"timestamp\": \"yesterday\", \"level\": \"INFO\", \"message\": \"bad time\"}",
      "[1, 2, 3]",
  };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(kinds[(i + rng() % 3) % kinds.size()]);
  return out;
}

// Writes lines into base, base.1 ... like a size-rotating handler; returns files oldest first.
std::vector<std::string> WriteRotated(const std::string& dir, const std::string& base,
                                      const std::vector<std::string>& lines, size_t max_bytes, int gzip_backups) {
  std::vector<std::string> chunks(1);
  for (const std::string& l : lines) {
    if (max_bytes && !chunks.back().empty() && chunks.back().size() + l.size() + 1 > max_bytes) chunks.emplace_back();
    chunks.back() += l + "\n";
  }
  std::vector<std::string> files;
  const size_t n = chunks.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t number = n - 1 - i;  // chunk 0 is the oldest: the highest backup number
    std::string path = dir + "/" + base;
    if (number) path += '.' + std::to_string(number);
    if (number && static_cast<int>(i) < gzip_backups) {
      path += ".gz";
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, chunks[i].data(), static_cast<unsigned>(chunks[i].size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary) << chunks[i];
    }
    files.push_back(path);
  }
  return files;
}

}  // namespace

std::string FormatFixtureTime(int64_t utc_us, TimeStyle style, int offset_minutes) {
  const int64_t s = utc_us / 1000000, us = utc_us % 1000000;
  std::tm tm{};
  std::time_t tt = static_cast<std::time_t>(s);
  if (style == TimeStyle::kPythonLocal) {
    localtime_r(&tt, &tm);
  } else {
    if (style == TimeStyle::kUtcZ) offset_minutes = 0;
    tt += offset_minutes * 60;
    gmtime_r(&tt, &tm);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us));
  std::string out = buf;
  if (style == TimeStyle::kUtcZ) return out + "Z";
  if (style == TimeStyle::kMixedOffsets) {
    const int a = std::abs(offset_minutes);
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
    out += buf;
  }
  return out;
}

void AppendToFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

FixtureInfo WriteFixture(const FixtureOptions& o) {
  fs::create_directories(o.dir);
  std::vector<Line> lines = Generator(o).Run();
  std::vector<std::string> api, errors;
  for (const Line& l : lines) {
    api.push_back(l.text);
    if (l.to_errors) errors.push_back(l.text);
  }
  std::mt19937 rng(o.seed + 7);
  FixtureInfo info;
  auto inject = [&](std::vector<std::string>& v, int n) {
    auto bad = BadLines(rng, n, o.start_us, o.style);
    for (const std::string& b : bad) {
      size_t pos = v.empty() ? 0 : rng() % v.size();
      v.insert(v.begin() + static_cast<long>(pos), b);
    }
    return n;
  };
  info.bad_api = inject(api, o.bad_lines);
  info.bad_errors = inject(errors, errors.empty() ? 0 : o.bad_lines);
  info.api_files = WriteRotated(o.dir, "api.log", api, o.max_bytes, o.gzip_backups);
  if (!errors.empty()) info.error_files = WriteRotated(o.dir, "errors.log", errors, o.max_bytes, o.gzip_backups);
  return info;
}

}  // namespace llm::logview::testing
