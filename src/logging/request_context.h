// The request fields every record about a request carries (request, response, error,
// exception and the custom events a handler writes).
#pragma once

#include <string>

#include "logging/json_writer.h"

namespace llm::logging {

struct RequestContext {
  std::string request_id;   // "req_..." or the adopted X-Request-ID
  std::string trace_id;     // from traceparent; empty when absent
  std::string span_id;      // from traceparent; empty when absent
  std::string method;       // "GET"
  std::string url;          // "http://127.0.0.1:5000/api/v1/health?x=1"
  std::string path;         // "/api/v1/health"
  std::string endpoint;     // the route's name, e.g. "health_check"; empty when unrouted
  std::string remote_addr;  // "127.0.0.1"
  std::string api_key_name;  // the name of the API key the request presented; empty: none accepted

  // Writes request_id, [trace_id, span_id,] method, url, endpoint, remote_addr[, api_key_name].
  void WriteFields(JsonWriter& w) const;
};

}  // namespace llm::logging
