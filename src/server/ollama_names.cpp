#include "server/ollama_names.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "nlohmann/json.hpp"

namespace llm::server {
namespace {

constexpr std::string_view kLatest = ":latest";

bool OllamaFileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// `name` without a trailing ":latest".
std::string OllamaWithoutLatest(const std::string& name) {
  if (name.size() > kLatest.size() && name.ends_with(kLatest)) return name.substr(0, name.size() - kLatest.size());
  return name;
}

}  // namespace

std::string OllamaTaggedName(const std::string& name) {
  return name.find(':') == std::string::npos ? name + std::string(kLatest) : name;
}

std::string OllamaNameOfFile(const std::string& file_name) {
  std::string stem = file_name;
  if (stem.size() > 5 && stem.ends_with(".gguf")) stem.resize(stem.size() - 5);
  return OllamaTaggedName(stem);
}

Result<std::map<std::string, std::string>> ParseModelAliases(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("must be a JSON object mapping model names to file names");
  }
  std::map<std::string, std::string> aliases;
  for (const auto& [alias, file] : doc.items()) {
    if (alias.empty() || !file.is_string() || file.get<std::string>().empty()) {
      return Status::InvalidArgument("alias '" + alias + "' must map to a file name (a non-empty string)");
    }
    aliases[OllamaTaggedName(alias)] = file.get<std::string>();
  }
  return aliases;
}

Result<std::map<std::string, std::string>> ReadModelAliasesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("model aliases file " + path + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  Result<std::map<std::string, std::string>> aliases = ParseModelAliases(text.str());
  if (!aliases.ok()) return Status::InvalidArgument("model aliases file " + path + ": " + aliases.status().message());
  return aliases;
}

OllamaModelNames::OllamaModelNames(std::string models_dir, std::string aliases_file)
    : models_dir_(std::move(models_dir)), aliases_file_(std::move(aliases_file)) {}

Result<std::map<std::string, std::string>> OllamaModelNames::Aliases() const {
  std::string path = aliases_file_;
  if (path.empty()) {
    path = models_dir_ + "/aliases.json";
    if (!OllamaFileExists(path)) return std::map<std::string, std::string>{};
  }
  return ReadModelAliasesFile(path);
}

ApiError OllamaNameError(const Status& status) {
  if (status.code() == StatusCode::kNotFound) return ModelNotFound(status.message());
  return ApiError{500, "ModelAliasesError", status.message(), "model", "model_aliases_error", 0};
}

Result<ModelFile> OllamaModelNames::Resolve(const std::string& name) const {
  LLM_ASSIGN_OR_RETURN(auto aliases, Aliases());
  auto alias = aliases.find(OllamaTaggedName(name));
  if (alias != aliases.end()) {
    Result<ModelFile> file = ResolveModelFile(models_dir_, alias->second);
    if (!file.ok()) {
      return Status::InvalidArgument("model alias '" + name + "' names '" + alias->second +
                                     "', which is not a model file of the models directory");
    }
    return file;
  }
  Result<ModelFile> file = ResolveModelFile(models_dir_, OllamaWithoutLatest(name));
  if (!file.ok()) return Status::NotFound("model '" + name + "' not found");
  return file;
}

Result<std::vector<OllamaModelNames::Entry>> OllamaModelNames::List() const {
  LLM_ASSIGN_OR_RETURN(auto aliases, Aliases());
  std::vector<Entry> entries;
  for (ModelFile& file : ScanModelsDir(models_dir_)) entries.push_back({OllamaNameOfFile(file.name), std::move(file)});
  for (const auto& [alias, target] : aliases) {
    Result<ModelFile> file = ResolveModelFile(models_dir_, target);
    if (file.ok()) entries.push_back({alias, std::move(file).value()});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace llm::server
