// Jinja's filters, tests, attribute and item lookup, and the methods of Python strings and dicts
// that chat templates call (internal to engine_chat). Errors are InvalidArgument with Python's
// or Jinja2's own wording; the evaluator adds the template line.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

// The values builtins default their optional arguments to.
inline const Value kUndefined;
inline const Value kNone{None{}};

// `input | name(args)`. InvalidArgument for an unknown filter or unfit arguments.
Result<Value> ApplyFilter(std::string_view name, const Value& input, const CallArgs& args);
// `value is name(args)`. InvalidArgument for an unknown test.
Result<bool> ApplyTest(std::string_view name, const Value& value, const CallArgs& args);
// `obj.name` as Jinja2 resolves it: a method of str and dict, else the dict item; Undefined
// when there is none; an error when obj is Undefined.
Result<Value> GetAttribute(const Value& obj, const std::string& name);
// `obj[key]`: dict items, list and string indexes (negative from the end); Undefined when
// missing; an error when obj is Undefined.
Result<Value> GetItem(const Value& obj, const Value& key);
// `obj[start:stop:step]` of a list or string (null Values for the parts left out).
Result<Value> Slice(const Value& obj, const Value& start, const Value& stop, const Value& step);
// The items a `for` loop walks: list items, dict keys, string code points; none for Undefined.
Result<std::vector<Value>> Iterate(const Value& v);
// `item in container`.
Result<bool> Contains(const Value& container, const Value& item);
// The UndefinedError raised when an Undefined value is used as more than a blank.
Status UndefinedError(const Value& v);
// Python's len(): code points of a string, items of a list or dict; 0 for Undefined.
Result<int64_t> Length(const Value& v);
// json.dumps(v, ensure_ascii=False, indent=indent (negative: none), sort_keys=...), as
// transformers' `tojson` filter writes it. Separators default to ", " and ": ", or "," and
// ": " with an indent.
Result<std::string> ToJson(const Value& v, int indent, bool sort_keys,
                           std::string_view item_sep = {}, std::string_view key_sep = {});

// The argument named `name` (keyword) or at `index` (positional), else `fallback` (a copy:
// the fallback is often a temporary).
Value Arg(const CallArgs& args, size_t index, std::string_view name, const Value& fallback);

}  // namespace llm::engine::jinja
