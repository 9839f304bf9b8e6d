// JSON Schema -> GBNF: the grammar of the JSON texts that a schema accepts, for structured
// output (OpenAI's response_format json_schema).
//
// Supported: type (object, array, string, number, integer, boolean, null, and arrays of
// types), enum, const, properties/required, additionalProperties, propertyNames and
// minProperties/maxProperties (for maps), items, minItems/maxItems,
// anyOf/oneOf, minLength/maxLength, format (date, time, date-time, uuid), integer
// minimum/maximum (0 or 1 as a lower bound, or a closed range of at most 256 values),
// $ref to "#", "#/$defs/..." and "#/definitions/...", the schema `true`, and annotations
// (title, description, default, examples, $schema, $id, $comment, ...), which are ignored.
//
// Policies (what the output looks like):
// - Objects list their declared properties in declaration order; required ones always,
//   optional ones when the model chooses. Extra properties are never generated: with declared
//   properties, additionalProperties only widens what a validator accepts, so leaving extras
//   out is valid under any setting. An object with no declared properties is a free map
//   (values of the additionalProperties schema, any JSON when absent or true; keys of the
//   propertyNames schema, any string when absent) unless additionalProperties is false,
//   which allows only {}. Note: the server hands the schema over with its object keys
//   sorted, so there "declaration order" is alphabetical order.
// - Whitespace between tokens is at most one space, and numbers have at most 16 digits before
//   and after the point: small models reach the end of the document instead of wandering.
// - oneOf is generated as anyOf: the output matches at least one alternative; schemas whose
//   alternatives overlap may produce output that matches two.
//
// Anything else that constrains values (pattern, allOf, not, if/then/else, uniqueItems,
// prefixItems, contains, patternProperties, other formats, other numeric bounds, ...) is
// refused with Unsupported naming the keyword and where it is, e.g.
// "unsupported JSON Schema keyword 'pattern' at /properties/name".
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace llm::engine {

// The GBNF grammar (rule `root`) of the JSON values that `schema_json` accepts.
// InvalidArgument when the text is not JSON or a keyword has the wrong type; Unsupported
// naming the first unsupported keyword.
Result<std::string> JsonSchemaToGbnf(std::string_view schema_json);

// The GBNF grammar of any JSON object (response_format {"type": "json_object"}).
std::string AnyJsonObjectGbnf();

}  // namespace llm::engine
