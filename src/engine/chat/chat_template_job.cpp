#include "engine/chat/chat_template_job.h"

#include "engine/chat/chat_template.h"
#include "engine/chat/jinja_template.h"

namespace llm::engine {
namespace {

using Json = nlohmann::ordered_json;

// `text` parsed as JSON of the wanted type; empty text gives `fallback`.
Result<Json> ParseInput(const std::string& text, const char* what, Json::value_t type,
                        Json fallback) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return fallback;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status::InvalidArgument(std::string(what) + ": not valid JSON");
  if (json.type() != type && !json.is_null()) {
    return Status::InvalidArgument(std::string(what) + ": expected a JSON " +
                                   (type == Json::value_t::array ? "array" : "object"));
  }
  return json;
}

}  // namespace

Result<std::string> RenderChatTemplateJob(const ChatTemplateJob& job) {
  ChatTemplateRequest request;
  LLM_ASSIGN_OR_RETURN(request.messages, ParseInput(job.messages_json, "messages",
                                                    Json::value_t::array, Json::array()));
  LLM_ASSIGN_OR_RETURN(request.tools,
                       ParseInput(job.tools_json, "tools", Json::value_t::array, Json()));
  LLM_ASSIGN_OR_RETURN(request.kwargs,
                       ParseInput(job.kwargs_json, "kwargs", Json::value_t::object, Json()));
  request.add_generation_prompt = job.add_generation_prompt;
  if (job.date.empty()) {
    request.clock = LocalTimeNow;
  } else {
    LLM_ASSIGN_OR_RETURN(request.clock, FixedDateClock(job.date));
  }
  LLM_ASSIGN_OR_RETURN(ChatTemplate tmpl,
                       ChatTemplate::FromSource(job.source, job.bos_token, job.eos_token));
  if (!tmpl.interpreted()) {  // shows the template's own prompt, never a native stand-in
    if (job.source.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Status::InvalidArgument("the template is empty");
    }
    return jinja::Template::Parse(job.source).status();
  }
  return tmpl.RenderRequest(request);
}

}  // namespace llm::engine
