// Helper of Model::Load: checked tensor views from a GGUF file (the hyperparameters come from
// ReadHparams of model.h). Internal to engine_model (not part of its public API).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/kernels/matmul.h"
#include "engine/model/model.h"

namespace llm::engine::model_internal {

// Builds views of every weight the architecture has (fused tensors split into row ranges),
// checking presence, type and shape; fills hp->n_vocab.
Result<ModelWeights> ReadWeights(const GgufFile& file, ModelHparams* hp);

}  // namespace llm::engine::model_internal
