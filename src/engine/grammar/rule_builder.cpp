#include "engine/grammar/rule_builder.h"

namespace llm::engine {

uint32_t RuleBuilder::RuleId(std::string_view name, size_t offset) {
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(rules_.size());
  ids_.emplace(std::string(name), id);
  names_.emplace_back(name);
  first_use_.push_back(offset);
  rules_.emplace_back();
  defined_.push_back(false);
  return id;
}

uint32_t RuleBuilder::NewHelperRule(std::string_view base) {
  std::string name;
  for (size_t n = rules_.size();; ++n) {
    name = std::string(base) + "_" + std::to_string(n);
    if (!ids_.contains(name)) break;
  }
  return RuleId(name, 0);
}

Status RuleBuilder::Define(uint32_t id, Alternatives alternatives) {
  if (defined_[id]) return Status::InvalidArgument("rule '" + names_[id] + "' is defined twice");
  size_t n = 0;
  for (const auto& alt : alternatives) n += alt.size() + 1;
  LLM_RETURN_IF_ERROR(CountElements(n));
  rules_[id] = std::move(alternatives);
  defined_[id] = true;
  return Status::Ok();
}

GrammarElement RuleBuilder::AddClass(CharClass cls) {
  classes_.push_back(std::move(cls));
  return {GrammarElement::kChar, static_cast<uint32_t>(classes_.size() - 1)};
}

Status RuleBuilder::CountElements(size_t n) {
  element_count_ += n;
  if (element_count_ > kMaxGrammarElements) {
    return Status::OutOfRange("the grammar has more than " + std::to_string(kMaxGrammarElements) +
                              " elements once repetitions are expanded");
  }
  return Status::Ok();
}

uint32_t RuleBuilder::WrapInRule(const ElementSeq& item, std::string_view base) {
  const uint32_t id = NewHelperRule(base);
  rules_[id] = {item};
  defined_[id] = true;
  return id;
}

Result<ElementSeq> RuleBuilder::Repeat(const ElementSeq& item, uint32_t min, int64_t max,
                                       std::string_view base) {
  if (min > kMaxRepetition || max > static_cast<int64_t>(kMaxRepetition)) {
    return Status::OutOfRange("a repetition count is above " + std::to_string(kMaxRepetition));
  }
  const GrammarElement one = item.size() == 1
                                 ? item[0]
                                 : GrammarElement{GrammarElement::kRule, WrapInRule(item, base)};
  const size_t optional = max < 0 ? 1 : static_cast<size_t>(max - min);
  LLM_RETURN_IF_ERROR(CountElements(min + 4 * optional));
  ElementSeq out(min, one);
  if (max < 0) {  // star ::= one star | (empty)
    const uint32_t star = NewHelperRule(base);
    rules_[star] = {{one, {GrammarElement::kRule, star}}, {}};
    defined_[star] = true;
    out.push_back({GrammarElement::kRule, star});
    return out;
  }
  // opt_k ::= one opt_(k-1) | (empty), opt_1 ::= one | (empty)
  uint32_t inner = 0;
  for (size_t k = 1; k <= optional; ++k) {
    const uint32_t opt = NewHelperRule(base);
    ElementSeq seq{one};
    if (k > 1) seq.push_back({GrammarElement::kRule, inner});
    rules_[opt] = {seq, {}};
    defined_[opt] = true;
    inner = opt;
  }
  if (optional > 0) out.push_back({GrammarElement::kRule, inner});
  return out;
}

Result<std::shared_ptr<const Grammar>> RuleBuilder::Finish(
    const std::function<std::string(size_t)>& where) {
  auto root = ids_.find("root");
  if (root == ids_.end() || !defined_[root->second]) {
    return Status::InvalidArgument("the grammar has no 'root' rule");
  }
  for (size_t id = 0; id < rules_.size(); ++id) {
    if (!defined_[id]) {
      return Status::InvalidArgument(where(first_use_[id]) + ": undefined rule '" + names_[id] + "'");
    }
  }
  auto g = std::make_shared<Grammar>();
  g->root = root->second;
  g->rule_names = names_;
  g->classes = std::move(classes_);
  g->rule_alternatives.resize(rules_.size());
  for (size_t id = 0; id < rules_.size(); ++id) {
    for (const ElementSeq& alt : rules_[id]) {
      g->rule_alternatives[id].push_back(static_cast<uint32_t>(g->elements.size()));
      g->elements.insert(g->elements.end(), alt.begin(), alt.end());
      g->elements.push_back({GrammarElement::kEnd, 0});
    }
  }
  LLM_RETURN_IF_ERROR(CheckNoLeftRecursion(*g));
  return std::shared_ptr<const Grammar>(std::move(g));
}

}  // namespace llm::engine
