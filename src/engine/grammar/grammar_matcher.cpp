#include "engine/grammar/grammar_matcher.h"

#include <algorithm>

namespace llm::engine {

GrammarMatcher::GrammarMatcher(std::shared_ptr<const Grammar> grammar) : pool_(std::move(grammar)) {
  pool_.Initial(&stacks_);
  live_nodes_ = pool_.pool_size();
}

bool GrammarMatcher::Run(std::string_view bytes, PartialUtf8* partial, size_t* begin) {
  scratch_.assign(stacks_.begin(), stacks_.end());
  size_t from = 0;
  for (char c : bytes) {
    const size_t to = scratch_.size();
    if (!pool_.StepByte(scratch_.data() + from, to - from, static_cast<uint8_t>(c), partial,
                        &scratch_)) {
      return false;
    }
    from = to;
  }
  *begin = from;
  return true;
}

bool GrammarMatcher::AcceptBytes(std::string_view bytes) {
  const size_t mark = pool_.pool_size();
  PartialUtf8 partial = partial_;
  size_t begin = 0;
  if (!Run(bytes, &partial, &begin)) {
    pool_.TruncatePool(mark);
    return false;
  }
  stacks_.assign(scratch_.begin() + static_cast<std::ptrdiff_t>(begin), scratch_.end());
  partial_ = partial;
  // Nodes of abandoned parse paths pile up; copy the live ones out now and then.
  if (pool_.pool_size() > 2 * live_nodes_ + 4096) {
    pool_.Compact(&stacks_);
    live_nodes_ = pool_.pool_size();
  }
  return true;
}

bool GrammarMatcher::CanAccept(std::string_view bytes) {
  const size_t mark = pool_.pool_size();
  PartialUtf8 partial = partial_;
  size_t begin = 0;
  const bool ok = Run(bytes, &partial, &begin);
  pool_.TruncatePool(mark);
  return ok;
}

bool GrammarMatcher::CanEnd() const {
  return partial_.remaining == 0 &&
         std::find(stacks_.begin(), stacks_.end(), kAcceptedStack) != stacks_.end();
}

bool GrammarMatcher::IsComplete() const {
  return CanEnd() && stacks_.size() == 1;
}

}  // namespace llm::engine
