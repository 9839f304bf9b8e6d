#include "engine/model/session.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "engine/grammar/grammar_constraint.h"
#include "engine/model/decode_batcher.h"
#include "engine/model/forward.h"
#include "engine/model/stop_strings.h"

namespace llm::engine {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double PerSecond(int32_t n, double ms) { return ms > 0 ? 1000.0 * n / ms : 0.0; }

size_t CommonPrefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// The streaming half of Generate: detokenizes, withholds possible stop strings, and tells
// whether generation must end after a token.
class TextStream {
 public:
  TextStream(const Tokenizer& tokenizer, const GenerateParams& params,
             const GenerateCallbacks& cb, std::string* text)
      : tokenizer_(tokenizer), stops_(params.stop), cb_(cb), text_(text) {}

  // Adds a generated token; false when a stop string matched (*cancelled: the callback
  // asked to stop).
  bool Push(int32_t token, bool* cancelled) {
    bool stopped = false;
    Emit(stops_.Push(decoder_.Push(tokenizer_.TokenToPiece(token, /*render_special=*/false)), &stopped), cancelled);
    return !stopped;
  }
  // Releases the withheld text at the end of a generation that did not hit a stop string.
  void Finish(bool* cancelled) {
    bool stopped = false;
    std::string rest = stops_.Push(decoder_.Flush(), &stopped);
    if (!stopped) rest += stops_.Flush();
    Emit(rest, cancelled);
  }
  // The stop string that ended the text ("" when none did).
  const std::string& matched_stop() const { return stops_.matched(); }

 private:
  void Emit(const std::string& piece, bool* cancelled) {
    if (piece.empty()) return;
    text_->append(piece);
    if (cb_.on_piece && !cb_.on_piece(piece)) *cancelled = true;
  }

  const Tokenizer& tokenizer_;
  Utf8StreamDecoder decoder_;
  StopStringMatcher stops_;
  const GenerateCallbacks& cb_;
  std::string* text_;
};

}  // namespace

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "cancelled";
    case FinishReason::kTimeLimit: return "time_limit";
  }
  return "stop";
}

Session::Session(std::shared_ptr<const Model> model, int32_t n_ctx, ThreadPool& pool)
    : model_(std::move(model)),
      n_ctx_(n_ctx > 0 ? n_ctx : model_->hparams().n_ctx_train),
      pool_(pool),
      state_(std::make_unique<ForwardState>(*model_, n_ctx_)) {}

Session::~Session() = default;

size_t Session::CachedPrefixLength(const std::vector<int32_t>& prompt) const {
  return CommonPrefix(cached_tokens_, prompt);
}

int32_t Session::n_past() const { return state_->n_past(); }

void Session::Reset() {
  state_->Truncate(0);
  cached_tokens_.clear();
}

Status Session::Append(std::span<const int32_t> tokens, std::vector<float>* logits) {
  logits->resize(static_cast<size_t>(model_->hparams().n_vocab));
  Status status = batcher_ != nullptr ? batcher_->Eval(*state_, tokens, logits->data())
                                      : state_->Eval(tokens, pool_, logits->data());
  if (!status.ok()) {
    // A failed batch may have written part of the cache: keep only what is known to be valid.
    state_->Truncate(static_cast<int32_t>(cached_tokens_.size()));
    cached_tokens_.resize(static_cast<size_t>(state_->n_past()));
    return status;
  }
  cached_tokens_.insert(cached_tokens_.end(), tokens.begin(), tokens.end());
  return Status::Ok();
}

Result<std::vector<float>> Session::EvalLogits(std::span<const int32_t> tokens) {
  Reset();
  std::vector<float> logits;
  LLM_RETURN_IF_ERROR(Append(tokens, &logits));
  return logits;
}

Result<GenerateResult> Session::Generate(std::string_view prompt, const GenerateParams& params,
                                         const GenerateCallbacks& cb) {
  return GenerateFromTokens(
      model_->tokenizer().Encode(prompt, params.add_bos, params.parse_special), params, cb);
}

