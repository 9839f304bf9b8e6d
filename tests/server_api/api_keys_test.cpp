// The API_KEYS_FILE parser, the constant-time key ring, the key store's reload swap, and the
// settings that combine LLM_API_KEY with the file.
#include "server/api_keys.h"

#include <atomic>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "server/api_settings.h"
#include "server/hostile_input.h"

namespace llm::server {
namespace {

std::vector<std::string> Names(const std::vector<NamedKey>& keys) {
  std::vector<std::string> out;
  for (const NamedKey& k : keys) out.push_back(k.name);
  return out;
}

TEST(ParseApiKeys, ReadsNameColonKeyLinesSkippingBlanksAndComments) {
  auto keys = ParseApiKeys("# clients\n\nalice: sk-alice-1\r\n  bob:sk-bob:with-colon  \n");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "alice");
  EXPECT_EQ((*keys)[0].key, "sk-alice-1");
  EXPECT_EQ((*keys)[1].name, "bob");
  EXPECT_EQ((*keys)[1].key, "sk-bob:with-colon");  // the key is everything after the first ':'
}

TEST(ParseApiKeys, ReadsTheThreeJsonShapes) {
  auto object = ParseApiKeys(R"({"alice": "sk-a", "bob": "sk-b"})");
  auto array = ParseApiKeys(R"([{"name": "alice", "key": "sk-a"}, {"name": "bob", "key": "sk-b"}])");
  auto wrapped = ParseApiKeys(R"( {"keys": [{"name": "alice", "key": "sk-a"}, {"name": "bob", "key": "sk-b"}]})");
  for (const auto* r : {&object, &array, &wrapped}) {
    ASSERT_TRUE(r->ok()) << r->status().ToString();
    EXPECT_EQ(Names(**r), (std::vector<std::string>{"alice", "bob"}));
  }
  EXPECT_EQ((*array)[1].key, "sk-b");
}

TEST(ParseApiKeys, RefusesBadNamesBadKeysAndDuplicatesWithoutQuotingTheKey) {
  const char* bad[] = {"alice sk-a\n",                         // no colon
                       "al ice:sk-a\n",                        // space in the name
                       ":sk-a\n",                              // empty name
                       "alice:\n",                             // empty key
                       "alice:sk a\n",                         // space in the key
                       "alice:sk-secret-1\nalice:sk-secret-2\n",  // duplicate name
                       "alice:sk-secret-1\nbob:sk-secret-1\n",    // duplicate key
                       R"({"alice": 5})",
                       R"([{"name": "alice"}])",
                       R"("sk-secret-1")",
                       "{not json"};
  for (const char* text : bad) {
    auto keys = ParseApiKeys(text);
    ASSERT_FALSE(keys.ok()) << text;
    EXPECT_EQ(keys.status().message().find("sk-secret"), std::string::npos) << keys.status().message();
  }
  auto dup = ParseApiKeys("alice:sk-1\nalice:sk-2\n");
  EXPECT_NE(dup.status().message().find("duplicate key name 'alice'"), std::string::npos) << dup.status().message();
  auto long_name = ParseApiKeys(std::string(65, 'a') + ":sk-1\n");
  EXPECT_FALSE(long_name.ok());
  EXPECT_TRUE(ParseApiKeys(std::string(64, 'a') + ":sk-1\n").ok());
}

TEST(IsValidKeyName, AcceptsOnlyTheDocumentedAlphabet) {
  EXPECT_TRUE(IsValidKeyName("ci-bot_2.prod"));
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a/b"));
  EXPECT_FALSE(IsValidKeyName("a\nb"));
  EXPECT_FALSE(IsValidKeyName("é"));
}

TEST(ApiKeyRing, MatchNamesTheEqualKeyOnly) {
  ApiKeyRing ring({{"alice", "sk-alice-123"}, {"bob", "sk-bob-456"}, {"carol", "sk-c"}});
  EXPECT_EQ(ring.Match("sk-alice-123"), "alice");
  EXPECT_EQ(ring.Match("sk-bob-456"), "bob");
  EXPECT_EQ(ring.Match("sk-c"), "carol");
  EXPECT_EQ(ring.Match("sk-alice-12"), std::nullopt);   // a prefix
  EXPECT_EQ(ring.Match("sk-alice-1234"), std::nullopt); // longer
  EXPECT_EQ(ring.Match("sk-alice-124"), std::nullopt);  // last byte differs
  EXPECT_EQ(ring.Match(""), std::nullopt);
  EXPECT_EQ(ApiKeyRing({}).Match(""), std::nullopt);    // no key configured never matches
}

TEST(ApiKeyStore, ReplaceSwapsTheRingWhileHoldersKeepTheOldOne) {
  ApiKeyStore store(std::vector<NamedKey>{{"alice", "sk-a"}});
  std::shared_ptr<const ApiKeyRing> before = store.Current();
  store.Replace({{"bob", "sk-b"}});
  EXPECT_EQ(before->Match("sk-a"), "alice");
  EXPECT_EQ(store.Current()->Match("sk-a"), std::nullopt);
  EXPECT_EQ(store.Current()->Match("sk-b"), "bob");
}

TEST(ApiKeyStore, ConcurrentReadsDuringReplacesAlwaysSeeAWholeRing) {
  ApiKeyStore store(std::vector<NamedKey>{{"alice", "sk-a"}});
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop) {
      auto ring = store.Current();
      if (ring->size() != 1 || (ring->Match("sk-a") != "alice" && ring->Match("sk-b") != "bob")) ++torn;
    }
  });
  for (int i = 0; i < 2000; ++i) store.Replace(i % 2 ? std::vector<NamedKey>{{"alice", "sk-a"}} : std::vector<NamedKey>{{"bob", "sk-b"}});
  stop = true;
  reader.join();
  EXPECT_EQ(torn, 0);
}

