#include "server/model_registry.h"

#include <algorithm>

namespace llm::server {

ModelRegistry::ModelRegistry(std::string models_dir, int max_loaded, ModelLoader loader, RegistryObserver observer)
    : dir_(std::move(models_dir)),
      max_loaded_(std::max(1, max_loaded)),
      loader_(std::move(loader)),
      observer_(std::move(observer)) {}

std::shared_ptr<const ServedModel> ModelRegistry::FindLoaded(const std::string& file_name) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end(); ++it) {
    if ((*it)->name == file_name) {
      lru_.splice(lru_.begin(), lru_, it);
      return lru_.front();
    }
  }
  return nullptr;
}

Result<std::shared_ptr<const ServedModel>> ModelRegistry::Acquire(const std::string& name) {
  LLM_ASSIGN_OR_RETURN(ModelFile file, ResolveModelFile(dir_, name));
  if (auto hit = FindLoaded(file.name)) return hit;

  std::lock_guard<std::mutex> load_lock(load_mu_);
  if (auto hit = FindLoaded(file.name)) return hit;  // loaded by another request meanwhile
  // Make room first, so two large models are never in memory because of us.
  std::vector<std::string> evicted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (static_cast<int>(lru_.size()) >= max_loaded_) {
      evicted.push_back(lru_.back()->name);
      lru_.pop_back();
    }
  }
  for (const std::string& n : evicted) {
    if (observer_.on_unloaded) observer_.on_unloaded(n, "least recently used, room for " + file.name);
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const ServedModel>> loaded = loader_(file);
  if (!loaded.ok()) {
    if (observer_.on_load_failed) observer_.on_load_failed(file.name, loaded.status());
    return loaded.status();
  }
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.push_front(*loaded);
  }
  if (observer_.on_loaded) observer_.on_loaded(**loaded, load_ms);
  return loaded;
}

bool ModelRegistry::IsLoaded(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::any_of(lru_.begin(), lru_.end(), [&](const auto& m) { return m->name == name; });
}

int ModelRegistry::loaded_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(lru_.size());
}

void ModelRegistry::UnloadAll(const std::string& reason) {
  std::list<std::shared_ptr<const ServedModel>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped.swap(lru_);
  }
  for (const auto& m : dropped) {
    if (observer_.on_unloaded) observer_.on_unloaded(m->name, reason);
  }
}

}  // namespace llm::server
