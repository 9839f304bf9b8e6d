// One Tokenizer is shared by every request thread: concurrent Encode / Decode give the same
// results as a single thread.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine_tokenizer/shared_data.h"

namespace llm::engine {
namespace {

TEST(TokenizerConcurrency, ThreadsSharingOneTokenizerGetIdenticalResults) {
  auto tok = testing::LoadSharedTokenizer("testdata/vocab/ggml-vocab-llama3.gguf");
  ASSERT_NE(tok, nullptr);
  std::string text;
  for (int i = 0; i < 50; ++i) text += "Hello, world! 12345 <|eot_id|> \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\xA6\x99\n";
  const std::vector<int32_t> expected = tok->Encode(text, true, true);
  const std::string expected_text = tok->Decode(expected, true);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const auto ids = tok->Encode(text, true, true);
        if (ids != expected || tok->Decode(ids, true) != expected_text) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace llm::engine
