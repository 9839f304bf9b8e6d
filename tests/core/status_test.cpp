#include "core/status.h"

#include <gtest/gtest.h>

namespace llm {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("not positive");
  return v;
}

Result<int> Doubled(int v) {
  LLM_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return 2 * x;
}

TEST(Status, DefaultIsOk) {
  EXPECT_TRUE(Status().ok());
  EXPECT_EQ(Status().ToString(), "OK");
}

TEST(Status, ToStringNamesTheCode) {
  EXPECT_EQ(Status::NotFound("model x").ToString(), "NotFound: model x");
}

TEST(Result, PropagatesFailureThroughAssignOrReturn) {
  EXPECT_EQ(Doubled(4).value(), 8);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace llm
