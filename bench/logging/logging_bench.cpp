// Our logger building the specification's response record from fields, against spdlog's async
// logger with its own rotating file sink writing the same line ready-made. Both: async, bounded
// queue of 8192 with the block policy, one writer thread, 10 MiB files x 5 backups, in one run.
//   build/bin/logging_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/rotating_file_sink.h>

#include <filesystem>
#include <memory>
#include <string>

#include "logging/http_records.h"
#include "logging/logger.h"
#include "logging/record.h"

namespace {

constexpr size_t kQueue = 8192;
constexpr uint64_t kMaxBytes = 10485760;
constexpr uint64_t kBackups = 5;

std::string BenchDir(const char* name) {
  std::string dir = std::filesystem::temp_directory_path() / ("llm-log-bench-" + std::string(name));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

llm::logging::RequestContext Ctx() {
  llm::logging::RequestContext c;
  c.request_id = "req_1719405000123456_42";
  c.method = "POST";
  c.url = "http://localhost:5000/api/v1/generate";
  c.path = "/api/v1/generate";
  c.endpoint = "generate_response";
  c.remote_addr = "127.0.0.1";
  return c;
}

// The specification's "Response Time Log" record, built from fields (no body) into `buffer`.
std::string_view BuildResponseLine(std::string& buffer, const llm::logging::RequestContext& ctx,
                                   double duration_ms) {
  llm::logging::RecordBuilder r(buffer, llm::logging::Level::kInfo, "Outgoing response", "logger");
  auto& w = r.fields();
  w.Field("request_id", ctx.request_id);
  w.Field("method", ctx.method);
  w.Field("url", ctx.url);
  w.Field("endpoint", ctx.endpoint);
  w.Field("status_code", 200);
  w.Field("content_type", "application/json");
  w.Field("duration_ms", duration_ms, 3);
  return r.FinishInPlace("response");
}

std::unique_ptr<llm::logging::Logger> g_ours;
std::shared_ptr<spdlog::details::thread_pool> g_pool;
std::shared_ptr<spdlog::async_logger> g_spdlog;
std::string g_ready_line;

void OursSetup(const benchmark::State&) {
  llm::logging::LogSettings s;
  s.dir = BenchDir("ours");
  s.max_bytes = kMaxBytes;
  s.backup_count = kBackups;
  s.queue_records = kQueue;
  g_ours = std::move(llm::logging::Logger::Open(s).value());
}
void OursTeardown(const benchmark::State&) { g_ours.reset(); }

void SpdlogSetup(const benchmark::State&) {
  std::string dir = BenchDir("spdlog");
  g_pool = std::make_shared<spdlog::details::thread_pool>(kQueue, 1);
  auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(dir + "/api.log", kMaxBytes,
                                                                      kBackups);
  g_spdlog = std::make_shared<spdlog::async_logger>("bench", sink, g_pool,
                                                    spdlog::async_overflow_policy::block);
  g_spdlog->set_pattern("%v");
  std::string buffer;
  g_ready_line = std::string(BuildResponseLine(buffer, Ctx(), 2340.125));
}
void SpdlogTeardown(const benchmark::State&) {
  g_spdlog.reset();
  g_pool.reset();
}

// Ours: timestamp, escaping and every field built per record, then queued.
void BM_OurLoggerBuildsJsonFromFields(benchmark::State& state) {
  llm::logging::RequestContext ctx = Ctx();
  std::string buffer;  // like the server's per-request record buffer
  double d = 0.001;
  for (auto _ : state) {
    g_ours->Write(llm::logging::Level::kInfo, BuildResponseLine(buffer, ctx, d += 0.001));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurLoggerBuildsJsonFromFields)->Setup(OursSetup)->Teardown(OursTeardown)
    ->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);

// Reference: spdlog async + rotating_file_sink_mt writing a ready-made line ("%v" pattern).
void BM_SpdlogAsyncRotatingReadyString(benchmark::State& state) {
  for (auto _ : state) g_spdlog->info(spdlog::string_view_t(g_ready_line));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpdlogAsyncRotatingReadyString)->Setup(SpdlogSetup)->Teardown(SpdlogTeardown)
    ->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);

// The record building alone (no queue, no file).
void BM_BuildResponseRecordOnly(benchmark::State& state) {
  llm::logging::RequestContext ctx = Ctx();
  std::string buffer;
  for (auto _ : state) benchmark::DoNotOptimize(BuildResponseLine(buffer, ctx, 12.5));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildResponseRecordOnly);

}  // namespace

BENCHMARK_MAIN();
