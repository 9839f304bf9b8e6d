#include "engine/model/decode_batcher.h"

#include <algorithm>
#include <exception>

#include "engine/model/forward.h"

namespace llm::engine {

using Clock = std::chrono::steady_clock;

struct DecodeBatcher::Step {
  ForwardState* state;
  std::span<const int32_t> tokens;
  float* logits;
  Clock::time_point arrived;
  bool done = false;
  Status status;
};

DecodeBatcher::DecodeBatcher(int n_threads, std::chrono::microseconds max_wait)
    : max_wait_(max_wait),
      pool_(std::max(1, n_threads)),
      scratch_(std::make_unique<ForwardScratch>()),
      idle_since_(Clock::now()) {}

DecodeBatcher::~DecodeBatcher() = default;

DecodeBatcher::Member::Member(DecodeBatcher& batcher, const Model& model) : batcher_(batcher), model_(model) {
  std::lock_guard<std::mutex> lock(batcher_.mu_);
  ++batcher_.members_[&model_];
}

DecodeBatcher::Member::~Member() {
  std::lock_guard<std::mutex> lock(batcher_.mu_);
  if (--batcher_.members_[&model_] == 0) batcher_.members_.erase(&model_);
  batcher_.cv_.notify_all();  // a waiting step may no longer need to wait for this one
}

bool DecodeBatcher::ReadyToRun(const Model& model, Clock::time_point deadline) const {
  const auto it = members_.find(&model);
  const int members = it == members_.end() ? 0 : it->second;
  const auto of_model = std::count_if(pending_.begin(), pending_.end(),
                                      [&](const Step* s) { return &s->state->model() == &model; });
  return of_model >= members || Clock::now() >= deadline;
}

std::vector<DecodeBatcher::Step*> DecodeBatcher::TakePending(const Model& model) {
  std::vector<Step*> taken;
  size_t tokens = 0;
  auto keep = pending_.begin();
  for (Step* s : pending_) {
    if (&s->state->model() == &model && tokens + s->tokens.size() <= ForwardState::kMaxBatch) {
      tokens += s->tokens.size();
      taken.push_back(s);
    } else {
      *keep++ = s;
    }
  }
  pending_.erase(keep, pending_.end());
  return taken;
}

Status DecodeBatcher::Eval(ForwardState& state, std::span<const int32_t> tokens, float* logits) {
  LLM_RETURN_IF_ERROR(state.CheckAppend(tokens));
  for (size_t begin = 0; begin < tokens.size(); begin += kChunkTokens) {
    const size_t n = std::min<size_t>(kChunkTokens, tokens.size() - begin);
    LLM_RETURN_IF_ERROR(EvalChunk(state, tokens.subspan(begin, n), begin + n == tokens.size() ? logits : nullptr));
  }
  return Status::Ok();
}

Status DecodeBatcher::EvalChunk(ForwardState& state, std::span<const int32_t> tokens, float* logits) {
  Step me{&state, tokens, logits, Clock::now(), false, Status::Ok()};
  const Model& model = state.model();
  std::unique_lock<std::mutex> lock(mu_);
  pending_.push_back(&me);
  cv_.notify_all();
  while (!me.done) {
    if (running_) {
      cv_.wait(lock);
      continue;
    }
    const Clock::time_point deadline = std::max(me.arrived, idle_since_) + max_wait_;
    if (!ReadyToRun(model, deadline)) {
      cv_.wait_until(lock, deadline);
      continue;
    }
    // This thread leads the pass of every pending step of its model.
    std::vector<Step*> steps = TakePending(model);
    running_ = true;
    lock.unlock();
    std::vector<SequenceBatch> batch;
    for (Step* s : steps) batch.push_back({s->state, s->tokens, s->logits});
    const Status status = RunPass(batch);
    lock.lock();
    for (Step* s : steps) {
      s->status = status;
      s->done = true;
    }
    ++passes_;
    steps_ += static_cast<int64_t>(steps.size());
    EndPass();
  }
  return me.status;
}

Status DecodeBatcher::EvalExclusive(std::span<const SequenceBatch> batch) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !running_; });
  running_ = true;
  lock.unlock();
  const Status status = RunPass(batch);
  lock.lock();
  EndPass();
  return status;
}

Status DecodeBatcher::RunPass(std::span<const SequenceBatch> batch) {
  try {
    EvalSequences(batch, pool_, *scratch_);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("batched forward pass failed: ") + e.what());
  }
  return Status::Ok();
}

void DecodeBatcher::EndPass() {
  running_ = false;
  idle_since_ = Clock::now();
  cv_.notify_all();
}

int64_t DecodeBatcher::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

int64_t DecodeBatcher::steps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return steps_;
}

}  // namespace llm::engine
