// The values a Jinja template computes with, modelled on the Python objects Jinja2 sees when
// Hugging Face transformers renders a chat template: None, bool, int, float, str, list/tuple,
// dict (insertion ordered), namespace, callables, and Jinja2's default Undefined.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"

namespace llm::engine::jinja {

class Value;

// Arguments of a call: positional, then keyword, in the order written.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
};

struct Undefined {
  std::string name;  // what was looked up, for the error message when it is used
};
struct None {};
struct List;
struct Dict;
struct Callable;
using ListPtr = std::shared_ptr<List>;
using DictPtr = std::shared_ptr<Dict>;
using CallablePtr = std::shared_ptr<const Callable>;

class Value {
 public:
  Value() : data_(Undefined{}) {}
  Value(None) : data_(None{}) {}                    // NOLINT: implicit by design
  Value(bool b) : data_(b) {}                       // NOLINT
  Value(int64_t i) : data_(i) {}                    // NOLINT
  Value(int i) : data_(int64_t{i}) {}               // NOLINT
  Value(double f) : data_(f) {}                     // NOLINT
  Value(std::string s) : data_(std::move(s)) {}     // NOLINT
  Value(std::string_view s) : data_(std::string(s)) {}  // NOLINT
  Value(const char* s) : data_(std::string(s)) {}   // NOLINT
  Value(ListPtr l) : data_(std::move(l)) {}         // NOLINT
  Value(DictPtr d) : data_(std::move(d)) {}         // NOLINT
  Value(CallablePtr c) : data_(std::move(c)) {}     // NOLINT
  static Value MakeUndefined(std::string name) { return Value(Undefined{std::move(name)}); }
  // A new list (or tuple, which prints with parentheses) holding `items`.
  static Value MakeList(std::vector<Value> items, bool tuple = false);
  static Value MakeDict();
  // A Jinja `namespace()`: a dict whose attributes a `set ns.x = ...` may assign.
  static Value MakeNamespace();

  bool is_undefined() const { return std::holds_alternative<Undefined>(data_); }
  bool is_none() const { return std::holds_alternative<None>(data_); }
  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  bool is_int() const { return std::holds_alternative<int64_t>(data_); }
  bool is_float() const { return std::holds_alternative<double>(data_); }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_list() const { return std::holds_alternative<ListPtr>(data_); }
  bool is_dict() const { return std::holds_alternative<DictPtr>(data_); }
  bool is_callable() const { return std::holds_alternative<CallablePtr>(data_); }
  bool is_namespace() const;
  // Python's `isinstance(v, dict)`: a dict that is not a namespace.
  bool is_mapping() const { return is_dict() && !is_namespace(); }

  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  // The number as a double (bool and int widened).
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const ListPtr& as_list() const { return std::get<ListPtr>(data_); }
  const DictPtr& as_dict() const { return std::get<DictPtr>(data_); }
  const CallablePtr& as_callable() const { return std::get<CallablePtr>(data_); }
  const std::string& undefined_name() const { return std::get<Undefined>(data_).name; }

  // Python truthiness: empty strings, lists and dicts, zero, None and Undefined are false.
  bool Truthy() const;
  // Python's type name ("str", "NoneType", "dict"...), for error messages.
  std::string TypeName() const;

 private:
  explicit Value(Undefined u) : data_(std::move(u)) {}
  std::variant<Undefined, None, bool, int64_t, double, std::string, ListPtr, DictPtr, CallablePtr>
      data_;
};

struct List {
  std::vector<Value> items;
  bool tuple = false;
};

struct Dict {
  std::vector<std::pair<std::string, Value>> items;  // in insertion order, keys unique
  bool is_namespace = false;
  // The value under `key`, or nullptr.
  const Value* Find(std::string_view key) const;
  // Inserts or replaces, keeping the first insertion's position.
  void Set(std::string_view key, Value value);
};

// A function a template may call: a builtin (namespace, range, raise_exception...), a bound
// method ("a b".split), or a macro. Errors are Status values, as everywhere in the engine.
struct Callable {
  std::string name;
  std::function<Result<Value>(const CallArgs&)> call;
};

// Python's str(): strings as they are, None as "None", True as "True", 1.0 as "1.0", lists and
// dicts as their repr. Undefined prints as the empty string (Jinja2's default Undefined).
std::string ToPythonString(const Value& v);
// Python's repr(): strings quoted ('a', "it's").
std::string ToPythonRepr(const Value& v);
// Python's float repr: the shortest text that reads back the same (1.0, 0.1, 1e+16, inf).
std::string FormatPythonFloat(double f);
// Python ==: numbers compare by value (True == 1 == 1.0), containers element by element.
bool Equals(const Value& a, const Value& b);
// Python <: numbers with numbers, strings with strings, lists element by element; a TypeError
// (as InvalidArgument) for other pairs.
Result<bool> LessThan(const Value& a, const Value& b);

// The number of code points of UTF-8 text, and the code points as separate strings (Python
// indexes, slices and iterates strings by code point).
size_t CodePointCount(std::string_view s);
// Appends the UTF-8 encoding of the code point `cp` (at most U+10FFFF).
void AppendUtf8(std::string& out, char32_t cp);
std::vector<std::string> SplitCodePoints(std::string_view s);

}  // namespace llm::engine::jinja
