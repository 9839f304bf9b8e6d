// Chat templates rendered by the Jinja interpreter, with the variables transformers'
// apply_chat_template gives a template: messages, tools, add_generation_prompt, bos_token,
// eos_token and the caller's extra variables.
#include <cstdio>
#include <ctime>

#include "engine/chat/chat_template.h"
#include "engine/chat/jinja_json.h"
#include "engine/chat/jinja_template.h"
#include "engine/chat/template_source.h"

namespace llm::engine {
namespace {

nlohmann::ordered_json MessagesJson(std::span<const ChatMessage> messages) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ChatMessage& m : messages) out.push_back({{"role", m.role}, {"content", m.content}});
  return out;
}

}  // namespace

std::tm LocalTimeNow() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local;
}

Result<std::function<std::tm()>> FixedDateClock(std::string_view date) {
  int year = 0, month = 0, day = 0;
  char tail = 0;
  const std::string text(date);
  if (date.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 ||
      month < 1 || month > 12 || day < 1 || day > 31) {
    return Status::InvalidArgument("date must be YYYY-MM-DD, got \"" + text + "\"");
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_isdst = 0;
  const std::time_t t = timegm(&tm);  // normalises, and fills the weekday and day of year
  std::tm normal{};
  gmtime_r(&t, &normal);
  if (normal.tm_mday != day) return Status::InvalidArgument("no such date: " + text);
  return std::function<std::tm()>([normal] { return normal; });
}

Result<ChatTemplate> ChatTemplate::FromSource(std::string_view source, std::string bos_token,
                                              std::string eos_token) {
  LLM_ASSIGN_OR_RETURN(ChatTemplate tmpl,
                       Interpreted(source, std::move(bos_token), std::move(eos_token)));
  tmpl.tool_call_format_ = DetectToolCallFormat(source);
  return tmpl;
}

Result<ChatTemplate> ChatTemplate::Interpreted(std::string_view source, std::string bos_token,
                                               std::string eos_token) {
  if (Compact(source).empty()) return Recognise(source, std::move(bos_token), std::move(eos_token));
  auto parsed = jinja::Template::Parse(source);
  auto recognised = Recognise(source, bos_token, eos_token);
  if (!parsed.ok()) {
    if (recognised.ok()) return recognised;  // the native renderer of its family
    return parsed.status();
  }
  ChatTemplate tmpl = recognised.ok()
                          ? std::move(recognised).value()
                          : ChatTemplate(ChatFamily::kCustom, ChatTemplateStyle{},
                                         std::move(bos_token), std::move(eos_token));
  tmpl.jinja_ = std::make_shared<const jinja::Template>(std::move(parsed).value());
  return tmpl;
}

Result<std::string> ChatTemplate::Render(std::span<const ChatMessage> messages,
                                         bool add_generation_prompt) const {
  LLM_RETURN_IF_ERROR(ValidateChatMessages(messages));
  if (!jinja_) return RenderNative(messages, add_generation_prompt);
  ChatTemplateRequest request;
  request.messages = MessagesJson(messages);
  request.add_generation_prompt = add_generation_prompt;
  request.clock = clock_;
  return RenderRequest(request);
}

Result<std::string> ChatTemplate::RenderPrompt(std::span<const ChatMessage> messages,
                                               bool add_generation_prompt,
                                               bool tokenizer_adds_bos) const {
  LLM_ASSIGN_OR_RETURN(std::string text, Render(messages, add_generation_prompt));
  if (tokenizer_adds_bos && !bos_.empty() && text.starts_with(bos_)) text.erase(0, bos_.size());
  if (!eos_.empty() && text.ends_with(eos_)) text.resize(text.size() - eos_.size());
  return text;
}

Result<std::string> ChatTemplate::RenderRequest(const ChatTemplateRequest& request) const {
  if (!jinja_) {
    return Status::Unsupported("the " + std::string(family_name()) +
                               " template is rendered natively, without tools or extra variables");
  }
  jinja::Variables vars;
  vars.emplace_back("messages", jinja::FromJson(request.messages));
  vars.emplace_back("tools", jinja::FromJson(request.tools));
  vars.emplace_back("documents", jinja::Value(jinja::None{}));
  vars.emplace_back("add_generation_prompt", jinja::Value(request.add_generation_prompt));
  vars.emplace_back("bos_token", jinja::Value(bos_));
  vars.emplace_back("eos_token", jinja::Value(eos_));
  if (request.kwargs.is_object()) {
    for (const auto& [key, value] : request.kwargs.items()) {
      vars.emplace_back(key, jinja::FromJson(value));
    }
  }
  jinja::RenderOptions options;
  options.clock = request.clock;
  return jinja_->Render(vars, options);
}

}  // namespace llm::engine
