#include "server/reply_assembler.h"

namespace llm::server {

ReplyAssembler::ReplyAssembler(std::function<std::string(int32_t)> token_bytes, bool split_reasoning,
                               bool starts_in_reasoning, ContentRelease release)
    : token_bytes_(std::move(token_bytes)), hold_all_(release.hold_all) {
  if (split_reasoning) reasoning_stream_.emplace(starts_in_reasoning);
  if (release.tool_calls) tool_stream_.emplace(*release.tool_calls);
}

void ReplyAssembler::OnToken(int32_t id, const engine::TokenLogprob* logprob) {
  if (logprob == nullptr && !reasoning_stream_) return;  // neither needs the token's text
  std::string bytes = token_bytes_(id);
  if (reasoning_stream_) token_sizes_.push_back(bytes.size());
  if (logprob == nullptr) return;
  OutcomeLogprob entry;
  entry.token = std::move(bytes);
  entry.logprob = logprob->logprob;
  for (const auto& [alt, lp] : logprob->top) entry.top.emplace_back(token_bytes_(alt), lp);
  pending_.push_back(std::move(entry));
}

GenerationDelta ReplyAssembler::OnPiece(std::string_view piece) {
  if (!reasoning_stream_) return Take({"", std::string(piece)});
  return Take(reasoning_stream_->Push(piece));
}

GenerationDelta ReplyAssembler::Finish() {
  return Take(reasoning_stream_ ? reasoning_stream_->Finish() : engine::ReasoningStream::Parts{});
}

GenerationDelta ReplyAssembler::Take(engine::ReasoningStream::Parts parts) {
  GenerationDelta d;
  content_ += parts.content;
  if (tool_stream_) {
    d.content = tool_stream_->Push(parts.content);
  } else if (!hold_all_) {
    d.content = std::move(parts.content);
  }
  d.reasoning = std::move(parts.reasoning);
  d.logprobs = std::move(pending_);
  pending_.clear();
  reasoning_ += d.reasoning;
  logprobs_.insert(logprobs_.end(), d.logprobs.begin(), d.logprobs.end());
  return d;
}

std::string ReplyAssembler::UnsentContent(std::string_view final_content) const {
  if (tool_stream_) return tool_stream_->Rest(final_content);
  if (hold_all_) return std::string(final_content);
  return "";
}

int64_t ReplyAssembler::ReasoningTokens() const {
  if (!reasoning_stream_ || !reasoning_stream_->thinking_seen()) return 0;
  const size_t end = reasoning_stream_->reasoning_bytes();
  size_t offset = 0;
  int64_t n = 0;
  for (size_t size : token_sizes_) {
    if (offset >= end) break;
    offset += size;
    ++n;
  }
  return n;
}

}  // namespace llm::server
