#include "server/openai_json.h"

namespace llm::server {

using nlohmann::ordered_json;

namespace {

ordered_json NullIfEmpty(const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }

ordered_json Envelope(const std::string& id, const char* object, int64_t created, const std::string& model) {
  return {{"id", id}, {"object", object}, {"created", created}, {"model", model}, {"system_fingerprint", "llm-api"}};
}

}  // namespace

ordered_json UsageJson(const GenerationOutcome& o) {
  return {{"prompt_tokens", o.prompt_tokens},
          {"completion_tokens", o.total_completion_tokens()},
          {"total_tokens", o.prompt_tokens + o.total_completion_tokens()},
          {"prompt_tokens_details", {{"cached_tokens", o.cached_tokens}}},
          {"completion_tokens_details", {{"reasoning_tokens", o.total_reasoning_tokens()}}}};
}

namespace {

ordered_json BytesJson(const std::string& token) {
  ordered_json bytes = ordered_json::array();
  for (unsigned char c : token) bytes.push_back(static_cast<int>(c));
  return bytes;
}

}  // namespace

ordered_json LogprobEntriesJson(const std::vector<OutcomeLogprob>& logprobs) {
  ordered_json content = ordered_json::array();
  for (const OutcomeLogprob& lp : logprobs) {
    ordered_json top = ordered_json::array();
    for (const auto& [token, logprob] : lp.top) {
      top.push_back({{"token", token}, {"logprob", logprob}, {"bytes", BytesJson(token)}});
    }
    content.push_back(
        {{"token", lp.token}, {"logprob", lp.logprob}, {"bytes", BytesJson(lp.token)}, {"top_logprobs", top}});
  }
  return content;
}

ordered_json ChatLogprobsJson(bool requested, const std::vector<OutcomeLogprob>& logprobs) {
  if (!requested) return nullptr;
  return {{"content", LogprobEntriesJson(logprobs)}, {"refusal", nullptr}};
}

ordered_json CompletionLogprobsJson(bool requested, const std::vector<OutcomeLogprob>& logprobs, size_t text_offset) {
  if (!requested) return nullptr;
  ordered_json tokens = ordered_json::array(), token_logprobs = ordered_json::array(),
               top_logprobs = ordered_json::array(), offsets = ordered_json::array();
  for (const OutcomeLogprob& lp : logprobs) {
    tokens.push_back(lp.token);
    token_logprobs.push_back(lp.logprob);
    ordered_json top = ordered_json::object();
    for (const auto& [token, logprob] : lp.top) top[token] = logprob;
    top_logprobs.push_back(std::move(top));
    offsets.push_back(text_offset);
    text_offset += lp.token.size();
  }
  return {{"tokens", tokens}, {"token_logprobs", token_logprobs}, {"top_logprobs", top_logprobs},
          {"text_offset", offsets}};
}

namespace {

// The assistant message: its answer, the reasoning of a thinking model, and with tools the
// calls (content null when only calls).
ordered_json ChatMessageJson(const GenerationOutcome& o) {
  ordered_json message = {{"role", "assistant"}, {"content", nullptr}};
  if (!o.reasoning_content.empty()) message["reasoning_content"] = o.reasoning_content;
  message["refusal"] = nullptr;
  if (!o.content.empty() || o.tool_calls.empty()) message["content"] = o.content;
  if (o.tool_calls.empty()) return message;
  ordered_json calls = ordered_json::array();
  for (const OutcomeToolCall& c : o.tool_calls) {
    calls.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  }
  message["tool_calls"] = std::move(calls);
  return message;
}

}  // namespace

namespace {

// Every choice of an answer, in index order (the first is `o` itself).
std::vector<const GenerationOutcome*> Choices(const GenerationOutcome& o) {
  std::vector<const GenerationOutcome*> all = {&o};
  for (const GenerationOutcome& c : o.more_choices) all.push_back(&c);
  return all;
}

}  // namespace

ordered_json OpenAIChatResponse(const GenerationOutcome& o) {
  ordered_json j = Envelope(o.completion_id, "chat.completion", o.created_unix, o.model);
  j["choices"] = ordered_json::array();
  for (const GenerationOutcome* c : Choices(o)) {
    j["choices"].push_back({{"index", j["choices"].size()},
                            {"message", ChatMessageJson(*c)},
                            {"logprobs", ChatLogprobsJson(c->logprobs_requested, c->logprobs)},
                            {"finish_reason", OpenAIChatFinishReason(*c)}});
  }
  j["usage"] = UsageJson(o);
  return j;
}

ordered_json OpenAICompletionResponse(const GenerationOutcome& o) {
  ordered_json j = Envelope(o.completion_id, "text_completion", o.created_unix, o.model);
  j["choices"] = ordered_json::array();
  for (const GenerationOutcome* c : Choices(o)) {
    j["choices"].push_back({{"text", c->text},
                            {"index", j["choices"].size()},
                            {"logprobs", CompletionLogprobsJson(c->logprobs_requested, c->logprobs, 0)},
                            {"finish_reason", OpenAIFinishReason(c->finish_reason)}});
  }
  j["usage"] = UsageJson(o);
  return j;
}

ordered_json OpenAIChatChunk(const ChunkHeader& h, const std::string* role, const GenerationDelta* d, bool logprobs,
                             const std::string& finish_reason) {
  ordered_json j = Envelope(h.id, "chat.completion.chunk", h.created, h.model);
  ordered_json delta = ordered_json::object();
  if (role != nullptr) delta["role"] = *role;
  if (d != nullptr && (!d->content.empty() || d->reasoning.empty())) delta["content"] = d->content;
  if (d != nullptr && !d->reasoning.empty()) delta["reasoning_content"] = d->reasoning;
  static const std::vector<OutcomeLogprob> kNone;
  ordered_json choice = {{"index", 0},
                         {"delta", delta},
                         {"logprobs", ChatLogprobsJson(logprobs && d != nullptr, d != nullptr ? d->logprobs : kNone)},
                         {"finish_reason", NullIfEmpty(finish_reason)}};
  j["choices"] = ordered_json::array({choice});
  if (h.include_usage) j["usage"] = nullptr;
  return j;
}

ordered_json OpenAIToolCallChunk(const ChunkHeader& h, size_t index, const OutcomeToolCall& call, bool first) {
  ordered_json j = Envelope(h.id, "chat.completion.chunk", h.created, h.model);
  ordered_json delta_call = {{"index", index}};
  if (first) {
    delta_call["id"] = call.id;
    delta_call["type"] = "function";
    delta_call["function"] = {{"name", call.name}, {"arguments", ""}};
  } else {
    delta_call["function"] = {{"arguments", call.arguments}};
  }
  ordered_json delta = {{"tool_calls", ordered_json::array({delta_call})}};
  j["choices"] = ordered_json::array({{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", nullptr}}});
  if (h.include_usage) j["usage"] = nullptr;
  return j;
}

ordered_json OpenAICompletionChunk(const ChunkHeader& h, std::string_view text, ordered_json logprobs,
                                   const std::string& finish_reason) {
  ordered_json j = Envelope(h.id, "text_completion", h.created, h.model);
  ordered_json choice = {
      {"text", text}, {"index", 0}, {"logprobs", std::move(logprobs)}, {"finish_reason", NullIfEmpty(finish_reason)}};
  j["choices"] = ordered_json::array({choice});
  if (h.include_usage) j["usage"] = nullptr;
  return j;
}

ordered_json OpenAIUsageChunk(const ChunkHeader& h, bool chat, const GenerationOutcome& o) {
  ordered_json j = Envelope(h.id, chat ? "chat.completion.chunk" : "text_completion", h.created, h.model);
  j["choices"] = ordered_json::array();
  j["usage"] = UsageJson(o);
  return j;
}

ordered_json OpenAIErrorBody(const ApiError& e) {
  return {{"error",
           {{"message", e.message}, {"type", e.OpenAIType()}, {"param", NullIfEmpty(e.param)}, {"code", NullIfEmpty(e.code)}}}};
}

ordered_json OpenAIModelList(const std::vector<ModelFile>& files) {
  ordered_json data = ordered_json::array();
  for (const ModelFile& f : files) {
    data.push_back({{"id", f.name}, {"object", "model"}, {"created", f.modified_unix}, {"owned_by", "llm-api"}});
  }
  return {{"object", "list"}, {"data", data}};
}

}  // namespace llm::server
