// The JSON Schema visitor behind JsonSchemaToGbnf (internal to engine_grammar). Each Visit
// returns a GBNF expression for the values a (sub)schema accepts, adding rules as it goes.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/grammar/gbnf_writer.h"

namespace llm::engine {

using Json = nlohmann::ordered_json;  // keeps properties in declaration order

class SchemaCompiler {
 public:
  explicit SchemaCompiler(const Json& root) : root_(root) {}

  // The grammar of the whole schema.
  Result<std::string> Compile();

 private:
  Result<std::string> Visit(const Json& s, const std::string& name, const std::string& path, int depth);
  Result<std::string> VisitTyped(const Json& s, const std::string& type, const std::string& name,
                                 const std::string& path, int depth);
  Result<std::string> VisitRef(const std::string& ref, const std::string& path, int depth);
  Result<std::string> VisitAlternatives(const Json& s, const char* key, const std::string& name,
                                        const std::string& path, int depth);
  Result<std::string> VisitObject(const Json& s, const std::string& name, const std::string& path, int depth);
  Result<std::string> VisitMap(const Json& s, const std::string& name, const std::string& path, int depth);
  Result<std::string> VisitArray(const Json& s, const std::string& name, const std::string& path, int depth);
  Result<std::string> Repeated(const std::string& element, const Json& s, const char* min_key,
                               const char* max_key, const std::string& path);
  Result<std::string> VisitString(const Json& s, const std::string& name, const std::string& path);
  Result<std::string> VisitInteger(const Json& s, const std::string& path);
  Result<std::string> VisitNumber(const Json& s, const std::string& path);

  const Json& root_;
  GbnfWriter out_;
  std::map<std::string, std::string> refs_;  // $ref -> rule name
};

// `path`, or "/" for the root.
std::string PathName(const std::string& path);
// InvalidArgument "'keyword' at path <what>" for a keyword of the wrong shape.
Status BadKeyword(std::string_view keyword, const std::string& path, std::string_view what);
// Unsupported naming `keyword` at `path` ("/" for the root).
Status UnsupportedKeyword(const std::string& keyword, const std::string& path);
// The non-negative integer value of s[key], or `fallback` when absent; InvalidArgument when
// it is not a non-negative integer.
Result<int64_t> CountKeyword(const Json& s, const char* key, int64_t fallback, const std::string& path);

}  // namespace llm::engine
