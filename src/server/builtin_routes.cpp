#include "server/builtin_routes.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/utc_clock.h"
#include "server/server.h"

namespace llm::server {

namespace fs = std::filesystem;

Result<nlohmann::json> ListModelFiles(const std::string& models_dir) {
  nlohmann::json models = nlohmann::json::array();
  std::error_code ec;
  if (fs::is_directory(models_dir, ec)) {
    for (fs::directory_iterator it(models_dir, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() != ".gguf" || !it->is_regular_file(ec)) continue;
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0) continue;
      auto mtime = SystemTime(std::chrono::seconds(st.st_mtim.tv_sec)) +
                   std::chrono::microseconds(st.st_mtim.tv_nsec / 1000);
      models.push_back({{"name", p.filename().string()},
                        {"size", static_cast<uint64_t>(st.st_size)},
                        {"modified", FormatIso8601Utc(mtime)}});
    }
    if (ec) return Status::IOError("cannot list " + models_dir + ": " + ec.message());
  }
  std::sort(models.begin(), models.end(),
            [](const nlohmann::json& a, const nlohmann::json& b) { return a["name"] < b["name"]; });
  size_t count = models.size();
  return nlohmann::json{{"models", std::move(models)}, {"count", count}, {"models_dir", models_dir}};
}

void AddBuiltinRoutes(Server& server) {
  server.routes().Add({"GET", "/api/v1/health", "health_check",
                       [&server](RequestContext&) {
                         return Response::Json(200, server.HealthPayload());
                       }});
  server.routes().Add({"GET", "/api/v1/models", "list_models", [&server](RequestContext& ctx) {
                         Result<nlohmann::json> list = ListModelFiles(server.settings().models_dir);
                         if (!list.ok()) {
                           return ctx.Error(500, "ModelDirectoryError", list.status().message());
                         }
                         return Response::Json(200, *list);
                       }});
}

}  // namespace llm::server
