// Constrained decoding end to end on random-weight and tiny models: whatever the weights,
// greedy and random sampling produce JSON that parses and satisfies the schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/grammar/grammar.h"
#include "engine/grammar/json_schema.h"
#include "engine/model/session.h"
#include "engine_model/test_models.h"

namespace llm::engine {
namespace {

using nlohmann::json;

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A small validator for the keywords the test schemas use; the failure or "".
std::string Violation(const json& v, const json& s, const std::string& at) {
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end()) {
    return at + ": not in enum";
  }
  if (s.contains("anyOf")) {
    for (const auto& alt : s["anyOf"]) {
      if (Violation(v, alt, at).empty()) return "";
    }
    return at + ": matches no anyOf alternative";
  }
  const std::string type = s.value("type", "");
  if (type == "object") {
    if (!v.is_object()) return at + ": not an object";
    for (const auto& r : s.value("required", json::array())) {
      if (!v.contains(r.get<std::string>())) return at + ": missing " + r.get<std::string>();
    }
    for (const auto& [k, x] : v.items()) {
      if (!s["properties"].contains(k)) return at + ": unexpected " + k;
      if (auto e = Violation(x, s["properties"][k], at + "/" + k); !e.empty()) return e;
    }
  } else if (type == "array") {
    if (!v.is_array()) return at + ": not an array";
    if (v.size() < s.value("minItems", 0u) || v.size() > s.value("maxItems", 1000000u)) return at + ": item count";
    for (const auto& x : v) {
      if (auto e = Violation(x, s["items"], at + "/item"); !e.empty()) return e;
    }
  } else if (type == "string") {
    if (!v.is_string()) return at + ": not a string";
    const size_t n = CodePoints(v.get<std::string>());
    if (n < s.value("minLength", 0u) || n > s.value("maxLength", 1000000u)) return at + ": length";
  } else if (type == "integer") {
    if (!v.is_number_integer()) return at + ": not an integer";
    if (s.contains("minimum") && v.get<int64_t>() < s["minimum"].get<int64_t>()) return at + ": below minimum";
    if (s.contains("maximum") && v.get<int64_t>() > s["maximum"].get<int64_t>()) return at + ": above maximum";
  } else if (type == "boolean" && !v.is_boolean()) {
    return at + ": not a boolean";
  } else if (type == "number" && !v.is_number()) {
    return at + ": not a number";
  }
  return "";
}

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 12},
    "age": {"type": "integer", "minimum": 0, "maximum": 120},
    "mood": {"enum": ["happy", "sad", null]},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 6}, "minItems": 1, "maxItems": 3},
    "pet": {"type": "object", "properties": {"kind": {"type": "string", "maxLength": 8},
                                             "legs": {"type": "integer", "minimum": 0, "maximum": 8}},
            "required": ["kind"]},
    "score": {"anyOf": [{"type": "boolean"}, {"type": "integer", "minimum": 1, "maximum": 5}]}
  },
  "required": ["name", "age", "tags", "pet"]
})";

class ConstrainedGeneration : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto model = Model::Load(testing_util::SharedModelPath(GetParam()));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = *model;
    auto gbnf = JsonSchemaToGbnf(kSchema);
    ASSERT_TRUE(gbnf.ok()) << gbnf.status().ToString();
    auto grammar = ParseGrammar(*gbnf);
    ASSERT_TRUE(grammar.ok()) << grammar.status().ToString();
    grammar_ = *grammar;
  }

  // Generates with the schema's grammar and checks the text against the schema.
  void ExpectValid(float temperature, uint64_t seed) {
    Session session(model_, 512, pool_);
    GenerateParams params;
    params.max_tokens = 400;
    params.sampling.temperature = temperature;
    params.sampling.seed = seed;
    params.grammar = grammar_;
    auto r = session.Generate("Describe a person as JSON:", params);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->finish_reason, FinishReason::kStop) << r->text;
    const json value = json::parse(r->text, nullptr, false);
    ASSERT_FALSE(value.is_discarded()) << "not JSON: " << r->text;
    EXPECT_EQ(Violation(value, json::parse(kSchema), ""), "") << r->text;
  }

  std::shared_ptr<const Model> model_;
  std::shared_ptr<const Grammar> grammar_;
  ThreadPool pool_{2};
};

TEST_P(ConstrainedGeneration, GreedyOutputParsesAndValidates) { ExpectValid(0.0f, 1); }

TEST_P(ConstrainedGeneration, RandomSamplingOutputParsesAndValidates) {
  for (uint64_t seed : {1, 2, 3, 4}) ExpectValid(1.0f, seed);
}

INSTANTIATE_TEST_SUITE_P(Models, ConstrainedGeneration,
                         ::testing::Values("stories260K.gguf", "synth-tiny-q8_0.gguf"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find('.'));
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace llm::engine
