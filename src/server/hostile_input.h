// Recognises the shapes of path-traversal and header-injection attempts in the names and paths
// clients send, so that the server can write a security_event for them (the refusal itself is
// the job of the code that resolves the name: ResolveModelFile, the route table).
#pragma once

#include <optional>
#include <string_view>

namespace llm::server {

// The security_reason of a model name (or other single name) a client sent: "injection" for a
// NUL, CR or LF byte; "path_traversal" for "..", "%2e" (any case), '/' or '\\'; nullopt for a
// harmless name.
std::optional<std::string_view> SuspiciousNameReason(std::string_view name);

// The same for a request path or raw query: "injection" for NUL, CR, LF or their percent
// encodings (%00, %0d, %0a); "path_traversal" for ".." or "%2e"; '/' is normal in a path.
std::optional<std::string_view> SuspiciousPathReason(std::string_view path);

}  // namespace llm::server
