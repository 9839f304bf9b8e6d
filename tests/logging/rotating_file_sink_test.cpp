#include "logging/rotating_file_sink.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "logging/test_dir.h"

namespace llm::logging {
namespace {

using test_util::ReadAll;
using test_util::ReadLines;
using test_util::TempDir;

std::string Line(int i, size_t width = 40) {
  std::string s = "{\"n\":" + std::to_string(i) + ",\"pad\":\"";
  s += std::string(width, 'x');
  s += "\"}";
  return s;
}

TEST(RotatingFileSink, NamesBackupsLikePythonNewestIsDotOne) {
  TempDir dir;
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 200, 3);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  for (int i = 0; i < 40; ++i) (*sink)->WriteLine(Line(i));
  (*sink)->flush();
  namespace fs = std::filesystem;
  EXPECT_TRUE(fs::exists(dir.file("api.log.1")));
  EXPECT_TRUE(fs::exists(dir.file("api.log.3")));
  EXPECT_FALSE(fs::exists(dir.file("api.log.4")));
  // The newest backup holds the lines just before the current file's first line.
  auto current = ReadLines(dir.file("api.log"));
  auto newest = ReadLines(dir.file("api.log.1"));
  auto older = ReadLines(dir.file("api.log.2"));
  ASSERT_FALSE(current.empty());
  ASSERT_FALSE(newest.empty());
  EXPECT_EQ(newest.back(), Line(std::stoi(current.front().substr(5)) - 1));
  EXPECT_EQ(older.back(), Line(std::stoi(newest.front().substr(5)) - 1));
  EXPECT_EQ(current.back(), Line(39));
}

TEST(RotatingFileSink, NeverSplitsARecordAcrossFiles) {
  TempDir dir;
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 150, 50);
  ASSERT_TRUE(sink.ok());
  for (int i = 0; i < 100; ++i) (*sink)->WriteLine(Line(i, static_cast<size_t>(i % 37)));
  (*sink)->flush();
  int total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::string content = ReadAll(entry.path().string());
    ASSERT_FALSE(content.empty());
    EXPECT_EQ(content.back(), '\n') << entry.path();
    EXPECT_LT(content.size(), 150u) << entry.path();  // Python rolls over at >= max_bytes
    for (const auto& line : ReadLines(entry.path().string())) {
      EXPECT_EQ(line.front(), '{');
      EXPECT_EQ(line.back(), '}');
      ++total;
    }
  }
  EXPECT_EQ(total, 100);
  EXPECT_EQ((*sink)->counters().written, 100u);
}

TEST(RotatingFileSink, OversizedRecordGoesOutWholeInItsOwnFile) {
  TempDir dir;
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 100, 2);
  ASSERT_TRUE(sink.ok());
  (*sink)->WriteLine(Line(1, 10));
  (*sink)->WriteLine(Line(2, 500));
  (*sink)->WriteLine(Line(3, 10));
  (*sink)->flush();
  EXPECT_EQ(ReadLines(dir.file("api.log")), std::vector<std::string>{Line(3, 10)});
  EXPECT_EQ(ReadLines(dir.file("api.log.1")), std::vector<std::string>{Line(2, 500)});
  EXPECT_EQ(ReadLines(dir.file("api.log.2")), std::vector<std::string>{Line(1, 10)});
}

TEST(RotatingFileSink, BackupCountZeroMeansNoRotation) {
  TempDir dir;
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 100, 0);
  ASSERT_TRUE(sink.ok());
  for (int i = 0; i < 50; ++i) (*sink)->WriteLine(Line(i));
  (*sink)->flush();
  EXPECT_FALSE(std::filesystem::exists(dir.file("api.log.1")));
  EXPECT_EQ(ReadLines(dir.file("api.log")).size(), 50u);
  EXPECT_EQ((*sink)->counters().rotations, 0u);
}

TEST(RotatingFileSink, AppendsToAnExistingFileAndCountsItsSize) {
  TempDir dir;
  {
    auto sink = RotatingFileSink::Open(dir.file("api.log"), 1000, 1);
    ASSERT_TRUE(sink.ok());
    (*sink)->WriteLine(Line(0, 900));
  }
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 1000, 1);
  ASSERT_TRUE(sink.ok());
  (*sink)->WriteLine(Line(1, 200));
  (*sink)->flush();
  EXPECT_EQ(ReadLines(dir.file("api.log.1")).size(), 1u);
  EXPECT_EQ(ReadLines(dir.file("api.log")), std::vector<std::string>{Line(1, 200)});
}

TEST(RotatingFileSink, DiskFullDropsCountsAndResumesWithoutPartialLines) {
  TempDir dir;
  bool full = false;
  WriteFn write = [&full](int fd, const void* data, size_t n) -> long {
    if (full) {
      // Like a nearly full disk: part of the chunk lands, then ENOSPC.
      long part = ::write(fd, data, n / 2);
      if (part > 0 && part < static_cast<long>(n)) return part;
      errno = ENOSPC;
      return -1;
    }
    return ::write(fd, data, n);
  };
  auto sink = RotatingFileSink::Open(dir.file("api.log"), 0, 0, write);
  ASSERT_TRUE(sink.ok());
  (*sink)->WriteLine(Line(1));
  (*sink)->flush();
  full = true;
  ::testing::internal::CaptureStderr();
  for (int i = 2; i <= 4; ++i) (*sink)->WriteLine(Line(i));
  (*sink)->flush();
  (*sink)->WriteLine(Line(5));
  (*sink)->flush();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ((*sink)->counters().dropped, 4u);
  // One message for the whole failing episode.
  EXPECT_NE(err.find("No space left on device"), std::string::npos);
  EXPECT_EQ(err.find("cannot write"), err.rfind("cannot write"));
  full = false;
  ::testing::internal::CaptureStderr();
  (*sink)->WriteLine(Line(6));
  (*sink)->flush();
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ReadLines(dir.file("api.log")), (std::vector<std::string>{Line(1), Line(6)}));
  EXPECT_EQ((*sink)->counters().written, 2u);
}

TEST(RotatingFileSink, OpenFailsOnAnUnwritablePath) {
  auto sink = RotatingFileSink::Open("/nonexistent-dir-llm/api.log", 10, 1);
  EXPECT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("/nonexistent-dir-llm/api.log"), std::string::npos);
}

}  // namespace

TEST(RotatingFileSink, ReopeningAfterATornLineStartsTheNextRecordOnItsOwnLine) {
  TempDir dir;
  { std::ofstream(dir.file("api.log")) << "{\"a\":1}\n{\"torn\":"; }  // a write cut by kill -9
  {
    auto sink = RotatingFileSink::Open(dir.file("api.log"), 0, 0);
    ASSERT_TRUE(sink.ok());
    (*sink)->WriteLine("{\"b\":2}");
  }
  EXPECT_EQ(ReadAll(dir.file("api.log")), "{\"a\":1}\n{\"torn\":\n{\"b\":2}\n");
}

}  // namespace llm::logging