TEST(PresentedToken, PrefersBearerThenXApiKey) {
  EXPECT_EQ(PresentedToken("Bearer sk-1", "sk-2"), "sk-1");
  EXPECT_EQ(PresentedToken("", "sk-2"), "sk-2");
  EXPECT_EQ(PresentedToken("Basic abc", ""), "");  // presented, but not a bearer token
  EXPECT_EQ(PresentedToken("", ""), std::nullopt);
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

TEST(ParseApiSettings, CombinesLlmApiKeyAsDefaultWithTheKeysFile) {
  const std::string file = WriteTemp("keys_ok.txt", "alice:sk-alice\nbob:sk-bob\n");
  auto s = ParseApiSettings(MapEnv({{"LLM_API_KEY", "sk-main"}, {"API_KEYS_FILE", file}}), {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Names(s->keys), (std::vector<std::string>{"default", "alice", "bob"}));
  ApiFlags flags;
  flags.api_keys_file = file;
  auto from_flag = ParseApiSettings(MapEnv({}), flags);
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(Names(from_flag->keys), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(s->Redacted().dump().find("sk-"), std::string::npos);
  EXPECT_EQ(s->Redacted()["api_key_names"], nlohmann::json({"default", "alice", "bob"}));
}

TEST(ParseApiSettings, KeysFileClashingWithLlmApiKeyOrMissingIsAStartupError) {
  const std::string named_default = WriteTemp("keys_default.txt", "default:sk-other\n");
  const std::string same_key = WriteTemp("keys_same.txt", "alice:sk-main\n");
  const std::string empty = WriteTemp("keys_empty.txt", "# nobody yet\n");
  for (const std::string& f : {named_default, same_key, empty, std::string("/nonexistent/keys")}) {
    auto s = ParseApiSettings(MapEnv({{"LLM_API_KEY", "sk-main"}, {"API_KEYS_FILE", f}}), {});
    ASSERT_FALSE(s.ok()) << f;
    EXPECT_NE(s.status().message().find("API_KEYS_FILE " + f), std::string::npos) << s.status().message();
    EXPECT_EQ(s.status().message().find("sk-main"), std::string::npos) << s.status().message();
  }
}

TEST(SuspiciousNameReason, FlagsTraversalAndInjectionShapes) {
  EXPECT_EQ(SuspiciousNameReason("stories260K.gguf"), std::nullopt);
  EXPECT_EQ(SuspiciousNameReason("../../etc/passwd"), "path_traversal");
  EXPECT_EQ(SuspiciousNameReason("%2E%2e%2fsecret"), "path_traversal");
  EXPECT_EQ(SuspiciousNameReason("sub/model"), "path_traversal");
  EXPECT_EQ(SuspiciousNameReason("model\r\nX-Injected: 1"), "injection");
  EXPECT_EQ(SuspiciousNameReason(std::string("model\0.gguf", 11)), "injection");
}

TEST(SuspiciousPathReason, FlagsEncodedAndDecodedShapesButNotSlashes) {
  EXPECT_EQ(SuspiciousPathReason("/api/v1/models"), std::nullopt);
  EXPECT_EQ(SuspiciousPathReason("/v1/models/../../etc/passwd"), "path_traversal");
  EXPECT_EQ(SuspiciousPathReason("/static/%2e%2e/x"), "path_traversal");
  EXPECT_EQ(SuspiciousPathReason("/x%0d%0aSet-Cookie:a"), "injection");
  EXPECT_EQ(SuspiciousPathReason("/x%00.gguf"), "injection");
}

}  // namespace
}  // namespace llm::server
