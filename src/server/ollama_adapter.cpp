#include "server/ollama_adapter.h"

#include "nlohmann/json.hpp"
#include "server/error_answer.h"
#include "server/ollama_json.h"

namespace llm::server {

OllamaAdapter::OllamaAdapter(PromptKind route) : route_(route), started_(std::chrono::steady_clock::now()) {}

std::optional<ApiError> OllamaAdapter::Parse(const nlohmann::json& body, std::string_view raw, GenerationRequest* out) {
  // A schema's properties and the tools are read in the order the client wrote them.
  std::optional<nlohmann::ordered_json> ordered;
  if (!raw.empty() && body.is_object() && (body.contains("format") || body.contains("tools"))) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) ordered = std::move(doc);
  }
  const nlohmann::ordered_json* in_order = ordered ? &*ordered : nullptr;
  std::optional<ApiError> e = chat() ? ParseOllamaChat(body, in_order, out, &extra_)
                                     : ParseOllamaGenerate(body, in_order, out, &extra_);
  out->flavor = ApiFlavor::kOllama;
  logprobs_ = out->logprobs >= 0;
  return e;
}

std::string OllamaAdapter::ErrorBody(const ApiError& e, const std::string& request_id) const {
  return ErrorBodyText(ApiFlavor::kOllama, e, request_id);
}

double OllamaAdapter::SecondsSinceStart() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::string OllamaAdapter::Complete(const GenerationOutcome& o) {
  OllamaReplyText reply{o.content, o.reasoning_content, &o.tool_calls, logprobs_ ? &o.logprobs : nullptr};
  nlohmann::ordered_json obj = OllamaObject(extra_.model, chat(), reply, /*done=*/true);
  AddOllamaEndFields(o, SecondsSinceStart(), obj);
  return DumpJson(obj);
}

std::string OllamaAdapter::StreamDelta(const GenerationDelta& d) {
  OllamaReplyText reply{d.content, d.reasoning, nullptr, logprobs_ ? &d.logprobs : nullptr};
  return NdjsonLine(OllamaObject(extra_.model, chat(), reply, /*done=*/false));
}

std::string OllamaAdapter::StreamEnd(const GenerationOutcome& o) {
  std::string out;
  // The calls, parsed once the reply is whole, go out in one object before the last one.
  if (chat() && !o.tool_calls.empty()) {
    OllamaReplyText calls{"", "", &o.tool_calls, nullptr};
    out += NdjsonLine(OllamaObject(extra_.model, true, calls, /*done=*/false));
  }
  nlohmann::ordered_json last = OllamaObject(extra_.model, chat(), OllamaReplyText{}, /*done=*/true);
  AddOllamaEndFields(o, SecondsSinceStart(), last);
  return out + NdjsonLine(last);
}

std::string OllamaAdapter::StreamError(const ApiError& e, const std::string& request_id) {
  return ErrorBody(e, request_id) + "\n";
}

std::string OllamaAdapter::LoadAnswer() const {
  nlohmann::ordered_json obj = OllamaObject(extra_.model, chat(), OllamaReplyText{}, /*done=*/true);
  obj["done_reason"] = "load";
  return DumpJson(obj);
}

}  // namespace llm::server
