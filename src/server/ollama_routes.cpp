#include "server/ollama_routes.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>

#include "engine/gguf/gguf_reader.h"
#include "nlohmann/json.hpp"
#include "server/error_answer.h"
#include "server/native_json.h"
#include "server/ollama_adapter.h"
#include "server/ollama_json.h"
#include "server/ollama_request.h"
#include "server/request_fields.h"

namespace llm::server {
namespace {

using nlohmann::ordered_json;

// An identity of a file version (FNV-1a of its name, size and modification time, in hex):
// Ollama's digest names a manifest; hashing gigabytes of weights per listing would be slow.
std::string OllamaFileDigest(const ModelFile& file) {
  const std::string key = file.name + "\n" + std::to_string(file.size_bytes) + "\n" + std::to_string(file.modified_unix);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, h);
  return hex;
}

std::string OllamaUnixTime(int64_t seconds) {
  return OllamaTime(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

Response OllamaJsonAnswer(const ordered_json& body) {
  Response r;
  r.body = DumpJson(body);
  return r;
}

}  // namespace

OllamaRoutes::OllamaRoutes(const ApiSettings& settings, const std::string& models_dir, ModelRegistry& registry,
                           ModelDescriptionCache& descriptions, GenerationPipeline& pipeline, NameWatch watch)
    : settings_(settings),
      models_dir_(models_dir),
      registry_(registry),
      descriptions_(descriptions),
      pipeline_(pipeline),
      watch_(std::move(watch)),
      names_(models_dir, settings.model_aliases_file) {}

void OllamaRoutes::Attach(RouteTable& routes) {
  routes.Add({"POST", "/api/generate", "ollama_generate",
              [this](RequestContext& c) { return Generation(c, PromptKind::kText); }, true});
  routes.Add({"POST", "/api/chat", "ollama_chat", [this](RequestContext& c) { return Generation(c, PromptKind::kChat); },
              true});
  routes.Add({"GET", "/api/tags", "ollama_tags", [this](RequestContext& c) { return Tags(c); }, false});
  routes.Add({"POST", "/api/show", "ollama_show", [this](RequestContext& c) { return Show(c); }, true});
  routes.Add({"GET", "/api/ps", "ollama_ps", [this](RequestContext& c) { return Ps(c); }, false});
  routes.Add({"GET", "/api/version", "ollama_version", [this](RequestContext& c) { return Version(c); }, false});
  for (const char* op : {"pull", "push", "create", "copy"}) {
    routes.Add({"POST", std::string("/api/") + op, std::string("ollama_") + op,
                [this, op](RequestContext& c) { return Unsupported(c, op); }, false});
  }
  routes.Add({"DELETE", "/api/delete", "ollama_delete", [this](RequestContext& c) { return Unsupported(c, "delete"); },
              false});
}

Response OllamaRoutes::Generation(RequestContext& ctx, PromptKind route) {
  auto adapter = std::make_unique<OllamaAdapter>(route);
  GenerationRequest req;
  std::optional<ApiError> refused = adapter->Parse(ctx.json(), ctx.request().body, &req);
  watch_(ctx, req.model);
  if (refused) return pipeline_.Reject(ctx, *adapter, req, *refused);
  Result<ModelFile> file = names_.Resolve(req.model);
  if (!file.ok()) return pipeline_.Reject(ctx, *adapter, req, OllamaNameError(file.status()));
  req.model = file->name;
  const OllamaRequest& extra = adapter->ollama_request();
  if (extra.load_only || extra.think_given) {
    Result<std::shared_ptr<const ServedModel>> model = registry_.Acquire(req.model);
    if (!model.ok()) return pipeline_.Reject(ctx, *adapter, req, ModelUnavailable(model.status(), req.model));
    // `think` switches a Jinja template's enable_thinking; a natively rendered template has
    // no thinking to switch on (Ollama refuses think for such models) nor to switch off.
    if (extra.think_given && !(*model)->chat_template.interpreted()) {
      if (req.template_kwargs.value("enable_thinking", false)) {
        return pipeline_.Reject(ctx, *adapter, req,
                                InvalidRequest("model '" + extra.model + "' does not support thinking", "think"));
      }
      req.template_kwargs = nullptr;
    }
    if (extra.load_only) {
      Response r;
      r.body = adapter->LoadAnswer();
      if (req.stream) {
        r.content_type = "application/x-ndjson";
        r.body += "\n";
      }
      return r;
    }
  }
  return pipeline_.Handle(ctx, std::move(adapter), std::move(req));
}

ordered_json OllamaRoutes::ListingEntry(const std::string& name, const ModelFile& file) {
  Result<ModelDescription> d = descriptions_.Get(file);
  return {{"name", name},
          {"model", name},
          {"modified_at", OllamaUnixTime(file.modified_unix)},
          {"size", file.size_bytes},
          {"digest", OllamaFileDigest(file)},
          {"details", OllamaModelDetails(d.ok() ? *d : ModelDescription{})}};
}

Response OllamaRoutes::Tags(RequestContext& ctx) {
  Result<std::vector<OllamaModelNames::Entry>> entries = names_.List();
  if (!entries.ok()) return ErrorResponse(ctx, ApiFlavor::kOllama, OllamaNameError(entries.status()));
  ordered_json models = ordered_json::array();
  for (const OllamaModelNames::Entry& e : *entries) models.push_back(ListingEntry(e.name, e.file));
  return OllamaJsonAnswer(ordered_json{{"models", std::move(models)}});
}

std::string OllamaRoutes::ParametersText(const ModelDescription& d) const {
  const engine::SamplingParams s = OllamaDefaultSampling();
  const int32_t n_ctx = d.context_length > 0 ? std::min(settings_.context_size, d.context_length) : settings_.context_size;
  char text[256];
  std::snprintf(text, sizeof text,
                "temperature %g\ntop_k %d\ntop_p %g\nmin_p %g\nrepeat_penalty %g\nrepeat_last_n %d\nnum_ctx %d",
                s.temperature, s.top_k, s.top_p, s.min_p, s.repeat_penalty, s.repeat_last_n, n_ctx);
  return text;
}

Response OllamaRoutes::Show(RequestContext& ctx) {
  const nlohmann::json& body = ctx.json();
  if (!body.is_object()) return ErrorResponse(ctx, ApiFlavor::kOllama, InvalidRequest("the request body must be a JSON object"));
  for (const auto& [field, value] : body.items()) {
    if (field != "model" && field != "name" && field != "verbose") {
      return ErrorResponse(ctx, ApiFlavor::kOllama, InvalidRequest("Unrecognized request argument supplied: " + field, field));
    }
  }
  std::string name;
  bool verbose = false;
  if (auto e = ReadString(body, "model", &name)) return ErrorResponse(ctx, ApiFlavor::kOllama, *e);
  if (name.empty()) {
    if (auto e = ReadString(body, "name", &name)) return ErrorResponse(ctx, ApiFlavor::kOllama, *e);
  }
  if (auto e = ReadBool(body, "verbose", &verbose)) return ErrorResponse(ctx, ApiFlavor::kOllama, *e);
  if (name.empty()) return ErrorResponse(ctx, ApiFlavor::kOllama, InvalidRequest("model is required", "model"));
  watch_(ctx, name);
  Result<ModelFile> file = names_.Resolve(name);
  if (!file.ok()) return ErrorResponse(ctx, ApiFlavor::kOllama, OllamaNameError(file.status()));
  Result<ModelDescription> d = descriptions_.Get(*file);
  Result<std::unique_ptr<engine::GgufFile>> gguf = engine::GgufFile::Open(file->path);
  if (!d.ok() || !gguf.ok()) {
    const Status& why = d.ok() ? gguf.status() : d.status();
    return ErrorResponse(ctx, ApiFlavor::kOllama,
                         ApiError{500, "ModelLoadError", "model '" + name + "' cannot be read: " + why.message(), "model",
                                  "model_load_failed", 0});
  }
  const engine::GgufFile& g = **gguf;
  Result<std::string> chat_template = g.GetString("tokenizer.chat_template");
  return OllamaJsonAnswer(ordered_json{{"modelfile", "# Modelfile generated by llm-api\nFROM " + file->name + "\n"},
                     {"parameters", ParametersText(*d)},
                     {"template", chat_template.ok() ? *chat_template : std::string()},
                     {"details", OllamaModelDetails(*d)},
                     {"model_info", OllamaModelInfo(g, verbose, d->parameters)},
                     {"capabilities", ordered_json::array({"completion", "tools"})},
                     {"modified_at", OllamaUnixTime(file->modified_unix)}});
}

Response OllamaRoutes::Ps(RequestContext&) {
  ordered_json models = ordered_json::array();
  for (const ModelFile& file : ScanModelsDir(models_dir_)) {
    if (!registry_.IsLoaded(file.name)) continue;
    ordered_json entry = ListingEntry(OllamaNameOfFile(file.name), file);
    entry.erase("modified_at");
    // Models stay loaded until MAX_LOADED_MODELS evicts them or the server stops: no expiry.
    entry["expires_at"] = "9999-12-31T23:59:59Z";
    entry["size_vram"] = 0;
    models.push_back(std::move(entry));
  }
  return OllamaJsonAnswer(ordered_json{{"models", std::move(models)}});
}

Response OllamaRoutes::Version(RequestContext&) { return OllamaJsonAnswer(ordered_json{{"version", kOllamaApiVersion}}); }

Response OllamaRoutes::Unsupported(RequestContext& ctx, std::string_view operation) {
  const std::string message =
      std::string(operation) +
      " is not supported: this server serves the .gguf files of its models directory (MODELS_DIR); add, copy or "
      "remove files there, and name them in the model aliases file (MODEL_ALIASES_FILE)";
  return ErrorResponse(ctx, ApiFlavor::kOllama, ApiError{501, "NotImplementedError", message, "", "not_implemented", 0});
}

}  // namespace llm::server
