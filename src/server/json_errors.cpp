#include "server/json_errors.h"

namespace llm::server {

nlohmann::json ErrorBody(int status, std::string_view error_type, std::string_view message,
                         std::string_view request_id) {
  return {{"error", message},
          {"error_type", error_type},
          {"request_id", request_id},
          {"status_code", status}};
}

}  // namespace llm::server
