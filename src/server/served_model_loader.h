// Loading a model file for serving: the engine's Model (memory-mapped or read), its description and
// its chat template (ChatML when the model has none or one we do not recognise).
#pragma once

#include <memory>

#include "core/mapped_file.h"
#include "core/status.h"
#include "server/model_registry.h"

namespace llm::server {

// The ModelLoader the server uses (the file mapped, or read into memory: `mode`); the error
// is the engine loader's reason.
Result<std::shared_ptr<const ServedModel>> LoadServedModel(const ModelFile& file, LoadMode mode = LoadMode::kMap);

}  // namespace llm::server
