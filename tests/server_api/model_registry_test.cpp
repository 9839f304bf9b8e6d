#include "server/model_registry.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace llm::server {
namespace {

// A models directory with a few (fake) .gguf files; the loader below never parses them.
class ModelRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "registry_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/sub");
    for (const char* n : {"a.gguf", "b.gguf", "c.gguf", "broken.gguf", "sub/d.gguf", "notes.txt"}) {
      std::ofstream(dir_ + "/" + n) << "x";
    }
    std::ofstream(::testing::TempDir() + "outside.gguf") << "x";
  }

  ModelLoader CountingLoader() {
    return [this](const ModelFile& f) -> Result<std::shared_ptr<const ServedModel>> {
      ++loads_;
      if (f.name == "broken.gguf") return Status::Corruption(f.path + ": bad magic");
      auto m = std::make_shared<ServedModel>();
      m->name = f.name;
      m->path = f.path;
      return std::shared_ptr<const ServedModel>(m);
    };
  }

  RegistryObserver Recorder() {
    RegistryObserver o;
    o.on_loaded = [this](const ServedModel& m, double) { events_.push_back("loaded " + m.name); };
    o.on_unloaded = [this](const std::string& n, const std::string&) { events_.push_back("unloaded " + n); };
    o.on_load_failed = [this](const std::string& n, const Status& s) { events_.push_back("failed " + n + " " + s.message()); };
    return o;
  }

  std::string dir_;
  std::atomic<int> loads_{0};
  std::vector<std::string> events_;
};

TEST_F(ModelRegistryTest, LoadsOnFirstUseOnly) {
  ModelRegistry r(dir_, 1, CountingLoader(), Recorder());
  EXPECT_FALSE(r.IsLoaded("a.gguf"));
  auto first = r.Acquire("a.gguf");
  auto second = r.Acquire("a.gguf");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(loads_, 1);
  EXPECT_TRUE(r.IsLoaded("a.gguf"));
  EXPECT_EQ(events_, (std::vector<std::string>{"loaded a.gguf"}));
}

TEST_F(ModelRegistryTest, NameWithoutExtensionFindsTheGgufFile) {
  ModelRegistry r(dir_, 1, CountingLoader());
  auto m = r.Acquire("b");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->name, "b.gguf");
}

TEST_F(ModelRegistryTest, UnloadsTheLeastRecentlyUsedBeyondTheLimit) {
  ModelRegistry r(dir_, 2, CountingLoader(), Recorder());
  ASSERT_TRUE(r.Acquire("a.gguf").ok());
  ASSERT_TRUE(r.Acquire("b.gguf").ok());
  ASSERT_TRUE(r.Acquire("a.gguf").ok());  // a is now the most recently used
  ASSERT_TRUE(r.Acquire("c.gguf").ok());  // evicts b
  EXPECT_TRUE(r.IsLoaded("a.gguf"));
  EXPECT_FALSE(r.IsLoaded("b.gguf"));
  EXPECT_TRUE(r.IsLoaded("c.gguf"));
  EXPECT_EQ(r.loaded_count(), 2);
  EXPECT_EQ(events_, (std::vector<std::string>{"loaded a.gguf", "loaded b.gguf", "unloaded b.gguf", "loaded c.gguf"}));
}

TEST_F(ModelRegistryTest, ARequestKeepsItsModelAliveAfterUnload) {
  ModelRegistry r(dir_, 1, CountingLoader());
  auto a = r.Acquire("a.gguf");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(r.Acquire("b.gguf").ok());
  EXPECT_FALSE(r.IsLoaded("a.gguf"));
  EXPECT_EQ((*a)->name, "a.gguf");  // still usable by its holder
}

TEST_F(ModelRegistryTest, NamesThatLeaveTheDirectoryAreNotFound) {
  ModelRegistry r(dir_, 1, CountingLoader());
  const std::vector<std::string> names = {"../outside.gguf", "/etc/passwd", dir_ + "/a.gguf", "sub/d.gguf", "..", ".",
                                         "..\\a.gguf", std::string("a.gguf\0x", 8), ""};
  for (const std::string& name : names) {
    auto m = r.Acquire(name);
    ASSERT_FALSE(m.ok()) << name;
    EXPECT_EQ(m.status().code(), StatusCode::kNotFound) << name;
  }
  EXPECT_EQ(loads_, 0);
}

TEST_F(ModelRegistryTest, MissingFilesAndNonModelFilesAreNotFound) {
  ModelRegistry r(dir_, 1, CountingLoader());
  EXPECT_EQ(r.Acquire("nope.gguf").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Acquire("notes.txt").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Acquire("sub").status().code(), StatusCode::kNotFound);
}

TEST_F(ModelRegistryTest, LoadFailureCarriesTheReasonAndOthersStillServe) {
  ModelRegistry r(dir_, 1, CountingLoader(), Recorder());
  auto bad = r.Acquire("broken.gguf");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("bad magic"), std::string::npos);
  EXPECT_TRUE(r.Acquire("a.gguf").ok());
  ASSERT_GE(events_.size(), 1u);
  EXPECT_EQ(events_[0], "failed broken.gguf " + dir_ + "/broken.gguf: bad magic");
}

TEST_F(ModelRegistryTest, ConcurrentFirstUsesLoadOnce) {
  ModelRegistry r(dir_, 1, CountingLoader());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { EXPECT_TRUE(r.Acquire("a.gguf").ok()); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads_, 1);
}

TEST_F(ModelRegistryTest, ListsOnlyGgufRegularFilesSorted) {
  std::vector<ModelFile> files = ScanModelsDir(dir_);
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a.gguf", "b.gguf", "broken.gguf", "c.gguf"}));
  EXPECT_EQ(files[0].size_bytes, 1u);
  EXPECT_TRUE(ScanModelsDir(dir_ + "/missing").empty());
}

}  // namespace
}  // namespace llm::server
