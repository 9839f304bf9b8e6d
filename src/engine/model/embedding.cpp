#include "engine/model/embedding.h"

#include <cmath>
#include <exception>
#include <string>

#include "engine/model/decode_batcher.h"
#include "engine/model/forward.h"

namespace llm::engine {

std::string_view PoolingName(Pooling pooling) {
  switch (pooling) {
    case Pooling::kMean: return "mean";
    case Pooling::kCls: return "cls";
    case Pooling::kLast: return "last";
  }
  return "mean";
}

Result<Pooling> ModelPooling(const ModelHparams& hp) {
  switch (hp.pooling_type) {
    case 0:
    case 1: return Pooling::kMean;
    case 2: return Pooling::kCls;
    case 3: return Pooling::kLast;
    default:
      return Status::Unsupported("the model declares pooling_type " + std::to_string(hp.pooling_type) +
                                 " (rank: a reranker), which is not supported for embeddings");
  }
}

HiddenPool::HiddenPool(Pooling pooling, int32_t n_embd) : pooling_(pooling), n_embd_(n_embd) {
  if (pooling_ == Pooling::kMean) {
    sum_.assign(static_cast<size_t>(n_embd), 0.0);
  } else {
    picked_.assign(static_cast<size_t>(n_embd), 0.0f);
  }
}

void HiddenPool::Add(const float* rows, int64_t n_rows) {
  if (n_rows <= 0) return;
  const int64_t d = n_embd_;
  if (pooling_ == Pooling::kMean) {
    for (int64_t r = 0; r < n_rows; ++r) {
      for (int64_t i = 0; i < d; ++i) sum_[static_cast<size_t>(i)] += rows[r * d + i];
    }
  } else if (pooling_ == Pooling::kLast || n_rows_ == 0) {
    const float* row = pooling_ == Pooling::kLast ? rows + (n_rows - 1) * d : rows;
    picked_.assign(row, row + d);
  }
  n_rows_ += n_rows;
}

std::vector<float> HiddenPool::Pooled() const {
  if (pooling_ != Pooling::kMean) return picked_;
  std::vector<float> mean(sum_.size(), 0.0f);
  if (n_rows_ == 0) return mean;
  for (size_t i = 0; i < sum_.size(); ++i) mean[i] = static_cast<float>(sum_[i] / static_cast<double>(n_rows_));
  return mean;
}

void L2Normalize(std::span<float> v) {
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  if (sq <= 0) return;
  const double inv = 1.0 / std::sqrt(sq);
  for (float& x : v) x = static_cast<float>(x * inv);
}

Embedder::Embedder(std::shared_ptr<const Model> model, int32_t n_ctx, ThreadPool& pool)
    : model_(std::move(model)),
      n_ctx_(n_ctx > 0 ? n_ctx : model_->hparams().n_ctx_train),
      pool_(&pool),
      scratch_(std::make_unique<ForwardScratch>()) {}

Embedder::Embedder(std::shared_ptr<const Model> model, int32_t n_ctx, DecodeBatcher& batcher)
    : model_(std::move(model)), n_ctx_(n_ctx > 0 ? n_ctx : model_->hparams().n_ctx_train), batcher_(&batcher) {}

Embedder::~Embedder() = default;

Status Embedder::Check(std::span<const std::vector<int32_t>> inputs) const {
  const ModelHparams& hp = model_->hparams();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<int32_t>& input = inputs[i];
    const std::string which = "input " + std::to_string(i);
    if (input.empty()) return Status::InvalidArgument(which + " has no tokens");
    for (int32_t id : input) {
      if (id < 0 || id >= hp.n_vocab) {
        return Status::InvalidArgument(which + ": token id " + std::to_string(id) +
                                       " is outside the vocabulary (size " + std::to_string(hp.n_vocab) + ")");
      }
    }
    if (static_cast<int64_t>(input.size()) > n_ctx_) {
      return Status::OutOfRange(which + " has " + std::to_string(input.size()) + " tokens, more than the context of " +
                                std::to_string(n_ctx_));
    }
    if (!hp.causal_attention && input.size() > static_cast<size_t>(ForwardState::kMaxBatch)) {
      return Status::OutOfRange(which + " has " + std::to_string(input.size()) +
                                " tokens; a model with non-causal attention embeds at most " +
                                std::to_string(ForwardState::kMaxBatch) + " (one forward pass)");
    }
  }
  return Status::Ok();
}

