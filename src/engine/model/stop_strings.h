// Streaming detection of stop strings in generated text: text is released as soon as it can
// no longer be the start of a stop string, and generation stops at the first full match
// (the text is cut before it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llm::engine {

class StopStringMatcher {
 public:
  // Empty strings in `stops` are ignored.
  explicit StopStringMatcher(std::vector<std::string> stops);

  // Appends generated text (whole UTF-8 characters) and returns the text that is now safe to
  // emit. Sets *stopped when a stop string completed; the returned text then ends just before
  // it and everything after is dropped.
  std::string Push(std::string_view text, bool* stopped);
  // The text still held back (call once generation ends without a match).
  std::string Flush();
  // The stop string that matched ("" until one has): the one that starts first in the text,
  // the earlier of `stops` on a tie.
  const std::string& matched() const { return matched_; }

 private:
  // Length of the longest suffix of pending_ that is a proper prefix of a stop string.
  size_t HeldBackLength() const;

  std::vector<std::string> stops_;
  std::string pending_;
  std::string matched_;
};

}  // namespace llm::engine
