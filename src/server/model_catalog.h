// The models directory: which `.gguf` files it holds, how a request's model name maps to a
// file (never outside the directory), and a description of each file read from its metadata
// without loading the weights.
#pragma once

#include <cstdint>
#include <mutex>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "nlohmann/json_fwd.hpp"

namespace llm::server {

struct ModelFile {
  std::string name;  // file name, e.g. "stories260K.gguf"
  std::string path;  // directory + "/" + name
  uint64_t size_bytes = 0;
  int64_t modified_unix = 0;  // seconds since the epoch
};

// What /api/v1/models and /v1/models show about a model.
struct ModelDescription {
  std::string architecture;   // general.architecture
  int64_t parameters = 0;     // sum of the tensors' element counts
  std::string tensor_type;    // llama.cpp's file type name: "Q4_0", "F32", ...
  int32_t context_length = 0; // trained context length
  int32_t head_size = 0;      // attention head size: {arch}.attention.key_length, default
                              // n_embd / n_head (0: the architecture is not supported)
  int32_t sliding_window = 0; // window of the sliding-window layers (0: none)
};

// The `.gguf` regular files of `dir`, sorted by name (empty when the directory is missing).
std::vector<ModelFile> ScanModelsDir(const std::string& dir);

// The file a request's model name designates. NotFound when the name is empty, is not a plain
// file name (a '/', a '\\', "..", a NUL byte: attempts to leave the directory), or is not a
// regular file of the directory.
Result<ModelFile> ResolveModelFile(const std::string& dir, const std::string& name);

// The description as the fields of a model listing entry and of the model_loaded record:
// architecture, parameters, tensor_type, context_length, head_size (when known) and
// sliding_window (only when the model has one).
nlohmann::json DescriptionFields(const ModelDescription& d);

// Reads a description from a GGUF file's metadata (the error is the reader's reason).
Result<ModelDescription> DescribeModelFile(const std::string& path);

// DescribeModelFile with a cache keyed by path, size and modification time. Thread-safe.
class ModelDescriptionCache {
 public:
  Result<ModelDescription> Get(const ModelFile& file);

 private:
  struct Entry {
    uint64_t size;
    int64_t mtime;
    ModelDescription description;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace llm::server