Result<std::vector<std::vector<float>>> Embedder::Embed(std::span<const std::vector<int32_t>> inputs,
                                                        const EmbedOptions& options) {
  Pooling pooling = Pooling::kMean;
  if (options.pooling) {
    pooling = *options.pooling;
  } else {
    LLM_ASSIGN_OR_RETURN(pooling, ModelPooling(model_->hparams()));
  }
  LLM_RETURN_IF_ERROR(Check(inputs));
  std::vector<std::vector<float>> out(inputs.size());
  constexpr size_t kPass = ForwardState::kMaxBatch;
  for (size_t i = 0; i < inputs.size();) {
    size_t j = i, tokens = 0;
    while (j < inputs.size() && tokens + inputs[j].size() <= kPass) tokens += inputs[j++].size();
    if (j == i) {
      LLM_RETURN_IF_ERROR(EmbedLong(inputs[i], pooling, &out[i]));
      ++j;
    } else {
      LLM_RETURN_IF_ERROR(EmbedGroup(inputs.subspan(i, j - i), pooling, &out[i]));
    }
    i = j;
  }
  if (options.normalize) {
    for (std::vector<float>& v : out) L2Normalize(v);
  }
  return out;
}

Status Embedder::EmbedGroup(std::span<const std::vector<int32_t>> inputs, Pooling pooling, std::vector<float>* out) {
  const int64_t d = model_->hparams().n_embd;
  size_t total = 0;
  for (const std::vector<int32_t>& input : inputs) total += input.size();
  std::vector<float> hidden(total * static_cast<size_t>(d));
  std::vector<std::unique_ptr<ForwardState>> states;
  std::vector<SequenceBatch> batch;
  size_t row = 0;
  for (const std::vector<int32_t>& input : inputs) {
    // A cache of the input's own size (a cache of n_ctx would reserve 256 positions at least).
    const auto size = static_cast<int32_t>(input.size());
    states.push_back(std::make_unique<ForwardState>(*model_, size, /*bound_local_layers=*/true, n_ctx_));
    batch.push_back({states.back().get(), input, nullptr, &hidden[row * static_cast<size_t>(d)]});
    row += input.size();
  }
  LLM_RETURN_IF_ERROR(RunPass(batch));
  for (size_t i = 0; i < batch.size(); ++i) {
    HiddenPool pool(pooling, static_cast<int32_t>(d));
    pool.Add(batch[i].hidden, static_cast<int64_t>(inputs[i].size()));
    out[i] = pool.Pooled();
  }
  return Status::Ok();
}

Status Embedder::EmbedLong(std::span<const int32_t> input, Pooling pooling, std::vector<float>* out) {
  const int64_t d = model_->hparams().n_embd;
  constexpr size_t kPass = ForwardState::kMaxBatch;
  ForwardState state(*model_, static_cast<int32_t>(input.size()), /*bound_local_layers=*/true, n_ctx_);
  std::vector<float> hidden(kPass * static_cast<size_t>(d));
  HiddenPool pool(pooling, static_cast<int32_t>(d));
  for (size_t begin = 0; begin < input.size(); begin += kPass) {
    const size_t n = std::min(kPass, input.size() - begin);
    const SequenceBatch one{&state, input.subspan(begin, n), nullptr, hidden.data()};
    LLM_RETURN_IF_ERROR(RunPass(std::span(&one, 1)));
    pool.Add(hidden.data(), static_cast<int64_t>(n));
  }
  *out = pool.Pooled();
  return Status::Ok();
}

Status Embedder::RunPass(std::span<const SequenceBatch> batch) {
  if (batcher_ != nullptr) return batcher_->EvalExclusive(batch);
  try {
    EvalSequences(batch, *pool_, *scratch_);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("embedding forward pass failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace llm::engine
