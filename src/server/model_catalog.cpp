#include "server/model_catalog.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "engine/gguf/gguf_reader.h"
#include "engine/model/model.h"
#include "nlohmann/json.hpp"

namespace llm::server {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Fills size and mtime from stat(); false when not a regular file.
bool StatRegularFile(ModelFile* file) {
  struct stat st {};
  if (::stat(file->path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  file->size_bytes = static_cast<uint64_t>(st.st_size);
  file->modified_unix = static_cast<int64_t>(st.st_mtime);
  return true;
}

}  // namespace

std::vector<ModelFile> ScanModelsDir(const std::string& dir) {
  std::vector<ModelFile> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    ModelFile file;
    file.name = entry.path().filename().string();
    if (!EndsWith(file.name, ".gguf")) continue;
    file.path = dir + "/" + file.name;
    if (StatRegularFile(&file)) files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(), [](const ModelFile& a, const ModelFile& b) { return a.name < b.name; });
  return files;
}

Result<ModelFile> ResolveModelFile(const std::string& dir, const std::string& name) {
  if (name.empty()) return Status::NotFound("no model named and no DEFAULT_MODEL set");
  const bool plain = name.find_first_of(std::string("/\\\0", 3)) == std::string::npos && name != "." && name != "..";
  if (!plain) return Status::NotFound("model '" + name + "' is not a file name of the models directory");
  // "stories260K" finds "stories260K.gguf"; anything but a .gguf file is not a model.
  const std::string file_name = EndsWith(name, ".gguf") ? name : name + ".gguf";
  ModelFile file{file_name, dir + "/" + file_name, 0, 0};
  if (!StatRegularFile(&file)) return Status::NotFound("model '" + name + "' not found");
  return file;
}

Result<ModelDescription> DescribeModelFile(const std::string& path) {
  LLM_ASSIGN_OR_RETURN(std::unique_ptr<engine::GgufFile> gguf, engine::GgufFile::Open(path));
  ModelDescription d;
  LLM_ASSIGN_OR_RETURN(d.architecture, gguf->GetString("general.architecture"));
  Result<int64_t> ctx = gguf->GetInt(d.architecture + ".context_length");
  d.context_length = ctx.ok() ? static_cast<int32_t>(std::clamp<int64_t>(*ctx, 0, INT32_MAX)) : 0;
  d.parameters = engine::ParameterCount(*gguf);
  d.tensor_type = engine::FileTypeName(*gguf);
  // The listing still describes a file the engine cannot run (its architecture is outside the
  // table): it then has no head size.
  Result<engine::ModelHparams> hp = engine::ReadHparams(*gguf);
  if (hp.ok()) {
    d.head_size = hp->head_dim;
    d.sliding_window = hp->n_swa;
  }
  return d;
}

nlohmann::json DescriptionFields(const ModelDescription& d) {
  nlohmann::json fields = {{"architecture", d.architecture},
                           {"parameters", d.parameters},
                           {"tensor_type", d.tensor_type},
                           {"context_length", d.context_length}};
  if (d.head_size > 0) fields["head_size"] = d.head_size;
  if (d.sliding_window > 0) fields["sliding_window"] = d.sliding_window;
  return fields;
}

Result<ModelDescription> ModelDescriptionCache::Get(const ModelFile& file) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(file.path);
    if (it != entries_.end() && it->second.size == file.size_bytes && it->second.mtime == file.modified_unix) {
      return it->second.description;
    }
  }
  LLM_ASSIGN_OR_RETURN(ModelDescription d, DescribeModelFile(file.path));
  std::lock_guard<std::mutex> lock(mu_);
  entries_[file.path] = Entry{file.size_bytes, file.modified_unix, d};
  return d;
}

}  // namespace llm::server
