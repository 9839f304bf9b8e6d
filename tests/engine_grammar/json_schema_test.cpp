#include <gtest/gtest.h>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_matcher.h"
#include "engine/grammar/json_schema.h"

namespace llm::engine {
namespace {

// A matcher for the grammar of `schema` (fails the test when it does not compile).
std::shared_ptr<const Grammar> Compile(std::string_view schema) {
  auto gbnf = JsonSchemaToGbnf(schema);
  EXPECT_TRUE(gbnf.ok()) << gbnf.status().ToString();
  if (!gbnf.ok()) return nullptr;
  auto g = ParseGrammar(*gbnf);
  EXPECT_TRUE(g.ok()) << g.status().ToString() << "\n" << *gbnf;
  return g.ok() ? *g : nullptr;
}

bool Accepts(const std::shared_ptr<const Grammar>& g, std::string_view json) {
  if (!g) return false;
  GrammarMatcher m(g);
  return m.AcceptBytes(json) && m.CanEnd();
}

std::string SchemaErrorOf(std::string_view schema) {
  auto gbnf = JsonSchemaToGbnf(schema);
  return gbnf.ok() ? "" : gbnf.status().ToString();
}

TEST(JsonSchemaToGbnf, ObjectWithRequiredAndOptionalProperties) {
  auto g = Compile(R"({"type":"object","properties":{
      "name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},
      "required":["name"]})");
  EXPECT_TRUE(Accepts(g, R"({"name":"Ann"})"));
  EXPECT_TRUE(Accepts(g, R"({"name":"Ann","age":42})"));
  EXPECT_TRUE(Accepts(g, R"({ "name": "Ann", "tags": ["a", "b"]})"));
  EXPECT_TRUE(Accepts(g, R"({"name":"Ann","age":-3,"tags":[]})"));
  EXPECT_FALSE(Accepts(g, R"({"age":42})"));                 // name is required
  EXPECT_FALSE(Accepts(g, R"({"name":"Ann","extra":1})"));    // no undeclared properties
  EXPECT_FALSE(Accepts(g, R"({"name":"Ann",})"));
  EXPECT_FALSE(Accepts(g, R"({"name":7})"));
}

TEST(JsonSchemaToGbnf, AllOptionalPropertiesAllowAnEmptyObject) {
  auto g = Compile(R"({"properties":{"a":{"type":"boolean"},"b":{"type":"null"}}})");
  EXPECT_TRUE(Accepts(g, "{}"));
  EXPECT_TRUE(Accepts(g, R"({"b":null})"));
  EXPECT_TRUE(Accepts(g, R"({"a":true,"b":null})"));
  EXPECT_FALSE(Accepts(g, R"({"b":null,"a":true})"));  // declaration order
}

TEST(JsonSchemaToGbnf, EnumConstAndTypeArrays) {
  auto g = Compile(R"({"type":"object","properties":{
      "color":{"enum":["red","green",3,null]},"v":{"const":{"x":[1,2]}},"n":{"type":["string","null"]}},
      "required":["color","v","n"]})");
  EXPECT_TRUE(Accepts(g, R"({"color":"red","v":{"x":[1,2]},"n":null})"));
  EXPECT_TRUE(Accepts(g, R"({"color":3,"v":{"x":[1,2]},"n":"s"})"));
  EXPECT_FALSE(Accepts(g, R"({"color":"blue","v":{"x":[1,2]},"n":null})"));
  EXPECT_FALSE(Accepts(g, R"({"color":"red","v":{"x":[1]},"n":null})"));
}

TEST(JsonSchemaToGbnf, ArrayItemCountBounds) {
  auto g = Compile(R"({"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3})");
  EXPECT_FALSE(Accepts(g, "[1]"));
  EXPECT_TRUE(Accepts(g, "[1,2]"));
  EXPECT_TRUE(Accepts(g, "[1, 2, 3]"));
  EXPECT_FALSE(Accepts(g, "[1,2,3,4]"));
  auto empty = Compile(R"({"type":"array","maxItems":0})");
  EXPECT_TRUE(Accepts(empty, "[]"));
  EXPECT_FALSE(Accepts(empty, "[1]"));
}

