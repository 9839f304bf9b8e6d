#include "server/http_types.h"

#include <strings.h>

#include "logging/json_writer.h"

namespace llm::server {

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

Response Response::Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  logging::JsonWriter(r.body).Json(body);
  return r;
}

Response Response::Stream(std::string content_type, StreamFn fn) {
  Response r;
  r.content_type = std::move(content_type);
  r.stream = std::move(fn);
  return r;
}

}  // namespace llm::server
