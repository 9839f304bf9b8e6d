// ModelRegistry: the models in memory. A model is loaded on first use (memory-mapped), at most
// `max_loaded` at once, the least recently used unloaded first. A request keeps its model alive
// through a shared_ptr even if it is unloaded meanwhile. Loads are serialized; lookups of loaded
// models never wait for a load. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/chat/chat_template.h"
#include "server/model_catalog.h"

namespace llm::engine {
class Model;
}

namespace llm::server {

// A model ready to serve.
struct ServedModel {
  std::string name;  // file name, e.g. "stories260K.gguf"
  std::string path;
  uint64_t size_bytes = 0;
  ModelDescription description;
  std::shared_ptr<const engine::Model> model;  // the engine's model (null in unit tests)
  engine::ChatTemplate chat_template = engine::ChatTemplate::ChatML();
  std::string chat_template_note;  // "" or why the model's own template is not used
};

// Loads a model file; the error carries the loader's reason.
using ModelLoader = std::function<Result<std::shared_ptr<const ServedModel>>(const ModelFile& file)>;

// Callbacks for the model_loaded / model_unloaded / model_load_failed events.
struct RegistryObserver {
  std::function<void(const ServedModel& model, double load_ms)> on_loaded;
  std::function<void(const std::string& name, const std::string& reason)> on_unloaded;
  std::function<void(const std::string& name, const Status& error)> on_load_failed;
};

class ModelRegistry {
 public:
  ModelRegistry(std::string models_dir, int max_loaded, ModelLoader loader, RegistryObserver observer = {});

  // The model named `name`, loading it (and unloading the least recently used one) if needed.
  // NotFound when the name is not a model file of the directory; the loader's error otherwise.
  Result<std::shared_ptr<const ServedModel>> Acquire(const std::string& name);

  // True when the model file `name` is in memory.
  bool IsLoaded(const std::string& name) const;
  int loaded_count() const;
  const std::string& models_dir() const { return dir_; }
  // Unloads every model (shutdown); writes model_unloaded for each.
  void UnloadAll(const std::string& reason);

 private:
  // The loaded model named `file_name` (made most recently used), or null.
  std::shared_ptr<const ServedModel> FindLoaded(const std::string& file_name);

  const std::string dir_;
  const int max_loaded_;
  ModelLoader loader_;
  RegistryObserver observer_;
  std::mutex load_mu_;  // serializes loads (held while loading, never with mu_ waiting on it)
  mutable std::mutex mu_;
  std::list<std::shared_ptr<const ServedModel>> lru_;  // front: most recently used; guarded by mu_
};

}  // namespace llm::server
