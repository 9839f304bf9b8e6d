// Conversions between JSON documents and template values (internal to engine_chat and the
// chat-template command): objects keep their key order, as Python's json module does.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

// The template value of a JSON document: objects become dicts, arrays lists, null None.
Value FromJson(const nlohmann::ordered_json& json);

}  // namespace llm::engine::jinja
