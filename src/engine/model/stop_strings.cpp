#include "engine/model/stop_strings.h"

#include <algorithm>
#include <utility>

namespace llm::engine {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
  for (std::string& s : stops) {
    if (!s.empty()) stops_.push_back(std::move(s));
  }
}

std::string StopStringMatcher::Push(std::string_view text, bool* stopped) {
  *stopped = false;
  pending_.append(text);
  if (stops_.empty()) return std::exchange(pending_, {});
  size_t first = std::string::npos;
  const std::string* first_stop = nullptr;
  for (const std::string& stop : stops_) {
    const size_t at = pending_.find(stop);
    if (at < first) {
      first = at;
      first_stop = &stop;
    }
  }
  if (first_stop != nullptr) {
    *stopped = true;
    matched_ = *first_stop;
    std::string out = pending_.substr(0, first);
    pending_.clear();
    return out;
  }
  const size_t emit = pending_.size() - HeldBackLength();
  std::string out = pending_.substr(0, emit);
  pending_.erase(0, emit);
  return out;
}

std::string StopStringMatcher::Flush() { return std::exchange(pending_, {}); }

size_t StopStringMatcher::HeldBackLength() const {
  size_t held = 0;
  for (const std::string& stop : stops_) {
    const size_t max_len = std::min(stop.size() - 1, pending_.size());
    for (size_t len = max_len; len > held; --len) {
      if (std::string_view(pending_).substr(pending_.size() - len) ==
          std::string_view(stop).substr(0, len)) {
        held = len;
        break;
      }
    }
  }
  return held;
}

}  // namespace llm::engine
