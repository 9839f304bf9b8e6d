// The middleware without sockets: Server::Handle on contexts built like the adapter builds them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "logging/test_dir.h"
#include "server/json_errors.h"
#include "server/route_table.h"
#include "common/sanitizer.h"
#include "server/server.h"

// Outside the anonymous namespace so that its name is exported (-rdynamic) and symbolised.
[[gnu::noinline]] void ThrowFromDeepInside() { throw std::runtime_error("boom at depth"); }

namespace llm::server {
namespace {

using logging::test_util::ReadJsonLines;
using logging::test_util::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<logging::Logger> logger;
  std::unique_ptr<Server> server;

  explicit Fixture(bool api_calls = true) {
    logging::LogSettings s;
    s.dir = dir.path();
    s.api_calls = api_calls;
    logger = std::move(logging::Logger::Open(s).value());
    server = std::make_unique<Server>(ServerSettings{}, *logger);
  }
  Response Call(std::string method, std::string path, std::string body = "",
                logging::HeaderList headers = {}) {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.remote_addr = "127.0.0.1";
    return server->Handle(server->NewContext(std::move(r)));
  }
  // Flushes everything by closing the logger, then returns the parsed api.log records.
  std::vector<nlohmann::json> Records() {
    server.reset();
    logger.reset();
    return ReadJsonLines(dir.file("api.log"));
  }
};

TEST(ServerMiddleware, ExceptionBecomes500WithRequestIdAndSymbolizedTrace) {
  Fixture f;
  f.server->routes().Add({"GET", "/explode", "explode", [](RequestContext&) -> Response {
                            ::ThrowFromDeepInside();
                            return {};
                          }});
  Response r = f.Call("GET", "/explode");
  EXPECT_EQ(r.status, 500);
  nlohmann::json body = nlohmann::json::parse(r.body);
  std::string id = body["request_id"];
  EXPECT_EQ(id.rfind("req_", 0), 0u);
  bool found = false;
  for (const auto& rec : f.Records()) {
    if (rec["type"] != "exception") continue;
    found = true;
    EXPECT_EQ(rec["level"], "ERROR");
    EXPECT_EQ(rec["request_id"], id);
    EXPECT_EQ(rec["exception_type"], "std::runtime_error");
    EXPECT_EQ(rec["exception_message"], "boom at depth");
    std::string trace = rec["stack_trace"];
    EXPECT_NE(trace.find("#0 "), std::string::npos) << trace;
#if !LLM_UNDER_ASAN
    // The throw site itself (sanitizer builds record the catch site instead).
    EXPECT_NE(trace.find("ThrowFromDeepInside"), std::string::npos) << trace;
#endif
    EXPECT_NE(trace.find("llm::server::Server::Handle"), std::string::npos) << trace;
  }
  EXPECT_TRUE(found);
}

TEST(ServerMiddleware, InvalidJsonOnAJsonRouteIs400WithErrorRecord) {
  Fixture f;
  bool called = false;
  f.server->routes().Add({"POST", "/echo", "echo",
                          [&](RequestContext& ctx) {
                            called = true;
                            return Response::Json(200, ctx.json());
                          },
                          true});
  Response bad = f.Call("POST", "/echo", "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(called);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error_type"], "InvalidRequestError");
  Response good = f.Call("POST", "/echo", R"({"a":1})");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(nlohmann::json::parse(good.body)["a"], 1);
  int errors = 0;
  for (const auto& rec : f.Records()) {
    if (rec["type"] == "error") {
      ++errors;
      EXPECT_EQ(rec["error_type"], "InvalidRequestError");
      EXPECT_EQ(rec["status_code"], 400);
      EXPECT_EQ(rec["endpoint"], "echo");
    }
  }
  EXPECT_EQ(errors, 1);
}

TEST(ServerMiddleware, UnknownRouteIs404WithoutErrorRecordWrongMethodIs405WithOne) {
  Fixture f;
  f.server->routes().Add({"GET", "/a", "a", [](RequestContext&) { return Response::Json(200, {}); }});
  Response missing = f.Call("GET", "/nowhere");
  EXPECT_EQ(missing.status, 404);
  Response wrong = f.Call("DELETE", "/a");
  EXPECT_EQ(wrong.status, 405);
  ASSERT_EQ(wrong.headers.size(), 1u);
  EXPECT_EQ(wrong.headers[0].first, "Allow");
  EXPECT_EQ(wrong.headers[0].second, "GET");
  std::vector<std::string> error_types;
  for (const auto& rec : f.Records()) {
    if (rec["type"] == "error") error_types.push_back(rec["error_type"]);
  }
  EXPECT_EQ(error_types, std::vector<std::string>{"MethodNotAllowedError"});
}

TEST(ServerMiddleware, AdoptsValidRequestIdAndReadsTraceparent) {
  Fixture f;
  f.server->routes().Add({"GET", "/a", "a", [](RequestContext& ctx) {
                            return Response::Json(200, {{"id", ctx.request_id()}});
                          }});
  Response adopted = f.Call("GET", "/a", "",
                            {{"X-Request-ID", "client-42"},
                             {"traceparent",
                              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  EXPECT_EQ(nlohmann::json::parse(adopted.body)["id"], "client-42");
  Response replaced = f.Call("GET", "/a", "", {{"X-Request-ID", "bad id\n{}"}});
  std::string id = nlohmann::json::parse(replaced.body)["id"];
  EXPECT_EQ(id.rfind("req_", 0), 0u);
  bool traced = false;
  for (const auto& rec : f.Records()) {
    if (rec.value("request_id", "") == "client-42") {
      EXPECT_EQ(rec["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_EQ(rec["span_id"], "00f067aa0ba902b7");
      traced = true;
    }
  }
  EXPECT_TRUE(traced);
}

TEST(ServerMiddleware, ApiCallsOffKeepsErrorsAndEventsOnly) {
  Fixture f(/*api_calls=*/false);
  f.server->routes().Add({"POST", "/j", "j", [](RequestContext& ctx) {
                            ctx.LogEvent("thing_done", logging::Level::kInfo, "done", {{"n", 1}});
                            return Response::Json(200, {});
                          },
                          true});
  f.Call("POST", "/j", "{}");
  f.Call("POST", "/j", "nope");
  std::vector<std::string> types;
  for (const auto& rec : f.Records()) types.push_back(rec["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"custom_event", "error"}));
}

TEST(ServerMiddleware, HealthContributorsExtendThePayload) {
  Fixture f;
  f.server->AddHealthContributor([](nlohmann::json& h) { h["scheduler"] = {{"slots_busy", 0}}; });
  nlohmann::json h = f.server->HealthPayload();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_TRUE(h["logging"].contains("records_dropped"));
  EXPECT_EQ(h["scheduler"]["slots_busy"], 0);
}

TEST(RouteTable, MatchesPlaceholdersAndReplacesSameRoute) {
  RouteTable t;
  t.Add({"GET", "/v1/models/{model}", "get_model", nullptr});
  t.Add({"GET", "/v1/models", "list_models", nullptr});
  t.Add({"GET", "/v1/models", "list_models_v2", nullptr});
  RouteMatch m = t.Find("GET", "/v1/models/stories.gguf");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["model"], "stories.gguf");
  EXPECT_EQ(t.Find("HEAD", "/v1/models").route->endpoint, "list_models_v2");
  EXPECT_EQ(t.Find("GET", "/v1/models/").route, nullptr);
  EXPECT_EQ(t.Find("GET", "/v1/models/a/b").route, nullptr);
  EXPECT_EQ(t.routes().size(), 2u);
}

}  // namespace
}  // namespace llm::server
