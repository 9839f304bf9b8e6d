#include "engine/chat/tool_call_stream.h"

#include <algorithm>

#include "engine/chat/template_source.h"

namespace llm::engine {
ToolCallStream::ToolCallStream(ToolCallFormat format) : format_(format) {
  switch (format) {
    case ToolCallFormat::kHermes: markers_ = {"<tool_call>"}; break;
    case ToolCallFormat::kMistral: markers_ = {"[TOOL_CALLS]"}; break;
    case ToolCallFormat::kDeepSeekR1: markers_ = {"<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>"}; break;
    case ToolCallFormat::kLlama3Json:
    case ToolCallFormat::kGenericJson: break;
  }
}

bool ToolCallStream::HoldsFromStart(std::string_view text) const {
  if (format_ == ToolCallFormat::kGenericJson) return text.starts_with("{");
  if (format_ != ToolCallFormat::kLlama3Json) return false;
  constexpr std::string_view kTag = "<|python_tag|>";
  return text.starts_with("{") || text.starts_with(kTag);
}

std::string ToolCallStream::Push(std::string_view text) {
  if (held_) return "";
  pending_ += text;
  if (!started_) {
    pending_.erase(0, SkipSpaces(pending_, 0));
    if (pending_.empty()) return "";
    // Llama 3's tag may still be arriving: wait until it is told apart from text.
    constexpr std::string_view kTag = "<|python_tag|>";
    if (format_ == ToolCallFormat::kLlama3Json && pending_.size() < kTag.size() && kTag.starts_with(pending_)) {
      return "";
    }
    started_ = true;
    held_ = HoldsFromStart(pending_);
    if (held_) return "";
  }
  size_t cut = pending_.size();
  for (std::string_view marker : markers_) {
    const size_t at = pending_.find(marker);
    if (at != std::string::npos && at < cut) {
      cut = at;
      held_ = true;
    }
  }
  if (!held_) {
    size_t keep = 0;
    for (std::string_view marker : markers_) keep = std::max(keep, PartialMarkerLength(pending_, marker));
    cut = pending_.size() - keep;
  }
  while (cut > 0 && IsSpace(pending_[cut - 1])) --cut;  // trailing space waits for what follows
  std::string out = pending_.substr(0, cut);
  pending_.erase(0, cut);
  sent_ += out;
  return out;
}

std::string ToolCallStream::Rest(std::string_view final_content) const {
  if (!final_content.starts_with(sent_)) return "";
  return std::string(final_content.substr(sent_.size()));
}

}  // namespace llm::engine
