// `llm-api serve [--host 127.0.0.1] [--port 5000] [--models-dir DIR] [--model NAME]
//  [--api-key-file PATH] [--api-keys-file PATH] [--no-mmap]`: the HTTP API server. Flags override
// HOST, PORT, MODELS_DIR, DEFAULT_MODEL, LLM_API_KEY and API_KEYS_FILE; SIGHUP re-reads
// API_KEYS_FILE without dropping connections; the logging settings come from LOG_* and DEBUG, the
// generation settings from PARALLEL, MAX_QUEUE, MAX_LOADED_MODELS... (docs/api.md).
// Exit status: 0 after a clean stop (SIGINT/SIGTERM), 2 when it cannot start.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "core/env.h"
#include "llm_api/commands.h"
#include "logging/logger.h"
#include "logging/redaction.h"
#include "server/api_service.h"
#include "server/builtin_routes.h"
#include "server/lock_file.h"
#include "server/server.h"
#include "server/stop_signals.h"

namespace llm::app {

namespace {

int StartupFailure(const std::string& reason) {
  std::fprintf(stderr, "llm-api serve: %s\n", reason.c_str());
  return 2;
}

nlohmann::json EffectiveConfiguration(const server::ServerSettings& s,
                                      const logging::LogSettings& l,
                                      const server::ApiSettings& api, const EnvLookup& env) {
  nlohmann::json config = {{"host", s.host},
                           {"port", s.port},
                           {"models_dir", s.models_dir},
                           {"max_body_bytes", s.max_body_bytes},
                           {"http_threads", s.http_threads},
                           {"log_dir", l.dir},
                           {"log_max_bytes", l.max_bytes},
                           {"log_backup_count", l.backup_count},
                           {"log_api_calls", l.api_calls},
                           {"debug", l.debug},
                           {"log_body_max_bytes", l.body_max_bytes},
                           {"log_slow_request_ms", l.slow_request_ms},
                           {"log_queue_size", l.queue_records},
                           {"log_flush", l.flush_always ? "always" : "interval"},
                           {"max_header_bytes", s.max_header_bytes},
                           {"http_keep_alive_seconds", s.keep_alive_seconds},
                           {"http_read_seconds", s.read_seconds},
                           {"http_write_seconds", s.write_seconds}};
  if (auto key = env("LLM_API_KEY"); key && !key->empty()) config["llm_api_key"] = *key;
  logging::RedactJson(config);
  config["api"] = api.Redacted();
  return config;
}

}  // namespace

int RunServe(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the blocked SIGINT/SIGTERM/SIGHUP.
  server::StopSignals signals;
  const EnvLookup env = ProcessEnv();
  Result<server::ServerSettings> settings = server::ServerSettingsFromEnv(env);
  if (!settings.ok()) return StartupFailure(settings.status().message());

  CLI::App cli{"Serve the HTTP API (native and OpenAI-compatible).", "llm-api serve"};
  cli.add_option("--host", settings->host, "address to listen on (env HOST)")->capture_default_str();
  cli.add_option("--port", settings->port, "port to listen on, 0 = any free port (env PORT)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cli.add_option("--models-dir", settings->models_dir, "directory of .gguf models (env MODELS_DIR)")
      ->capture_default_str();
  server::ApiFlags api_flags;
  cli.add_option("--model", api_flags.model, "model used when a request names none (env DEFAULT_MODEL)");
  cli.add_option("--api-key-file", api_flags.api_key_file,
                 "file holding the API key clients must send as Bearer (env LLM_API_KEY)");
  cli.add_option("--api-keys-file", api_flags.api_keys_file,
                 "file of named API keys, one name:key a line or JSON, re-read on SIGHUP (env API_KEYS_FILE)");
  cli.add_flag("--no-mmap", api_flags.no_mmap,
               "read model files into memory (transparent huge pages) instead of mapping them (env USE_MMAP=False)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }

  Result<server::ApiSettings> api_settings = server::ParseApiSettings(env, api_flags);
  if (!api_settings.ok()) return StartupFailure(api_settings.status().message());
  settings->http_threads =
      std::max<uint64_t>(settings->http_threads, server::RequiredHttpThreads(*api_settings));

  Result<logging::LogSettings> log_settings = logging::LogSettingsFromEnv(env);
  if (!log_settings.ok()) return StartupFailure(log_settings.status().message());
  Result<std::unique_ptr<logging::Logger>> logger = logging::Logger::Open(*log_settings);
  if (!logger.ok()) return StartupFailure(logger.status().message());
  Result<std::unique_ptr<server::LockFile>> lock = server::LockFile::Acquire(log_settings->dir);
  if (!lock.ok()) return StartupFailure(lock.status().message());

  server::ApiService api(*api_settings, settings->models_dir, **logger);  // outlives the server
  server::Server server(*settings, **logger);
  server::AddBuiltinRoutes(server);
  api.Attach(server);  // after the builtin routes: extends list_models, guards every route

  if (Status started = server.Start(); !started.ok()) return StartupFailure(started.message());
  const bool unclean = (*lock)->previous_shutdown() == "unclean";
  nlohmann::json started = {{"version", LLM_API_VERSION},
                            {"host", settings->host},
                            {"port", server.port()},
                            {"previous_shutdown", (*lock)->previous_shutdown()},
                            {"configuration", EffectiveConfiguration(*settings, *log_settings, *api_settings, env)}};
  if (unclean) started["previous_pid"] = (*lock)->previous_pid();
  (*logger)->LogEvent("server_started", logging::Level::kInfo,
                      "Server started on " + settings->host + ":" + std::to_string(server.port()) +
                          (unclean ? " (the previous server on this LOG_DIR did not stop cleanly)" : ""),
                      started);
  std::printf("llm-api serve: listening on http://%s:%d (logs in %s)\n", settings->host.c_str(),
              server.port(), log_settings->dir.c_str());
  std::fflush(stdout);

  int sig = signals.Wait();
  for (; sig == SIGHUP; sig = signals.Wait()) api.ReloadApiKeys();
  server.Shutdown();
  logging::LogCounters counters = (*logger)->Counters();
  (*logger)->LogEvent("server_stopped", logging::Level::kInfo,
                      std::string("Server stopped (") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ")",
                      {{"uptime_seconds", server.UptimeSeconds()},
                       {"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"},
                       {"records_written", counters.records_written},
                       {"records_dropped", counters.records_dropped}});
  logger->reset();  // drains the queue and flushes the files
  (*lock)->MarkCleanStop();
  return 0;
}

}  // namespace llm::app
