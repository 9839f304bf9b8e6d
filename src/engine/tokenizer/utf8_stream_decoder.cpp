#include "engine/tokenizer/tokenizer.h"

namespace llm::engine {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the sequence a valid lead byte starts, or 0 for a byte that cannot start one.
size_t SequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether `byte` may follow `lead` at position `index` (1..3) of a sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
bool ValidContinuation(uint8_t lead, size_t index, uint8_t byte) {
  if (index == 1) {
    if (lead == 0xE0) return byte >= 0xA0 && byte <= 0xBF;
    if (lead == 0xED) return byte >= 0x80 && byte <= 0x9F;
    if (lead == 0xF0) return byte >= 0x90 && byte <= 0xBF;
    if (lead == 0xF4) return byte >= 0x80 && byte <= 0x8F;
  }
  return (byte & 0xC0) == 0x80;
}

// Moves the complete (or definitely invalid) prefix of `*pending` to the result; with
// `final`, an unfinished sequence at the end is replaced too.
std::string Drain(std::string* pending, bool final) {
  std::string out;
  const std::string& p = *pending;
  size_t i = 0;
  while (i < p.size()) {
    const uint8_t lead = static_cast<uint8_t>(p[i]);
    const size_t len = SequenceLength(lead);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t good = 1;  // bytes of the sequence seen to be valid so far
    while (good < len && i + good < p.size() &&
           ValidContinuation(lead, good, static_cast<uint8_t>(p[i + good]))) {
      ++good;
    }
    if (good == len) {
      out.append(p, i, len);
      i += len;
    } else if (i + good == p.size() && !final) {
      break;  // an unfinished sequence: wait for more bytes
    } else {
      out += kReplacement;  // a maximal invalid subpart
      i += good;
    }
  }
  pending->erase(0, i);
  return out;
}

}  // namespace

std::string Utf8StreamDecoder::Push(std::string_view bytes) {
  pending_.append(bytes);
  return Drain(&pending_, false);
}

std::string Utf8StreamDecoder::Flush() {
  std::string out = Drain(&pending_, true);
  pending_.clear();
  return out;
}

}  // namespace llm::engine
