#include "engine/chat/reasoning_stream.h"

#include "engine/chat/template_source.h"

namespace llm::engine {
namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

}  // namespace

ReasoningStream::ReasoningStream(bool starts_in_reasoning)
    : state_(starts_in_reasoning ? State::kReasoning : State::kStart), thinking_seen_(starts_in_reasoning) {}

ReasoningStream::Parts ReasoningStream::Push(std::string_view text) {
  pending_ += text;
  pushed_ += text.size();
  if (state_ == State::kReasoning) reasoning_bytes_ = pushed_;
  Parts out;
  while (!pending_.empty() && Step(out, /*final=*/false)) {
  }
  return out;
}

ReasoningStream::Parts ReasoningStream::Finish() {
  Parts out;
  while (!pending_.empty() && Step(out, /*final=*/true)) {
  }
  return out;
}

bool ReasoningStream::Step(Parts& out, bool final) {
  switch (state_) {
    case State::kStart: {
      const std::string_view rest = std::string_view(pending_).substr(SkipSpaces(pending_, 0));
      if (rest.starts_with(kOpen)) {
        state_ = State::kReasoning;
        thinking_seen_ = true;
        pending_.erase(0, pending_.size() - rest.size() + kOpen.size());
        reasoning_bytes_ = pushed_;
        return true;
      }
      if (!final && kOpen.starts_with(rest)) return false;  // maybe still "<think>"
      state_ = State::kContent;
      return true;
    }
    case State::kReasoning: {
      if (!reasoning_started_) {
        pending_.erase(0, SkipSpaces(pending_, 0));
        if (pending_.empty()) return false;
      }
      const size_t close = pending_.find(kClose);
      std::string_view body = pending_;
      if (close != std::string::npos) body = body.substr(0, close);
      // Held back: a possible start of </think>, and the whitespace before it (dropped if
      // the reasoning ends there).
      size_t keep = close == std::string::npos && !final ? PartialMarkerLength(body, kClose) : 0;
      while (keep < body.size() && IsSpace(body[body.size() - keep - 1])) ++keep;
      const std::string_view sent = body.substr(0, body.size() - keep);
      out.reasoning += sent;
      reasoning_started_ = reasoning_started_ || !sent.empty();
      if (close == std::string::npos) {
        pending_.erase(0, final ? pending_.size() : sent.size());
        return false;
      }
      reasoning_bytes_ = pushed_ - pending_.size() + close + kClose.size();
      pending_.erase(0, close + kClose.size());
      state_ = State::kContentStart;
      return true;
    }
    case State::kContentStart:
      pending_.erase(0, SkipSpaces(pending_, 0));
      if (pending_.empty()) return false;
      state_ = State::kContent;
      return true;
    case State::kContent:
      out.content += pending_;
      pending_.clear();
      return false;
  }
  return false;
}

}  // namespace llm::engine