TEST(JsonSchemaToGbnf, StringLengthsAndFormats) {
  auto g = Compile(R"({"type":"string","minLength":2,"maxLength":3})");
  EXPECT_FALSE(Accepts(g, R"("a")"));
  EXPECT_TRUE(Accepts(g, R"("ab")"));
  EXPECT_TRUE(Accepts(g, R"("a\n\u00e9")"));  // escapes count as one character
  EXPECT_FALSE(Accepts(g, R"("abcd")"));
  EXPECT_TRUE(Accepts(Compile(R"({"type":"string","format":"date"})"), R"("2024-02-28")"));
  EXPECT_FALSE(Accepts(Compile(R"({"type":"string","format":"date"})"), R"("2024-02-30")"));
  EXPECT_TRUE(Accepts(Compile(R"({"type":"string","format":"date-time"})"), R"("2024-12-31T23:59:59.5Z")"));
  EXPECT_TRUE(Accepts(Compile(R"({"type":"string","format":"time"})"), R"("08:30:00+02:00")"));
  EXPECT_TRUE(Accepts(Compile(R"({"type":"string","format":"uuid"})"),
                      R"("123e4567-e89b-12d3-a456-426614174000")"));
}

TEST(JsonSchemaToGbnf, NumbersAndIntegerBounds) {
  auto num = Compile(R"({"type":"number"})");
  EXPECT_TRUE(Accepts(num, "-0.5e10"));
  EXPECT_FALSE(Accepts(num, "01"));
  auto range = Compile(R"({"type":"integer","minimum":1,"maximum":5})");
  EXPECT_TRUE(Accepts(range, "5"));
  EXPECT_FALSE(Accepts(range, "6"));
  auto positive = Compile(R"({"type":"integer","exclusiveMinimum":0})");
  EXPECT_TRUE(Accepts(positive, "12"));
  EXPECT_FALSE(Accepts(positive, "0"));
}

TEST(JsonSchemaToGbnf, AnyOfAndLocalRefsIncludingRecursion) {
  auto g = Compile(R"({"$defs":{"node":{"type":"object","properties":{
      "v":{"anyOf":[{"type":"integer"},{"type":"string"}]},
      "next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"]}},
      "$ref":"#/$defs/node"})");
  EXPECT_TRUE(Accepts(g, R"({"v":1,"next":{"v":"x","next":null}})"));
  EXPECT_FALSE(Accepts(g, R"({"v":1,"next":{"v":true,"next":null}})"));
}

TEST(JsonSchemaToGbnf, FreeObjectsAndJsonObjectMode) {
  auto any = ParseGrammar(AnyJsonObjectGbnf());
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(Accepts(*any, R"({"a":[1,{"b":null}],"c":"d"})"));
  EXPECT_FALSE(Accepts(*any, "[1]"));
  auto map = Compile(R"({"type":"object","additionalProperties":{"type":"integer"}})");
  EXPECT_TRUE(Accepts(map, R"({"x":1,"y":2})"));
  EXPECT_FALSE(Accepts(map, R"({"x":"1"})"));
  EXPECT_TRUE(Accepts(Compile(R"({"type":"object","additionalProperties":false})"), "{}"));
  auto short_keys = Compile(R"({"type":"object","propertyNames":{"maxLength":2}})");
  EXPECT_TRUE(Accepts(short_keys, R"({"ab":[1]})"));
  EXPECT_FALSE(Accepts(short_keys, R"({"abc":1})"));
  auto two = Compile(R"({"type":"object","minProperties":1,"maxProperties":2})");
  EXPECT_FALSE(Accepts(two, "{}"));
  EXPECT_TRUE(Accepts(two, R"({"a":1,"b":2})"));
  EXPECT_FALSE(Accepts(two, R"({"a":1,"b":2,"c":3})"));
}

TEST(JsonSchemaToGbnf, UnsupportedKeywordsAreNamedWithTheirPlace) {
  EXPECT_EQ(SchemaErrorOf(R"({"properties":{"name":{"type":"string","pattern":"^a"}}})"),
            "Unsupported: unsupported JSON Schema keyword 'pattern' at /properties/name");
  EXPECT_NE(SchemaErrorOf(R"({"allOf":[{}]})").find("'allOf' at /"), std::string::npos);
  EXPECT_NE(SchemaErrorOf(R"({"type":"string","format":"email"})").find("format 'email'"), std::string::npos);
  EXPECT_NE(SchemaErrorOf(R"({"$ref":"http://x/y.json"})").find("only local"), std::string::npos);
  EXPECT_NE(SchemaErrorOf(R"({"type":"number","maximum":3})").find("'maximum'"), std::string::npos);
  EXPECT_NE(SchemaErrorOf("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(SchemaErrorOf(R"({"type":"wat"})").find("unknown type 'wat'"), std::string::npos);
}

TEST(JsonSchemaToGbnf, SelfReferenceWithoutProgressIsRefusedByTheGrammar) {
  auto gbnf = JsonSchemaToGbnf(R"({"anyOf":[{"$ref":"#"},{"type":"null"}]})");
  ASSERT_TRUE(gbnf.ok());
  EXPECT_FALSE(ParseGrammar(*gbnf).ok());
}

}  // namespace
}  // namespace llm::engine
