// Loading a model file for serving: the engine's Model (memory-mapped), its description and
// its chat template (ChatML when the model has none or one we do not recognise).
#pragma once

#include <memory>

#include "core/status.h"
#include "server/model_registry.h"

namespace llm::server {

// The ModelLoader the server uses; the error is the engine loader's reason.
Result<std::shared_ptr<const ServedModel>> LoadServedModel(const ModelFile& file);

}  // namespace llm::server
