#include "server/route_table.h"

namespace llm::server {

namespace {

// Matches "/a/{x}/c" against "/a/b/c", collecting {x} = "b".
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  if (pattern.find('{') == std::string_view::npos) return pattern == path;
  size_t pi = 0, si = 0;
  while (pi < pattern.size() && si <= path.size()) {
    size_t pend = pattern.find('/', pi);
    if (pend == std::string_view::npos) pend = pattern.size();
    size_t send = path.find('/', si);
    if (send == std::string_view::npos) send = path.size();
    std::string_view pseg = pattern.substr(pi, pend - pi), sseg = path.substr(si, send - si);
    if (pseg.size() > 2 && pseg.front() == '{' && pseg.back() == '}') {
      if (sseg.empty()) return false;
      if (params) (*params)[std::string(pseg.substr(1, pseg.size() - 2))] = std::string(sseg);
    } else if (pseg != sseg) {
      return false;
    }
    if ((pend == pattern.size()) != (send == path.size())) return false;
    if (pend == pattern.size()) return true;
    pi = pend + 1;
    si = send + 1;
  }
  return false;
}

}  // namespace

void RouteTable::Add(Route route) {
  for (Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      r = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch RouteTable::Find(std::string_view method, std::string_view path) const {
  if (method == "HEAD") method = "GET";
  RouteMatch match;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchPattern(r.pattern, path, &params)) continue;
    match.path_known = true;
    if (r.method == method) {
      match.route = &r;
      match.params = std::move(params);
      return match;
    }
    if (match.allowed_methods.find(r.method) == std::string::npos) {
      if (!match.allowed_methods.empty()) match.allowed_methods += ", ";
      match.allowed_methods += r.method;
    }
  }
  return match;
}

}  // namespace llm::server
