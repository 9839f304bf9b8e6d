// ResponseShaper: how one API flavour (native or OpenAI) answers a generation request --
// the complete JSON body, the SSE events of a stream, and the error shape.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/api_error.h"
#include "server/generation_outcome.h"
#include "server/generation_request.h"
#include "server/http_types.h"
#include "server/request_context.h"

namespace llm::server {

class ResponseShaper {
 public:
  virtual ~ResponseShaper() = default;
  // The id of the completion ("chatcmpl-..." / "cmpl-..."; "" for the native API).
  virtual const std::string& completion_id() const = 0;
  // The model's name once known (used in stream chunks).
  virtual void set_model(const std::string& model) = 0;
  // The error answer in this flavour's shape; also writes the `error` record.
  virtual Response Error(RequestContext& ctx, const ApiError& e) = 0;
  // The whole answer of a non-streamed generation.
  virtual Response Complete(const GenerationOutcome& o) = 0;
  // SSE text sent before the first piece ("" when none).
  virtual std::string StreamStart() = 0;
  // SSE text for one generated piece.
  virtual std::string StreamPiece(std::string_view piece) = 0;
  // SSE text that ends a successful stream (final event, usage, [DONE]).
  virtual std::string StreamEnd(const GenerationOutcome& o) = 0;
  // SSE text that ends a stream with an error.
  virtual std::string StreamError(const ApiError& e, const std::string& request_id) = 0;
};

// The shaper for `request` (its flavour, kind and streaming options).
std::unique_ptr<ResponseShaper> MakeShaper(const GenerationRequest& request);
// The error answer of a flavour when no request could be parsed yet.
Response ErrorResponse(RequestContext& ctx, ApiFlavor flavor, const ApiError& e);

}  // namespace llm::server
