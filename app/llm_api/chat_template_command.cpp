// `llm-api chat-template (--model FILE | --template FILE) --messages FILE [--tools FILE]
// [--add-generation-prompt] [--bos TEXT] [--eos TEXT] [--kwargs JSON] [--date YYYY-MM-DD]`:
// prints the prompt a chat template makes of a conversation, as transformers'
// apply_chat_template would, for people debugging a model's prompt.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chat/chat_template_job.h"
#include "engine/gguf/gguf_reader.h"
#include "llm_api/commands.h"

namespace llm::app {
namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The template and the BOS/EOS texts stored in a GGUF model file.
Status ReadModelTemplate(const std::string& path, engine::ChatTemplateJob* job) {
  LLM_ASSIGN_OR_RETURN(auto file, engine::GgufFile::Open(path));
  auto source = file->GetString("tokenizer.chat_template");
  if (!source.ok()) {
    return Status::NotFound(path + ": the model has no tokenizer.chat_template (the server uses "
                            "ChatML for it)");
  }
  job->source = *source;
  LLM_ASSIGN_OR_RETURN(std::vector<std::string> tokens,
                       file->GetStringArray("tokenizer.ggml.tokens"));
  auto token = [&](const char* key) -> std::string {
    auto id = file->GetUInt(key);
    return id.ok() && *id < tokens.size() ? tokens[*id] : "";
  };
  job->bos_token = token("tokenizer.ggml.bos_token_id");
  job->eos_token = token("tokenizer.ggml.eos_token_id");
  return Status::Ok();
}

int Fail(const Status& status) {
  std::fprintf(stderr, "llm-api chat-template: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int RunChatTemplate(int argc, char** argv) {
  CLI::App app{"Print the prompt a chat template makes of a conversation",
               "llm-api chat-template"};
  std::string model, template_file, messages, tools, bos, eos;
  engine::ChatTemplateJob job;
  auto* model_opt = app.add_option("--model", model, "GGUF model whose template to use");
  auto* template_opt = app.add_option("--template", template_file, "Jinja template file");
  model_opt->excludes(template_opt);
  app.add_option("--messages", messages, "JSON file: an array of OpenAI-shaped messages")
      ->required();
  app.add_option("--tools", tools, "JSON file: an array of OpenAI-shaped tools");
  app.add_flag("--add-generation-prompt", job.add_generation_prompt,
               "end with the assistant's opening");
  auto* bos_opt = app.add_option("--bos", bos, "BOS token text (default: the model's, or none)");
  auto* eos_opt = app.add_option("--eos", eos, "EOS token text (default: the model's, or none)");
  app.add_option("--kwargs", job.kwargs_json,
                 "JSON object of extra template variables, e.g. {\"enable_thinking\": false}");
  app.add_option("--date", job.date, "the date strftime_now reads (default: today)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  if (model.empty() == template_file.empty()) {
    return Fail(Status::InvalidArgument("give one of --model and --template"));
  }
  if (!model.empty()) {
    if (Status s = ReadModelTemplate(model, &job); !s.ok()) return Fail(s);
  } else {
    auto source = ReadText(template_file);
    if (!source.ok()) return Fail(source.status());
    job.source = std::move(*source);
  }
  if (*bos_opt) job.bos_token = bos;
  if (*eos_opt) job.eos_token = eos;
  auto messages_text = ReadText(messages);
  if (!messages_text.ok()) return Fail(messages_text.status());
  job.messages_json = std::move(*messages_text);
  if (!tools.empty()) {
    auto tools_text = ReadText(tools);
    if (!tools_text.ok()) return Fail(tools_text.status());
    job.tools_json = std::move(*tools_text);
  }
  auto text = engine::RenderChatTemplateJob(job);
  if (!text.ok()) return Fail(text.status());
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

}  // namespace llm::app
