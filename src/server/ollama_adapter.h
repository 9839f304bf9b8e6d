// The adapter of Ollama's /api/generate and /api/chat onto the generation pipeline: Ollama's
// request fields in, Ollama's objects out -- one object for "stream": false, else
// newline-delimited JSON (application/x-ndjson), one object per delta and a last one with
// "done": true, done_reason and the durations in nanoseconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "server/api_adapter.h"
#include "server/ollama_request.h"

namespace llm::server {

class OllamaAdapter : public ApiAdapter {
 public:
  // kText: /api/generate; kChat: /api/chat.
  explicit OllamaAdapter(PromptKind route);

  std::optional<ApiError> Parse(const nlohmann::json& body, std::string_view raw_body,
                                GenerationRequest* out) override;
  const std::string& completion_id() const override { return id_; }
  // Answers echo the model name the client sent, not the file it maps to.
  void set_model(const std::string&) override {}
  std::string ErrorBody(const ApiError& e, const std::string& request_id) const override;
  std::string Complete(const GenerationOutcome& o) override;
  std::string StreamContentType() const override { return "application/x-ndjson"; }
  std::string StreamStart() override { return ""; }
  std::string StreamDelta(const GenerationDelta& d) override;
  std::string StreamEnd(const GenerationOutcome& o) override;
  std::string StreamError(const ApiError& e, const std::string& request_id) override;

  // What Parse read beyond the GenerationRequest (valid after Parse).
  const OllamaRequest& ollama_request() const { return extra_; }
  // The answer to a load-only request (no prompt, no messages): {"model", "created_at",
  // "response": "" or "message", "done": true, "done_reason": "load"}.
  std::string LoadAnswer() const;

 private:
  bool chat() const { return route_ == PromptKind::kChat; }
  double SecondsSinceStart() const;

  PromptKind route_;
  OllamaRequest extra_;
  bool logprobs_ = false;
  std::string id_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace llm::server
