// libFuzzer target of the whole request path: each input is the byte stream a client sends on
// one connection (one or more HTTP/1.1 requests: method, target, headers, body). It goes through
// the server's own HTTP layer (Beast parser, limits, refusals), the middleware (ids, records,
// filters, API keys, nesting bound), the route table, every route's JSON parsing and
// validation, generation on stories260K, and the logging system (a real log directory with
// rotation at a small size). The server is built once, as `llm-api serve` wires it.
//
// The input is written into one end of a socket pair and that end's writing half is shut, so
// the connection ends when the input does; a thread drains the responses.
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/env.h"
#include "logging/logger.h"
#include "server/api_service.h"
#include "server/builtin_routes.h"
#include "server/http_connection.h"
#include "server/server.h"

namespace {

using namespace llm;

// Everything the serve command builds, kept for the life of the fuzzing process.
struct Harness {
  std::unique_ptr<logging::Logger> logger;
  std::unique_ptr<server::ApiService> api;
  std::unique_ptr<server::Server> server;
  int stop_fd = -1;  // never readable: connections end with their input
};

std::string SharedModelsDir() {
  const char* shared = std::getenv("LLM_SHARED_DIR");
  return std::string(shared ? shared : LLM_SOURCE_DIR "/../shared") + "/models";
}

std::map<std::string, std::string> FuzzEnvironment(const std::string& log_dir) {
  return {{"MODELS_DIR", SharedModelsDir()},
          {"DEFAULT_MODEL", "stories260K.gguf"},
          {"LLM_API_KEY", "fuzz-key"},
          {"CONTEXT_SIZE", "64"},
          {"PARALLEL", "2"},
          {"MAX_GENERATION_SECONDS", "2"},
          {"MAX_BODY_BYTES", "4096"},
          {"MAX_HEADER_BYTES", "2048"},
          {"HTTP_READ_SECONDS", "2"},
          {"HTTP_WRITE_SECONDS", "2"},
          {"HTTP_KEEP_ALIVE_SECONDS", "1"},
          {"LOG_DIR", log_dir},
          {"LOG_MAX_BYTES", "200000"},
          {"LOG_BACKUP_COUNT", "2"},
          {"LOG_LEVEL", "DEBUG"},
          {"DEBUG", "True"}};
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "request_path_fuzzer: %s: %s\n", what, r.status().message().c_str());
    std::abort();
  }
  return std::move(*r);
}

Harness& TheHarness() {
  static Harness* harness = [] {
    auto* h = new Harness;  // lives until the process exits, like the server it stands for
    std::string log_dir = (std::filesystem::temp_directory_path() /
                           ("llm-api-request-fuzz-" + std::to_string(::getpid())))
                              .string();
    std::filesystem::create_directories(log_dir);
    EnvLookup env = MapEnv(FuzzEnvironment(log_dir));
    server::ServerSettings settings = Must(server::ServerSettingsFromEnv(env), "server settings");
    server::ApiSettings api_settings = Must(server::ParseApiSettings(env, {}), "api settings");
    logging::LogSettings log_settings = Must(logging::LogSettingsFromEnv(env), "log settings");
    h->logger = Must(logging::Logger::Open(log_settings), "logger");
    h->api = std::make_unique<server::ApiService>(api_settings, settings.models_dir, *h->logger);
    h->server = std::make_unique<server::Server>(settings, *h->logger);
    server::AddBuiltinRoutes(*h->server);
    h->api->Attach(*h->server);
    int never[2];
    if (::pipe(never) != 0) std::abort();
    h->stop_fd = never[0];
    return h;
  }();
  return *harness;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = TheHarness();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return 0;
  llm::server::http::Fd client(pair[0]);
  std::thread drain([fd = pair[0]] {
    char sink[16384];
    while (::read(fd, sink, sizeof sink) > 0) {
    }
  });
  // The kernel buffers far more than max_len, so this write never waits for the server.
  size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::write(pair[0], data + sent, size - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  ::shutdown(pair[0], SHUT_WR);
  {
    llm::server::HttpConnection connection(*h.server, llm::server::http::Fd(pair[1]), h.stop_fd);
    connection.Serve();
  }  // closes the server's end: the drain thread sees end of file
  drain.join();
  return 0;
}
