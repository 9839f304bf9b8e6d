// Left-recursion detection: a rule that can reach itself through leading nullable elements
// would make the matcher's depth-first rule expansion loop forever, so such grammars are
// refused up front (as llama.cpp does).
#include <vector>

#include "engine/grammar/grammar.h"

namespace llm::engine {
namespace {

// Which rules can match the empty string (fixed point over all alternatives).
std::vector<bool> NullableRules(const Grammar& g) {
  std::vector<bool> nullable(g.rule_alternatives.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < nullable.size(); ++r) {
      if (nullable[r]) continue;
      for (uint32_t pos : g.rule_alternatives[r]) {
        while (g.elements[pos].kind == GrammarElement::kRule && nullable[g.elements[pos].value]) ++pos;
        if (g.elements[pos].kind == GrammarElement::kEnd) {
          nullable[r] = changed = true;
          break;
        }
      }
    }
  }
  return nullable;
}

// For each rule, the rules it can expand before consuming a character.
std::vector<std::vector<uint32_t>> LeftEdges(const Grammar& g, const std::vector<bool>& nullable) {
  std::vector<std::vector<uint32_t>> edges(g.rule_alternatives.size());
  for (size_t r = 0; r < edges.size(); ++r) {
    for (uint32_t pos : g.rule_alternatives[r]) {
      for (; g.elements[pos].kind == GrammarElement::kRule; ++pos) {
        edges[r].push_back(g.elements[pos].value);
        if (!nullable[g.elements[pos].value]) break;
      }
    }
  }
  return edges;
}

}  // namespace

Status CheckNoLeftRecursion(const Grammar& g) {
  const auto edges = LeftEdges(g, NullableRules(g));
  // Iterative DFS with colours: 0 unvisited, 1 on the path, 2 done.
  std::vector<uint8_t> colour(edges.size(), 0);
  for (size_t start = 0; start < edges.size(); ++start) {
    if (colour[start] != 0) continue;
    std::vector<std::pair<uint32_t, size_t>> path{{static_cast<uint32_t>(start), 0}};
    colour[start] = 1;
    while (!path.empty()) {
      auto& [rule, next] = path.back();
      if (next == edges[rule].size()) {
        colour[rule] = 2;
        path.pop_back();
        continue;
      }
      const uint32_t to = edges[rule][next++];
      if (colour[to] == 1) {
        return Status::InvalidArgument("rule '" + g.rule_names[to] +
                                       "' is left-recursive (it can reach itself before "
                                       "matching a character)");
      }
      if (colour[to] == 0) {
        colour[to] = 1;
        path.emplace_back(to, 0);
      }
    }
  }
  return Status::Ok();
}

}  // namespace llm::engine
