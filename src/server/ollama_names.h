// Model names as Ollama clients send them ("name:tag") mapped onto files of the models
// directory. The rule, in order:
//   1. the aliases file -- MODEL_ALIASES_FILE, else <models dir>/aliases.json when it exists --
//      a JSON object {"alias": "file name"}, e.g. {"qwen2.5:1.5b": "qwen2.5-1.5b-instruct-q4_k_m.gguf"};
//      an alias without a tag means "alias:latest", as the name looked up does;
//   2. the name itself with ":latest" removed, as a file name with or without ".gguf"
//      ("stories260K:latest", "stories260K" and "stories260K.gguf" all name stories260K.gguf).
// Names never leave the directory (ResolveModelFile). The aliases file is read at each use, so
// an edit takes effect without a restart.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/api_error.h"
#include "server/model_catalog.h"

namespace llm::server {

// `name` with ":latest" added when it has no tag ("llama3" -> "llama3:latest").
std::string OllamaTaggedName(const std::string& name);
// The Ollama name of a model file: its name without ".gguf", tagged latest.
std::string OllamaNameOfFile(const std::string& file_name);
// Parses an aliases file's text: a JSON object of strings, keys tagged (OllamaTaggedName).
Result<std::map<std::string, std::string>> ParseModelAliases(const std::string& text);

// Reads and parses an aliases file; InvalidArgument naming the file when it cannot be read or
// parsed.
Result<std::map<std::string, std::string>> ReadModelAliasesFile(const std::string& path);

// The error of a name Resolve could not map: 404 for an unknown name (as Ollama answers),
// 500 when the aliases file is broken.
ApiError OllamaNameError(const Status& status);

class OllamaModelNames {
 public:
  // `aliases_file` "" means <models_dir>/aliases.json when that file exists, else no aliases.
  OllamaModelNames(std::string models_dir, std::string aliases_file);

  // The file `name` designates. NotFound for an unknown name; InvalidArgument when the aliases
  // file cannot be read or parsed, or names a file that does not exist.
  Result<ModelFile> Resolve(const std::string& name) const;

  struct Entry {
    std::string name;  // "stories260K:latest" or an alias
    ModelFile file;
  };
  // Every name /api/tags lists, sorted: each file of the directory (OllamaNameOfFile) and
  // each alias whose file exists.
  Result<std::vector<Entry>> List() const;

 private:
  // The aliases (empty when there is no file).
  Result<std::map<std::string, std::string>> Aliases() const;

  std::string models_dir_;
  std::string aliases_file_;
};

}  // namespace llm::server
