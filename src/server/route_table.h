// The route table: each route is {method, path pattern, endpoint name, handler}. Patterns are
// literal paths whose segments may be "{name}" placeholders ("/v1/models/{model}").
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.h"

namespace llm::server {

using Handler = std::function<Response(RequestContext& ctx)>;

struct Route {
  std::string method;     // "GET", "POST", "PUT", "DELETE", "PATCH"
  std::string pattern;    // "/api/v1/generate"
  std::string endpoint;   // the specification's `endpoint` value: "generate_response"
  Handler handler;
  bool json_body = false; // the body must be a JSON document: invalid -> 400 InvalidRequestError
};

struct RouteMatch {
  const Route* route = nullptr;               // null: 404 or 405
  bool path_known = false;                    // some route has this path (405 when no route)
  std::string allowed_methods;                // "GET, POST" for the Allow header of a 405
  std::map<std::string, std::string> params;  // {name} values
};

class RouteTable {
 public:
  // Adds `route`; a route with the same method and pattern is replaced (so a later module can
  // take over e.g. list_models).
  void Add(Route route);
  // The route for `method` (HEAD matches GET) and `path`.
  RouteMatch Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace llm::server
