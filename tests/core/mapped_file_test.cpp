// MappedFile: a file mapped or read into memory gives the same bytes, readable up to the page
// end, released pages go only whole, and a missing file is an IOError naming it.
#include "core/mapped_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace llm {
namespace {

class MappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/mapped_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string dir_;
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
  return s;
}

TEST_F(MappedFileTest, MappedAndReadIntoMemoryGiveTheFileBytes) {
  const std::string bytes = Pattern(3 * 4096 + 123);
  const std::string path = Write("f.bin", bytes);
  Result<MappedFile> mapped = MappedFile::Open(path);
  Result<MappedFile> read = MappedFile::ReadIntoMemory(path);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(mapped->view(), bytes);
  EXPECT_EQ(read->view(), bytes);
  EXPECT_FALSE(mapped->in_memory());
  EXPECT_TRUE(read->in_memory());
  // Up to the page end, the bytes after the file are readable zeros.
  ASSERT_EQ(read->readable(), mapped->readable());
  ASSERT_GE(read->readable(), bytes.size());
  for (size_t i = bytes.size(); i < read->readable(); ++i) ASSERT_EQ(read->data()[i], '\0') << i;
}

TEST_F(MappedFileTest, MovingKeepsTheBytesAndEmptiesTheSource) {
  const std::string path = Write("f.bin", Pattern(5000));
  Result<MappedFile> read = MappedFile::ReadIntoMemory(path);
  ASSERT_TRUE(read.ok());
  MappedFile moved = std::move(read).value();
  EXPECT_EQ(moved.view(), Pattern(5000));
  EXPECT_TRUE(moved.in_memory());
  MappedFile other;
  other = std::move(moved);
  EXPECT_EQ(other.size(), 5000u);
  EXPECT_EQ(moved.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_FALSE(moved.in_memory());
}

TEST_F(MappedFileTest, AnEmptyFileGivesAnEmptyView) {
  const std::string path = Write("empty.bin", "");
  for (bool in_memory : {false, true}) {
    Result<MappedFile> f = in_memory ? MappedFile::ReadIntoMemory(path) : MappedFile::Open(path);
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(f->view().empty());
  }
}

TEST_F(MappedFileTest, AMissingFileIsAnIOErrorNamingIt) {
  const std::string path = dir_ + "/missing.gguf";
  for (bool in_memory : {false, true}) {
    Result<MappedFile> f = in_memory ? MappedFile::ReadIntoMemory(path) : MappedFile::Open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), StatusCode::kIOError);
    EXPECT_NE(f.status().message().find(path), std::string::npos);
  }
}

TEST_F(MappedFileTest, ReleasedPagesOfAMappingReadTheFileAgainAndOnlyWholePagesGo) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::string bytes(4 * page, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
  const std::string path = Write("release.bin", bytes);
  Result<MappedFile> mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok());
  mapped->Release(mapped->data() + 10, 3 * page);
  EXPECT_EQ(mapped->view(), bytes);
  Result<MappedFile> read = MappedFile::ReadIntoMemory(path);
  ASSERT_TRUE(read.ok());
  read->Release(read->data() + 10, 3 * page);  // whole pages inside: 1 and 2
  EXPECT_EQ(read->view().substr(0, page), bytes.substr(0, page));
  EXPECT_EQ(read->view().substr(page, 2 * page), std::string(2 * page, '\0'));
  EXPECT_EQ(read->view().substr(3 * page), bytes.substr(3 * page));
  read->Release(read->data() + 3 * page, 4 * page);  // beyond the view: ignored
  EXPECT_EQ(read->view().substr(3 * page), bytes.substr(3 * page));
}

}  // namespace
}  // namespace llm
