// The fixture of the in-process route tests: an ApiService on a real Server on a free loopback
// port, the real engine on ../shared/models (DEFAULT_MODEL stories260K.gguf unless set), a
// cpp-httplib client, and the log files read after the server stops.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/shared_dir.h"
#include "nlohmann/json.hpp"
#include "server/api_service.h"
#include "server/builtin_routes.h"

namespace llm::server {

class InProcessApiTest : public ::testing::Test {
 protected:
  // Starts the server with `api` (its log directory named after the running test).
  void Start(ApiSettings api = {}) {
    const std::string models = (test_support::SharedDir() / "models").string();
    ASSERT_TRUE(std::filesystem::exists(models + "/stories260K.gguf")) << models;
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    log_dir_ = ::testing::TempDir() + "in_process_api_" + test->test_suite_name() + "_" + test->name();
    std::filesystem::remove_all(log_dir_);
    logging::LogSettings ls;
    ls.dir = log_dir_;
    auto logger = logging::Logger::Open(ls);
    ASSERT_TRUE(logger.ok()) << logger.status().ToString();
    logger_ = std::move(logger).value();
    if (api.default_model.empty()) api.default_model = "stories260K.gguf";
    ServerSettings ss;
    ss.port = 0;
    ss.models_dir = models;
    ss.http_threads = RequiredHttpThreads(api);
    api_ = std::make_unique<ApiService>(api, ss.models_dir, *logger_);
    server_ = std::make_unique<Server>(ss, *logger_);
    AddBuiltinRoutes(*server_);
    api_->Attach(*server_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60, 0);
  }

  // Stops everything and returns the records of api.log.
  std::vector<nlohmann::json> StopAndReadLog() {
    server_->Shutdown();
    server_.reset();
    api_.reset();
    logger_.reset();
    std::vector<nlohmann::json> records;
    std::ifstream in(log_dir_ + "/api.log");
    for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
    return records;
  }

  httplib::Result Post(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return client_->Post(path.c_str(), h, body, "application/json");
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  std::string log_dir_;
  std::unique_ptr<logging::Logger> logger_;
  std::unique_ptr<ApiService> api_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace llm::server
