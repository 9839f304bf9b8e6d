// Helpers of Model::Load: reading hyperparameters and checked tensor views from a GGUF file.
// Internal to engine_model (not part of its public API).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/kernels/matmul.h"
#include "engine/model/model.h"

namespace llm::engine::model_internal {

// Reads and checks the `{arch}.*` hyperparameters the architecture table names (n_vocab is
// left for ReadWeights). Unsupported for an architecture outside the table.
Result<ModelHparams> ReadHparams(const GgufFile& file);

// Builds views of every weight the architecture has (fused tensors split into row ranges),
// checking presence, type and shape; fills hp->n_vocab.
Result<ModelWeights> ReadWeights(const GgufFile& file, ModelHparams* hp);

// The llama.cpp-style name of the file's type: general.file_type when present ("Q4_K_M"),
// else the type holding most bytes of the 2-D tensors ("Q8_0").
std::string FileTypeName(const GgufFile& file);

// Sum of the element counts of all tensors.
int64_t ParameterCount(const GgufFile& file);

}  // namespace llm::engine::model_internal
