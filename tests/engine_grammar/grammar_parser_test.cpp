#include <gtest/gtest.h>

#include "engine_grammar/grammar_test_util.h"
#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_matcher.h"

namespace llm::engine {
namespace {


// True when `input` is a complete sentence of `grammar`.
bool Matches(std::string_view grammar, std::string_view input) {
  auto g = testutil::ParseOrFail(grammar);
  if (!g) return false;
  GrammarMatcher m(g);
  return m.AcceptBytes(input) && m.CanEnd();
}

std::string ErrorOf(std::string_view grammar) {
  auto g = ParseGrammar(grammar);
  return g.ok() ? "" : g.status().message();
}

TEST(GrammarParser, LiteralsSequencesAndAlternatives) {
  const char* g = R"(root ::= "yes" | "no" | "maybe" " " "so")";
  EXPECT_TRUE(Matches(g, "yes"));
  EXPECT_TRUE(Matches(g, "maybe so"));
  EXPECT_FALSE(Matches(g, "ye"));
  EXPECT_FALSE(Matches(g, "yesno"));
}

TEST(GrammarParser, RepetitionOperators) {
  EXPECT_TRUE(Matches("root ::= \"a\"*", ""));
  EXPECT_TRUE(Matches("root ::= \"a\"*", "aaaa"));
  EXPECT_FALSE(Matches("root ::= \"a\"+", ""));
  EXPECT_TRUE(Matches("root ::= \"a\"+ \"b\"?", "aab"));
  EXPECT_TRUE(Matches("root ::= [0-9]{2,4}", "123"));
  EXPECT_FALSE(Matches("root ::= [0-9]{2,4}", "1"));
  EXPECT_FALSE(Matches("root ::= [0-9]{2,4}", "12345"));
  EXPECT_TRUE(Matches("root ::= [0-9]{3}", "123"));
  EXPECT_FALSE(Matches("root ::= [0-9]{3}", "12"));
  EXPECT_TRUE(Matches("root ::= [0-9]{2,}", "123456789"));
  EXPECT_TRUE(Matches("root ::= (\"ab\" | \"c\"){2}", "abc"));
}

TEST(GrammarParser, RepetitionOfAMultiCharacterLiteralRepeatsTheWholeLiteral) {
  EXPECT_TRUE(Matches("root ::= \"ab\"*", "abab"));
  EXPECT_FALSE(Matches("root ::= \"ab\"*", "abb"));
}

TEST(GrammarParser, CharacterClassesRangesNegationAndEscapes) {
  EXPECT_TRUE(Matches("root ::= [a-cx]+", "abcx"));
  EXPECT_FALSE(Matches("root ::= [a-cx]+", "d"));
  EXPECT_TRUE(Matches("root ::= [^\"\\\\]+", "hello world"));
  EXPECT_FALSE(Matches("root ::= [^\"\\\\]+", "a\"b"));
  EXPECT_TRUE(Matches("root ::= \"\\x41\\u00e9\\n\\t\"", "A\xC3\xA9\n\t"));
  EXPECT_TRUE(Matches("root ::= [\\]\\-]", "-"));
  EXPECT_TRUE(Matches("root ::= .+", "\xE2\x82\xAC!"));
}

TEST(GrammarParser, CommentsNewlinesAndNestedGroups) {
  const char* g = R"(
# a comment line
root ::= item ("," item)*   # trailing comment
item ::= (
    "x" |
    "y"
  )
)";
  EXPECT_TRUE(Matches(g, "x,y,x"));
}

TEST(GrammarParser, RuleMayContinueOnALineStartingWithBar) {
  EXPECT_TRUE(Matches("root ::= \"a\"\n  | \"b\"\n", "b"));
}

TEST(GrammarParser, ErrorsNameLineAndColumn) {
  EXPECT_EQ(ErrorOf("root ::= \"a\"\nother ::= [a-"), "line 2, column 14: unterminated character class");
  EXPECT_NE(ErrorOf("root ::= missing").find("line 1, column 10: undefined rule 'missing'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("rule ::= \"a\"").find("no 'root'"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= \"a\" )").find("line 1, column 14"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= \"\\q\"").find("unknown escape"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= * \"a\"").find("nothing to repeat"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= \"a\"\nroot ::= \"b\"").find("defined twice"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= [z-a]").find("ends before it starts"), std::string::npos);
}

TEST(GrammarParser, RefusesLeftRecursion) {
  EXPECT_NE(ErrorOf("root ::= root \"a\" | \"a\"").find("left-recursive"), std::string::npos);
  EXPECT_NE(ErrorOf("root ::= x \"a\"\nx ::= \"\" | root").find("left-recursive"), std::string::npos);
  EXPECT_EQ(ErrorOf("root ::= \"a\" root | \"a\""), "");  // right recursion is fine
}

TEST(GrammarParser, RefusesOversizedRepetition) {
  EXPECT_NE(ErrorOf("root ::= \"a\"{0,100000}").find("above"), std::string::npos);
  std::string many = "root ::= \"a\"\n";
  for (int i = 0; i < 120; ++i) many.append("r").append(std::to_string(i)).append(" ::= [a]{10000}\n");
  EXPECT_NE(ErrorOf(many).find("elements"), std::string::npos);
}

TEST(GrammarMatcher, RecursiveRulesMatchNesting) {
  const char* g = "root ::= \"(\" root \")\" | \"x\"";
  EXPECT_TRUE(Matches(g, "(((x)))"));
  EXPECT_FALSE(Matches(g, "((x)"));
}

TEST(GrammarMatcher, AcceptsCodePointsSplitAcrossCalls) {
  auto g = testutil::ParseOrFail("root ::= [\\u00e0-\\u00ff]+");
  GrammarMatcher m(g);
  EXPECT_TRUE(m.AcceptBytes("\xC3"));
  EXPECT_FALSE(m.CanEnd());
  EXPECT_TRUE(m.AcceptBytes("\xA9"));
  EXPECT_TRUE(m.CanEnd());
  EXPECT_FALSE(m.AcceptBytes("\xC2"));  // U+0080..U+00BF: none in the class
  EXPECT_FALSE(m.AcceptBytes("\xFF"));  // never valid UTF-8
}

TEST(GrammarMatcher, RefusesOverlongAndSurrogateEncodings) {
  auto g = testutil::ParseOrFail("root ::= [^x]+");
  GrammarMatcher m(g);
  EXPECT_FALSE(m.AcceptBytes("\xF0\x80\x81\xBB"));  // '{' in four bytes
  EXPECT_FALSE(m.AcceptBytes("\xC1\xBB"));            // '{' in two bytes
  EXPECT_FALSE(m.AcceptBytes("\xED\xA0\x80"));        // a UTF-16 surrogate
  EXPECT_FALSE(m.AcceptBytes("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(m.CanAccept("\xF0\x80"));              // no valid sequence starts so
  EXPECT_TRUE(m.AcceptBytes("\xF0\x9F\x98\x80"));   // U+1F600
}

TEST(GrammarMatcher, RejectedInputLeavesTheStateUnchanged) {
  auto g = testutil::ParseOrFail("root ::= \"ab\" \"c\"");
  GrammarMatcher m(g);
  EXPECT_TRUE(m.AcceptBytes("a"));
  EXPECT_FALSE(m.AcceptBytes("bd"));
  EXPECT_TRUE(m.CanAccept("bc"));
  EXPECT_TRUE(m.AcceptBytes("bc"));
  EXPECT_TRUE(m.IsComplete());
}

TEST(GrammarMatcher, AmbiguousGrammarStaysBounded) {
  // Every split of the a's is a parse; deduplication keeps the stack set small.
  EXPECT_FALSE(ParseGrammar("root ::= (\"a\"* \"a\"*)* \"b\"").ok());  // (nullable)*: refused
  auto h = testutil::ParseOrFail("root ::= x* \"b\"\nx ::= \"a\" | \"a\" \"a\" | \"a\" \"a\" \"a\"");
  GrammarMatcher m(h);
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(m.AcceptBytes("a"));
  EXPECT_LE(m.stacks().size(), 8u);
  EXPECT_TRUE(m.AcceptBytes("b"));
  EXPECT_TRUE(m.CanEnd());
}

TEST(GrammarMatcher, NullableChainsExpandOncePerStack) {
  // 3^24 expansion paths, but only 25 distinct stacks per position.
  std::string g = "root ::= ";
  for (int i = 0; i < 24; ++i) g += "a ";
  g += "\"x\"\na ::= \"\" | \"y\" | \"z\"";
  GrammarMatcher m(testutil::ParseOrFail(g));
  EXPECT_TRUE(m.CanAccept("x"));
  EXPECT_TRUE(m.AcceptBytes("yzy"));
  EXPECT_TRUE(m.AcceptBytes("x"));
  EXPECT_TRUE(m.IsComplete());
}

}  // namespace
}  // namespace llm::engine
