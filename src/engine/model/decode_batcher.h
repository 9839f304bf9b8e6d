// DecodeBatcher: continuous batching of concurrent Sessions (as llama-server's slots).
//
// Each Session generates on its own thread; when several Sessions attached to one batcher are
// busy at once, their steps (one generated token each, or a chunk of a new prompt) are
// combined into one forward pass over the batcher's thread pool (EvalSequences): every weight
// matrix is read once per pass for all of them instead of once per Session, which is what
// makes a memory-bound model serve N clients at nearly N times its single-stream token rate,
// and a new request's prompt rides along with the running generations instead of competing
// with them for the cores. Each Session's results are bit-identical to unbatched evaluation.
//
//   DecodeBatcher batcher(/*n_threads=*/2);
//   Session a(model, 0, pool_a), b(model, 0, pool_b);
//   a.set_batcher(&batcher);  b.set_batcher(&batcher);
//   // a.Generate(...) and b.Generate(...) on two threads now share forward passes.
//
// Thread-safe. Must outlive the Sessions attached to it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "core/status.h"
#include "engine/kernels/thread_pool.h"

namespace llm::engine {

class ForwardState;
struct ForwardScratch;
struct SequenceBatch;
class Model;

class DecodeBatcher {
 public:
  // n_threads: the compute threads of the batched forward passes. max_wait: how long a step
  // that could run waits for the other generating Sessions' steps to join it.
  explicit DecodeBatcher(int n_threads,
                         std::chrono::microseconds max_wait = std::chrono::microseconds(3000));
  ~DecodeBatcher();
  DecodeBatcher(const DecodeBatcher&) = delete;
  DecodeBatcher& operator=(const DecodeBatcher&) = delete;

  // While a Member lives, passes of its model wait (up to max_wait) for its next step.
  // A Session holds one for the duration of a generation.
  class Member {
   public:
    Member(DecodeBatcher& batcher, const Model& model);
    ~Member();
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;

   private:
    DecodeBatcher& batcher_;
    const Model& model_;
  };

  // Evaluates `tokens` after the tokens in `state` and writes the logits after the last one
  // to `logits` (n_vocab floats) unless it is null, in forward passes shared with the other
  // Members' pending steps; a long prompt goes in chunks of kChunkTokens, so that running
  // generations advance between them. Blocks until done. The errors of ForwardState::Eval.
  Status Eval(ForwardState& state, std::span<const int32_t> tokens, float* logits);

  // Runs `batch` (sequences of one model, as EvalSequences takes them) as one forward pass of
  // its own on the batcher's pool, between the shared passes of the generations: it waits for
  // a running pass, and their next pass waits for it. Embeddings use it. Not counted in
  // passes() / steps(). Internal when the pass throws.
  Status EvalExclusive(std::span<const SequenceBatch> batch);

  // The most tokens of one sequence in one pass.
  static constexpr int32_t kChunkTokens = 64;

  // Forward passes run so far, and the sequence steps they carried (steps / passes = the mean
  // number of sequences per pass).
  int64_t passes() const;
  int64_t steps() const;

 private:
  struct Step;
  // One step of at most kChunkTokens tokens.
  Status EvalChunk(ForwardState& state, std::span<const int32_t> tokens, float* logits);
  // Takes the pending steps of `model` (the caller becomes the leader of their pass).
  std::vector<Step*> TakePending(const Model& model);
  bool ReadyToRun(const Model& model, std::chrono::steady_clock::time_point deadline) const;
  // One forward pass on the pool, by the thread that set running_ (mu_ not held); Internal
  // when it throws.
  Status RunPass(std::span<const SequenceBatch> batch);
  // Marks the pass over and wakes the waiting steps (mu_ held).
  void EndPass();

  const std::chrono::microseconds max_wait_;
  ThreadPool pool_;
  std::unique_ptr<ForwardScratch> scratch_;  // used by the running pass only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<const Model*, int> members_;  // guarded by mu_
  std::vector<Step*> pending_;           // guarded by mu_
  bool running_ = false;                 // a pass is running; guarded by mu_
  std::chrono::steady_clock::time_point idle_since_;  // end of the last pass; guarded by mu_
  int64_t passes_ = 0, steps_ = 0;                    // guarded by mu_
};

}  // namespace llm::engine
