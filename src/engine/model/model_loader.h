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

// Replaces each matrix the kernels multiply (not token_embd, whose rows are looked up) by a
// copy in the layout this CPU's kernels run fastest (PackForKernels), when there is one; the
// copies' memory is appended to `storage`, and the file's bytes no view reads any more are
// given back (GgufFile::ReleaseBytes). ResourceExhausted when memory runs out.
Status PackForKernels(const GgufFile& file, ModelWeights* w, std::vector<std::shared_ptr<uint8_t[]>>* storage);

}  // namespace llm::engine::model_internal