Result<GenerateResult> Session::GenerateFromTokens(std::vector<int32_t> prompt_tokens,
                                                   const GenerateParams& params,
                                                   const GenerateCallbacks& cb) {
  const Clock::time_point t_start = Clock::now();
  LLM_RETURN_IF_ERROR(ValidateSamplingParams(params.sampling));
  if (prompt_tokens.empty()) return Status::InvalidArgument("the prompt is empty");
  if (static_cast<int64_t>(prompt_tokens.size()) > n_ctx_) {
    return Status::OutOfRange("the prompt has " + std::to_string(prompt_tokens.size()) +
                              " tokens, more than the context of " + std::to_string(n_ctx_));
  }
  GenerateResult result;
  result.prompt_tokens = std::move(prompt_tokens);
  const std::vector<int32_t>& prompt = result.prompt_tokens;

  // While this generation runs, the batcher's passes wait briefly for its steps.
  std::optional<DecodeBatcher::Member> member;
  if (batcher_ != nullptr) member.emplace(*batcher_, *model_);
  // Reuse the cached prefix; at least the last prompt token is evaluated to get its logits.
  state_->Truncate(static_cast<int32_t>(std::min(CommonPrefix(cached_tokens_, prompt), prompt.size() - 1)));
  const size_t keep = static_cast<size_t>(state_->n_past());  // a sliding window may keep less
  cached_tokens_.resize(keep);
  std::vector<float> logits;
  LLM_RETURN_IF_ERROR(Append(std::span(prompt).subspan(keep), &logits));
  Timings& timings = result.timings;
  timings.prompt_n = static_cast<int32_t>(prompt.size() - keep);
  timings.prompt_ms = MsSince(t_start);
  const Clock::time_point t_gen = Clock::now();

  std::unique_ptr<GrammarConstraint> constraint;
  if (params.grammar) {
    constraint = std::make_unique<GrammarConstraint>(params.grammar, model_->grammar_vocabulary());
  }
  SamplerChain sampler(params.sampling, std::move(constraint));
  for (int32_t id : prompt) sampler.Accept(id);
  const Tokenizer& tokenizer = model_->tokenizer();
  TextStream stream(tokenizer, params, cb, &result.text);
  bool cancelled = false;   // on_piece returned false
  bool hit_stop = false;    // a stop string matched: the withheld text is dropped
  result.finish_reason = FinishReason::kLength;
  while (params.max_tokens < 0 || static_cast<int32_t>(result.tokens.size()) < params.max_tokens) {
    if (cb.should_cancel && cb.should_cancel()) {
      result.finish_reason = FinishReason::kCancelled;
      break;
    }
    if (params.timeout_ms > 0 && MsSince(t_start) > params.timeout_ms) {
      result.finish_reason = FinishReason::kTimeLimit;
      break;
    }
    const int32_t id = sampler.Sample(logits);
    if (id < 0) {  // the grammar allows no token: a dead end (only with a hostile grammar)
      result.finish_reason = FinishReason::kStop;
      break;
    }
    LLM_RETURN_IF_ERROR(sampler.AcceptSampled(id));
    if (result.tokens.empty()) timings.time_to_first_token_ms = MsSince(t_start);
    if (tokenizer.IsEndOfGeneration(id)) {
      result.finish_reason = FinishReason::kStop;
      break;
    }
    result.tokens.push_back(id);
    if (params.logprobs >= 0) result.logprobs.push_back(ComputeLogprob(logits, id, params.logprobs));
    if (cb.on_token) cb.on_token(id, params.logprobs >= 0 ? &result.logprobs.back() : nullptr);
    hit_stop = !stream.Push(id, &cancelled);
    if (hit_stop || cancelled) {
      result.finish_reason = hit_stop ? FinishReason::kStop : FinishReason::kCancelled;
      break;
    }
    if (sampler.ConstraintComplete()) {  // nothing more may follow: no need for an end token
      result.finish_reason = FinishReason::kStop;
      break;
    }
    const bool done = params.max_tokens >= 0 &&
                      static_cast<int32_t>(result.tokens.size()) >= params.max_tokens;
    if (done || state_->n_past() >= n_ctx_) break;  // length: no need to evaluate this token
    LLM_RETURN_IF_ERROR(Append(std::span(&id, 1), &logits));
  }
  if (!hit_stop && !cancelled) stream.Finish(&cancelled);
  result.stop_string = stream.matched_stop();
  if (!result.stop_string.empty()) result.finish_reason = FinishReason::kStop;
  timings.predicted_n = static_cast<int32_t>(result.tokens.size());
  timings.predicted_ms = MsSince(t_gen);
  timings.prompt_per_second = PerSecond(timings.prompt_n, timings.prompt_ms);
  timings.predicted_per_second = PerSecond(timings.predicted_n, timings.predicted_ms);
  return result;
}

}  // namespace llm::engine
