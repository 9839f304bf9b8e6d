// Generation session: the per-request mutable state (KV cache, scratch buffers) over an
// immutable, shared Model. One thread uses a Session at a time; many Sessions share a Model.
//
//   auto model = Model::Load(path);                 // std::shared_ptr<const Model>
//   ThreadPool pool(n_threads);
//   Session session(*model, /*n_ctx=*/0, pool);
//   auto result = session.Generate("Once upon a time", params, {.on_piece = print});
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/grammar/grammar.h"
#include "engine/kernels/thread_pool.h"
#include "engine/sampling/logprobs.h"
#include "engine/model/model.h"
#include "engine/sampling/sampler.h"

namespace llm::engine {

class DecodeBatcher;
class ForwardState;

struct GenerateParams {
  int32_t max_tokens = 128;  // < 0: until the context is full
  SamplingParams sampling;
  std::vector<std::string> stop;  // stop strings; the text is cut before the first match
  bool add_bos = true;            // prepend BOS when the model's tokenizer wants one
  bool parse_special = true;      // "<|eot_id|>" in the prompt is one special token
  double timeout_ms = 0;          // > 0: stop with kTimeLimit once this much time has passed
  // Constrained decoding: only text of this grammar is generated (null: unconstrained).
  // Generation stops (kStop) when the grammar is complete and allows nothing more.
  std::shared_ptr<const Grammar> grammar;
  // >= 0: report each generated token's log probability (engine/sampling/logprobs.h) with
  // this many alternatives (at most kMaxTopLogprobs); < 0: none.
  int32_t logprobs = -1;
};

enum class FinishReason { kStop, kLength, kCancelled, kTimeLimit };
// "stop" | "length" | "cancelled" | "time_limit".
std::string_view FinishReasonName(FinishReason reason);

struct Timings {
  int32_t prompt_n = 0;  // prompt tokens evaluated (cached prefix tokens are not counted)
  double prompt_ms = 0;
  double prompt_per_second = 0;
  int32_t predicted_n = 0;  // generated tokens
  double predicted_ms = 0;
  double predicted_per_second = 0;
  double time_to_first_token_ms = 0;  // from the call to the first generated token
};

struct GenerateResult {
  std::vector<int32_t> prompt_tokens;
  std::vector<int32_t> tokens;  // generated ids (an end-of-generation token is not included)
  std::string text;             // generated text, cut before a stop string
  std::string stop_string;      // the stop string that ended generation ("" when none did)
  FinishReason finish_reason = FinishReason::kStop;
  Timings timings;
  std::vector<TokenLogprob> logprobs;  // one per generated token when params.logprobs >= 0
};

// on_piece gets each complete-UTF-8 text piece as it is produced (text that could still be
// the start of a stop string is withheld until it cannot match); returning false cancels
// within one token. should_cancel is polled once per token. on_token gets each generated
// token (an end-of-generation token is not one) before its text reaches on_piece, with its
// log probability when params.logprobs >= 0 (else null).
struct GenerateCallbacks {
  std::function<bool(std::string_view piece)> on_piece;
  std::function<void(int32_t token, const TokenLogprob* logprob)> on_token;
  std::function<bool()> should_cancel;
};

class Session {
 public:
  // n_ctx: context length in tokens (0: the model's). The KV cache grows as it is used.
  // `pool` must outlive the session and must not run two sessions' calls at the same time
  // (ThreadPool::ParallelFor is not reentrant): give each concurrently running session its own.
  Session(std::shared_ptr<const Model> model, int32_t n_ctx, ThreadPool& pool);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Tokenizes `prompt`, evaluates it (reusing the cached prefix shared with the previous
  // call) and samples up to max_tokens. OutOfRange when the prompt does not fit the context;
  // InvalidArgument for bad params or an empty prompt.
  Result<GenerateResult> Generate(std::string_view prompt, const GenerateParams& params,
                                  const GenerateCallbacks& cb = {});
  // Same with an already tokenized prompt.
  Result<GenerateResult> GenerateFromTokens(std::vector<int32_t> prompt_tokens,
                                            const GenerateParams& params,
                                            const GenerateCallbacks& cb = {});

  // Evaluates `tokens` from position 0 (the cache is reset) and returns the logits
  // (n_vocab floats) after the last one. Used by tests and benchmarks.
  Result<std::vector<float>> EvalLogits(std::span<const int32_t> tokens);

  // Evaluates `tokens` after the tokens already in the cache, in batches; fills `logits`
  // with the logits after the last token. OutOfRange when the context would overflow.
  Status Append(std::span<const int32_t> tokens, std::vector<float>* logits);
  // Forgets the cached tokens (the next call starts at position 0).
  void Reset();

  // Evaluates through `batcher` (nullptr: on this session's pool), sharing forward passes with
  // the other sessions attached to it that run at the same time. The output does not change.
  // The batcher must outlive the session.
  void set_batcher(DecodeBatcher* batcher) { batcher_ = batcher; }

  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_past() const;  // tokens currently in the KV cache
  // How many of `prompt`'s first tokens the cache holds already (what a generation from it
  // would not evaluate again, but for the last prompt token, which is always evaluated).
  size_t CachedPrefixLength(const std::vector<int32_t>& prompt) const;
  const Model& model() const { return *model_; }

 private:
  std::shared_ptr<const Model> model_;
  int32_t n_ctx_;
  ThreadPool& pool_;
  std::unique_ptr<ForwardState> state_;
  DecodeBatcher* batcher_ = nullptr;
  std::vector<int32_t> cached_tokens_;  // the tokens whose K/V are in the cache, in order
};

}  // namespace llm::engine
