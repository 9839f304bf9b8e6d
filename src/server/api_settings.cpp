#include "server/api_settings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/cpu_topology.h"
#include "nlohmann/json.hpp"
#include "server/ollama_names.h"

namespace llm::server {
namespace {

Status Malformed(const std::string& name, const std::string& value, const std::string& why) {
  return Status::InvalidArgument(name + "=" + value + ": " + why);
}

// Reads an integer variable in [lo, hi] (core/env.h's rules); keeps *out when unset or empty.
Status ReadInt(const EnvLookup& env, const std::string& name, int lo, int hi, int* out) {
  LLM_ASSIGN_OR_RETURN(uint64_t x, EnvNonNegative(env, name, static_cast<uint64_t>(*out), static_cast<uint64_t>(hi)));
  if (x < static_cast<uint64_t>(lo)) {
    return Malformed(name, std::to_string(x), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  *out = static_cast<int>(x);
  return Status::Ok();
}

// Reads a number of seconds in [lo, hi]; keeps *out when unset or empty.
Status ReadSeconds(const EnvLookup& env, const std::string& name, double lo, double hi, double* out) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return Status::Ok();
  char* end = nullptr;
  double x = std::strtod(v->c_str(), &end);
  if (*end != '\0' || !std::isfinite(x) || std::isspace(static_cast<unsigned char>((*v)[0]))) {
    return Malformed(name, *v, "not a number");
  }
  if (x < lo || x > hi) {
    std::ostringstream range;
    range << "must be between " << lo << " and " << hi << " seconds";
    return Malformed(name, *v, range.str());
  }
  *out = x;
  return Status::Ok();
}

std::string TrimSpace(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The key from --api-key-file: the file's content without surrounding white space.
Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("--api-key-file " + path + ": cannot be read");
  std::ostringstream content;
  content << in.rdbuf();
  std::string key = TrimSpace(content.str());
  if (key.empty()) return Status::InvalidArgument("--api-key-file " + path + ": the file is empty");
  if (key.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument("--api-key-file " + path + ": the key must be one line without spaces");
  }
  return key;
}

nlohmann::json KeyNames(const std::vector<NamedKey>& keys) {
  nlohmann::json names = nlohmann::json::array();
  for (const NamedKey& k : keys) names.push_back(k.name);
  return names;
}

}  // namespace

int ApiSettings::TotalThreads() const {
  return threads > 0 ? threads : DefaultComputeThreads();
}


nlohmann::json ApiSettings::Redacted() const {
  return {{"parallel", parallel},
          {"max_queue", max_queue},
          {"max_loaded_models", max_loaded_models},
          {"max_generation_seconds", max_generation_seconds},
          {"shutdown_grace_seconds", shutdown_grace_seconds},
          {"threads", threads},
          {"context_size", context_size},
          {"default_model", default_model},
          {"api_key", api_key.empty() ? nlohmann::json(nullptr) : nlohmann::json("[REDACTED]")},
          {"api_keys_file", api_keys_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(api_keys_file)},
          {"model_aliases_file", model_aliases_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(model_aliases_file)},
          {"api_key_names", KeyNames(keys)},
          {"protect_metrics", protect_metrics},
          {"use_mmap", use_mmap}};
}

Result<ApiSettings> ParseApiSettings(const EnvLookup& env, const ApiFlags& flags) {
  ApiSettings s;
  LLM_RETURN_IF_ERROR(ReadInt(env, "PARALLEL", 1, 256, &s.parallel));
  LLM_RETURN_IF_ERROR(ReadInt(env, "MAX_QUEUE", 0, 100000, &s.max_queue));
  LLM_RETURN_IF_ERROR(ReadInt(env, "MAX_LOADED_MODELS", 1, 1024, &s.max_loaded_models));
  LLM_RETURN_IF_ERROR(ReadSeconds(env, "MAX_GENERATION_SECONDS", 0, 86400.0 * 365, &s.max_generation_seconds));
  LLM_RETURN_IF_ERROR(ReadSeconds(env, "SHUTDOWN_GRACE_SECONDS", 0, 86400, &s.shutdown_grace_seconds));
  LLM_RETURN_IF_ERROR(ReadInt(env, "THREADS", 0, 1024, &s.threads));
  LLM_RETURN_IF_ERROR(ReadInt(env, "CONTEXT_SIZE", 16, 1 << 20, &s.context_size));
  LLM_ASSIGN_OR_RETURN(s.protect_metrics, EnvBool(env, "PROTECT_METRICS", s.protect_metrics));
  LLM_ASSIGN_OR_RETURN(s.use_mmap, EnvBool(env, "USE_MMAP", s.use_mmap));
  if (flags.no_mmap) s.use_mmap = false;
  if (std::optional<std::string> m = env("DEFAULT_MODEL")) s.default_model = TrimSpace(*m);
  if (flags.model) s.default_model = *flags.model;
  if (std::optional<std::string> k = env("LLM_API_KEY")) {
    s.api_key = TrimSpace(*k);
    if (s.api_key.empty() && !k->empty()) return Status::InvalidArgument("LLM_API_KEY: only white space");
  }
  if (flags.api_key_file) {
    LLM_ASSIGN_OR_RETURN(s.api_key, ReadKeyFile(*flags.api_key_file));
  }
  if (std::optional<std::string> f = env("API_KEYS_FILE")) s.api_keys_file = TrimSpace(*f);
  if (std::optional<std::string> f = env("MODEL_ALIASES_FILE")) s.model_aliases_file = TrimSpace(*f);
  if (!s.model_aliases_file.empty()) {
    Result<std::map<std::string, std::string>> aliases = ReadModelAliasesFile(s.model_aliases_file);
    if (!aliases.ok()) return Status::InvalidArgument("MODEL_ALIASES_FILE: " + aliases.status().message());
  }
  if (flags.api_keys_file) s.api_keys_file = *flags.api_keys_file;
  LLM_ASSIGN_OR_RETURN(s.keys, LoadConfiguredKeys(s));
  return s;
}

Result<std::vector<NamedKey>> LoadConfiguredKeys(const ApiSettings& settings) {
  std::vector<NamedKey> keys;
  if (!settings.api_key.empty()) keys.push_back({std::string(kDefaultKeyName), settings.api_key});
  if (settings.api_keys_file.empty()) return keys;
  LLM_ASSIGN_OR_RETURN(std::vector<NamedKey> named, LoadApiKeysFile(settings.api_keys_file));
  Status merged = MergeKeys(keys, std::move(named));
  if (!merged.ok()) {
    return Status::InvalidArgument("API_KEYS_FILE " + settings.api_keys_file + ": " + merged.message() +
                                   " (LLM_API_KEY is the key named 'default')");
  }
  return keys;
}

}  // namespace llm::server
