#include "engine/chat/reasoning_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace llm::engine {
namespace {

struct Split {
  std::string reasoning, content;
};

// Feeds `reply` in pieces of `step` bytes, then finishes.
Split Feed(std::string_view reply, bool starts_in_reasoning, size_t step, size_t* reasoning_bytes = nullptr) {
  ReasoningStream s(starts_in_reasoning);
  Split out;
  for (size_t i = 0; i < reply.size(); i += step) {
    ReasoningStream::Parts p = s.Push(reply.substr(i, step));
    out.reasoning += p.reasoning;
    out.content += p.content;
  }
  ReasoningStream::Parts p = s.Finish();
  out.reasoning += p.reasoning;
  out.content += p.content;
  if (reasoning_bytes != nullptr) *reasoning_bytes = s.reasoning_bytes();
  return out;
}

TEST(ReasoningStream, AnOpenedThinkBlockIsReasoningWhateverThePieceSizes) {
  const std::string reply = "\n<think>\nFirst, 2+2.\nSo 4.\n</think>\n\nThe answer is 4.";
  for (size_t step : {1, 2, 3, 7, 100}) {
    Split s = Feed(reply, false, step);
    EXPECT_EQ(s.reasoning, "First, 2+2.\nSo 4.") << step;
    EXPECT_EQ(s.content, "The answer is 4.") << step;
  }
}

TEST(ReasoningStream, APromptThatOpenedThinkingMakesTheReplyReasonUntilTheClose) {
  for (size_t step : {1, 4, 50}) {
    size_t bytes = 0;
    Split s = Feed("Hmm.\n</think>\n\nYes.", true, step, &bytes);
    EXPECT_EQ(s.reasoning, "Hmm.") << step;
    EXPECT_EQ(s.content, "Yes.") << step;
    EXPECT_EQ(bytes, 13u) << step;  // "Hmm.\n</think>"
  }
}

TEST(ReasoningStream, AReplyWithoutThinkingIsAllContentAndLosesNothing) {
  for (size_t step : {1, 3}) {
    size_t bytes = 1;
    Split s = Feed("  <thin ice> is not a tag", false, step, &bytes);
    EXPECT_EQ(s.reasoning, "");
    EXPECT_EQ(s.content, "  <thin ice> is not a tag");
    EXPECT_EQ(bytes, 0u);
  }
  EXPECT_EQ(Feed("<", false, 1).content, "<");  // a reply that ends while it could open a tag
}

TEST(ReasoningStream, AReplyCutOffWhileThinkingIsReasoning) {
  size_t bytes = 0;
  Split s = Feed("<think>still going </thi", false, 2, &bytes);
  EXPECT_EQ(s.reasoning, "still going </thi");
  EXPECT_EQ(s.content, "");
  EXPECT_EQ(bytes, 24u);
}

TEST(ReasoningStream, WhitespaceInsideTheReasoningIsKeptAndAroundItDropped) {
  Split s = Feed("<think>  a \n\n b  </think>  c  ", false, 1);
  EXPECT_EQ(s.reasoning, "a \n\n b");
  EXPECT_EQ(s.content, "c  ");
}

}  // namespace
}  // namespace llm::engine
