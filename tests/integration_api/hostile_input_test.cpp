// Hostile input against the real server: JSON nested a million levels deep on every JSON
// route, broken HTTP framing, oversized heads and bodies, requests that never finish arriving,
// and a streaming client that stops reading. Each is refused (or dropped) with the right
// status and records, and the server answers /api/v1/health after every one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

// A connected loopback socket, closed by the destructor.
class RawClient {
 public:
  explicit RawClient(int port, int receive_buffer = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{15, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything until the server closes the connection (or 15 s pass).
  std::string ReadAll() {
    std::string got;
    char buf[65536];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
    return got;
  }
  bool connected() const { return connected_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::atoi(response.c_str() + 9);
}

std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string NestedObjects(size_t levels) {
  std::string s;
  s.reserve(levels * 6 + 2);
  for (size_t i = 0; i < levels; ++i) s += "{\"k\":";
  s += "1";
  s.append(levels, '}');
  return s;
}

void ExpectHealthy(const ApiServer& server, const std::string& after) {
  auto health = server.Client()->Get("/api/v1/health");
  ASSERT_TRUE(health) << "server gone after " << after;
  EXPECT_EQ(health->status, 200) << "after " << after;
}

struct DeepCase {
  std::string name, path, body;
};

std::vector<DeepCase> DeepBodies() {
  const std::string arrays = std::string(1000000, '[') + std::string(1000000, ']');
  const std::string objects = NestedObjects(1000000);
  return {
      {"generate, arrays", "/api/v1/generate", R"({"prompt":"a","x":)" + arrays + "}"},
      {"generate, objects", "/api/v1/generate", R"({"prompt":"a","x":)" + objects + "}"},
      {"native chat, in a message", "/api/v1/chat", R"({"messages":[{"role":"user","content":)" + arrays + "}]}"},
      {"openai chat, in a message", "/v1/chat/completions", R"({"messages":[{"role":"user","content":)" + objects + "}]}"},
      {"openai completions, in stop", "/v1/completions", R"({"prompt":"a","stop":)" + arrays + "}"},
      {"openai completions, unterminated", "/v1/completions", R"({"prompt":"a","x":)" + std::string(1000000, '[')},
      {"anthropic messages, in a block", "/v1/messages",
       R"({"max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":)" + arrays + "}]}]}"},
  };
}

TEST(HostileInput, JsonNestedAMillionLevelsDeepIsRefused400OnEveryJsonRoute) {
  auto server = StartApiServer({{"MAX_BODY_BYTES", "16000000"}});
  ASSERT_TRUE(server);
  auto c = server->Client();
  std::vector<std::string> ids;
  for (const DeepCase& d : DeepBodies()) {
    auto r = c->Post(d.path.c_str(), d.body, "application/json");
    ASSERT_TRUE(r) << d.name;
    EXPECT_EQ(r->status, 400) << d.name;
    const json j = json::parse(r->body);
    if (d.path.rfind("/v1/", 0) == 0) {
      EXPECT_EQ(j["error"]["type"], "invalid_request_error") << d.name;
      EXPECT_THAT(j["error"]["message"].get<std::string>(), testing::HasSubstr("128 levels")) << d.name;
    } else {
      EXPECT_EQ(j["error_type"], "InvalidRequestError") << d.name;
      EXPECT_THAT(j["error"].get<std::string>(), testing::HasSubstr("128 levels")) << d.name;
    }
    ids.push_back(r->get_header_value("X-Request-ID"));
    ExpectHealthy(*server, d.name);
  }
  // Nesting within the limit is ordinary input (`metadata` is accepted and ignored).
  auto ok = c->Post("/v1/chat/completions",
                    R"({"messages":[{"role":"user","content":"Once"}],"max_tokens":2,"metadata":)" +
                        std::string(100, '[') + std::string(100, ']') + "}",
                    "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  ASSERT_EQ(server->Stop(), 0);
  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  for (size_t i = 0; i < ids.size(); ++i) {
    std::map<std::string, json> by_type;
    for (const json& r : RecordsOf(records, ids[i])) {
      by_type[r.value("event_type", r["type"].get<std::string>())] = r;
    }
    const std::string name = DeepBodies()[i].name;
    ASSERT_TRUE(by_type.count("request")) << name;
    EXPECT_FALSE(by_type["request"].contains("body")) << name;
    EXPECT_GT(by_type["request"]["body_summary"]["bytes"].get<uint64_t>(), 1000000u) << name;
    EXPECT_EQ(by_type["error"]["status_code"], 400) << name;
    EXPECT_EQ(by_type["security_event"]["reason"], "nesting_too_deep") << name;
    EXPECT_EQ(by_type["response"]["status_code"], 400) << name;
  }
}

struct FramingCase {
  std::string name, raw;
  int status;
  std::string reason;
};

std::vector<FramingCase> FramingCases() {
  const std::string post = "POST /api/v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  const std::string body = R"({"prompt":"a"})";
  const std::string big(2 * 1024 * 1024, 'x');
  char size[32];
  std::snprintf(size, sizeof size, "%zx", big.size());
  return {
      {"negative Content-Length", post + "Content-Length: -5\r\n\r\n" + body, 400, "bad_framing"},
      {"non-numeric Content-Length", post + "Content-Length: 12abc\r\n\r\n" + body, 400, "bad_framing"},
      {"two different Content-Length", post + "Content-Length: 14\r\nContent-Length: 15\r\n\r\n" + body + " ", 400, "bad_framing"},
      {"Content-Length with chunked", post + "Content-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\ne\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_framing"},
      {"chunked with Content-Length", post + "Transfer-Encoding: chunked\r\nContent-Length: 14\r\n\r\ne\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_framing"},
      {"malformed chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n", 400, "bad_framing"},
      {"unknown Transfer-Encoding", post + "Transfer-Encoding: gzip\r\n\r\n" + body, 400, "bad_framing"},
      {"chunked body over the limit", post + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + big + "\r\n0\r\n\r\n", 413, "body_too_large"},
      {"Content-Length over the limit", post + "Content-Length: 5000000000\r\n\r\n", 413, "body_too_large"},
      {"head over the limit", "GET /api/v1/health HTTP/1.1\r\nX-Big: " + std::string(100000, 'h') + "\r\n\r\n", 431, "headers_too_large"},
      {"garbage start line", "\x16\x03\x01\x02\x00 hello\r\n\r\n", 400, "bad_framing"},
  };
}

TEST(HostileInput, BrokenHttpFramingIs400AndOversizeIs413WithSecurityRecords) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  std::vector<std::string> ids;
  for (const FramingCase& f : FramingCases()) {
    RawClient client(server->process->port());
    ASSERT_TRUE(client.connected());
    client.Send(f.raw);  // the server may answer and close before reading it all
    const std::string response = client.ReadAll();
    EXPECT_EQ(StatusOf(response), f.status) << f.name << ": " << response.substr(0, 200);
    EXPECT_THAT(response, testing::HasSubstr("Connection: close")) << f.name;
    const json body = json::parse(BodyOf(response), nullptr, false);
    EXPECT_TRUE(body.is_object()) << f.name;
    size_t at = response.find("X-Request-ID: ");
    ids.push_back(at == std::string::npos ? "" : response.substr(at + 14, response.find("\r\n", at) - at - 14));
    ExpectHealthy(*server, f.name);
  }
  ASSERT_EQ(server->Stop(), 0);
  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  const std::vector<FramingCase> cases = FramingCases();
  for (size_t i = 0; i < ids.size(); ++i) {
    bool security = false, response = false;
    for (const json& r : RecordsOf(records, ids[i])) {
      if (r.value("event_type", "") == "security_event") security = r["reason"] == cases[i].reason;
      if (r["type"] == "response") response = r["status_code"] == cases[i].status;
    }
    EXPECT_TRUE(security) << cases[i].name;
    EXPECT_TRUE(response) << cases[i].name;
  }
}

TEST(HostileInput, ARequestThatNeverFinishesArrivingGets408AtTheReadDeadline) {
  auto server = StartApiServer({{"HTTP_READ_SECONDS", "1"}});
  ASSERT_TRUE(server);
  RawClient client(server->process->port());
  ASSERT_TRUE(client.Send("POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"pro"));
  const auto t0 = std::chrono::steady_clock::now();
  const std::string response = client.ReadAll();
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_LT(waited, 5.0);
  ExpectHealthy(*server, "a slow request");
  EXPECT_EQ(server->Stop(), 0);
}

TEST(HostileInput, AStreamingClientThatStopsReadingIsDroppedAtTheWriteDeadline) {
  // A model small enough to fill the socket buffers within seconds in every build (sanitizers
  // included), with a context long enough to never end the stream by itself first.
  ScratchDir models;
  std::string out;
  ASSERT_EQ(MakeSyntheticModel(models / "fast.gguf",
                               "--type q8_0 --dim 64 --layers 1 --heads 2 --kv-heads 2 --ffn 128 --ctx 65536 --threads 2", &out),
            0) << out;
  auto server = StartApiServer({{"MODELS_DIR", models.path()}, {"HTTP_WRITE_SECONDS", "1"}, {"CONTEXT_SIZE", "65536"}});
  ASSERT_TRUE(server);
  // ~50 bytes an event: far more than the server's socket buffer holds.
  // End of text (id 2 of this vocabulary) is banned: only the stalled client may end the stream.
  const std::string body =
      R"({"model":"fast.gguf","prompt":"Once upon a time","max_tokens":60000,"stream":true,"logit_bias":{"2":-100}})";
  RawClient client(server->process->port(), 2048);  // a small window fills at once
  ASSERT_TRUE(client.Send("POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
  // Never read. The server must give up on its own and keep serving others.
  bool generating = false, dropped = false;
  for (int i = 0; i < 300 && !dropped; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto health = server->Client()->Get("/api/v1/health");
    ASSERT_TRUE(health);
    const bool busy = json::parse(health->body)["generation"]["slots_busy"] != 0;
    generating = generating || busy;
    dropped = generating && !busy;
  }
  EXPECT_TRUE(dropped);
  ASSERT_EQ(server->Stop(), 0);
  bool stalled_record = false, cancelled = false;
  for (const json& r : ReadAllApiRecords(server->log_dir())) {
    if (r["type"] == "response" && r.value("streamed", false)) stalled_record = r.value("client_stalled", false);
    if (r.value("event_type", "") == "generation_cancelled") cancelled = true;
  }
  EXPECT_TRUE(stalled_record);
  EXPECT_TRUE(cancelled);
}

}  // namespace
}  // namespace llm::test
