// Truncated, corrupted and hostile GGUF files give a clear error, never a crash or a huge
// allocation (the sanitizer build runs these too).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>

#include "engine/gguf/gguf_reader.h"
#include "gguf_test_util.h"

namespace llm::engine {
namespace {

// Builds GGUF bytes field by field, so each test states exactly what is on disk.
class Raw {
 public:
  Raw& U8(uint8_t v) { return Put(v); }
  Raw& U32(uint32_t v) { return Put(v); }
  Raw& U64(uint64_t v) { return Put(v); }
  Raw& Str(std::string_view s) {
    U64(s.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Raw& Header(uint64_t tensors, uint64_t kvs, uint32_t version = 3) {
    return U32(0x46554747).U32(version).U64(tensors).U64(kvs);
  }
  // key of type u32
  Raw& KvU32(std::string_view key, uint32_t v) { return Str(key).U32(4).U32(v); }
  Raw& TensorInfo(std::string_view name, std::vector<uint64_t> dims, uint32_t type,
                  uint64_t offset) {
    Str(name).U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) U64(d);
    return U32(type).U64(offset);
  }
  Raw& PadTo(size_t alignment) {
    while (bytes_.size() % alignment != 0) bytes_.push_back(0);
    return *this;
  }
  Raw& Zeros(size_t n) {
    bytes_.resize(bytes_.size() + n, 0);
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  template <typename T>
  Raw& Put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

struct HostileCase {
  const char* name;
  Raw file;
  const char* expected;  // a fragment of the error message
};

std::vector<HostileCase> Cases() {
  constexpr uint64_t kHuge = uint64_t{1} << 62;
  Raw nested = Raw().Header(0, 1).Str("deep").U32(9);
  for (int i = 0; i < 9; ++i) nested.U32(9).U64(1);
  nested.U32(0).U64(0);
  return {
      {"empty file", Raw(), "truncated"},
      {"bad magic", Raw().U32(0x46554746).U32(3).U64(0).U64(0), "bad magic"},
      {"version 1", Raw().Header(0, 0, 1), "version 1 is not supported"},
      {"version 99", Raw().Header(0, 0, 99), "unknown GGUF version 99"},
      {"big-endian", Raw().Header(0, 0, 0x03000000), "big-endian"},
      {"header cut short", Raw().U32(0x46554747).U32(3).U32(0), "truncated"},
      {"huge tensor count", Raw().Header(kHuge, 0), "tensor count"},
      {"huge metadata count", Raw().Header(0, kHuge), "metadata count"},
      {"huge key length", Raw().Header(0, 1).U64(kHuge).Zeros(16), "metadata key length"},
      {"empty key", Raw().Header(0, 1).Str("").U32(4).U32(1), "empty metadata key"},
      {"huge string value", Raw().Header(0, 1).Str("k").U32(8).U64(kHuge).Zeros(8),
       "string value length"},
      {"unknown value type", Raw().Header(0, 1).Str("k").U32(13).U32(0), "unknown value type 13"},
      {"huge array count", Raw().Header(0, 1).Str("k").U32(9).U32(4).U64(kHuge).Zeros(8),
       "array count"},
      {"huge string array", Raw().Header(0, 1).Str("k").U32(9).U32(8).U64(kHuge).Zeros(8),
       "array count"},
      {"unknown array element type", Raw().Header(0, 1).Str("k").U32(9).U32(77).U64(0),
       "unknown array element type 77"},
      {"arrays nested too deep", nested, "nested deeper"},
      {"bool of 2", Raw().Header(0, 1).Str("k").U32(7).U8(2), "neither 0 nor 1"},
      {"duplicate key", Raw().Header(0, 2).KvU32("k", 1).KvU32("k", 2), "duplicate metadata key"},
      {"alignment 0", Raw().Header(0, 1).KvU32("general.alignment", 0), "not a power of two"},
      {"alignment 48", Raw().Header(0, 1).KvU32("general.alignment", 48), "not a power of two"},
      {"alignment as string",
       Raw().Header(0, 1).Str("general.alignment").U32(8).Str("32"), "expected u32"},
      {"unknown tensor type", Raw().Header(1, 0).TensorInfo("t", {4}, 4, 0).PadTo(32).Zeros(32),
       "unknown tensor type 4"},
      {"zero dimensions", Raw().Header(1, 0).TensorInfo("t", {}, 0, 0).PadTo(32).Zeros(32),
       "0 dimensions"},
      {"five dimensions",
       Raw().Header(1, 0).TensorInfo("t", {1, 1, 1, 1, 1}, 0, 0).PadTo(32).Zeros(32),
       "5 dimensions"},
      {"zero dim", Raw().Header(1, 0).TensorInfo("t", {4, 0}, 0, 0).PadTo(32).Zeros(32),
       "invalid dimension 0"},
      {"negative dim", Raw().Header(1, 0).TensorInfo("t", {~uint64_t{0}}, 0, 0).PadTo(32),
       "invalid dimension"},
      {"dims overflow",
       Raw().Header(1, 0).TensorInfo("t", {1u << 31, 1u << 31, 1u << 31}, 0, 0).PadTo(32),
       "overflows"},
      {"byte size overflow", Raw().Header(1, 0).TensorInfo("t", {kHuge}, 0, 0).PadTo(32),
       "exceeds the file size"},
      {"row not a block multiple",
       Raw().Header(1, 0).TensorInfo("t", {33}, 8, 0).PadTo(32).Zeros(64), "block size 32"},
      {"data past end of file",
       Raw().Header(1, 0).TensorInfo("t", {16}, 0, 0).PadTo(32).Zeros(32), "past the end"},
      {"offset past end of file",
       Raw().Header(1, 0).TensorInfo("t", {8}, 0, 1 << 20).PadTo(32).Zeros(32), "past the end"},
      {"misaligned offset",
       Raw().Header(1, 0).TensorInfo("t", {4}, 0, 16).PadTo(32).Zeros(64), "not a multiple"},
      {"duplicate tensor name",
       Raw().Header(2, 0).TensorInfo("t", {8}, 0, 0).TensorInfo("t", {8}, 0, 32).PadTo(32)
           .Zeros(64),
       "duplicate tensor name"},
      {"overlapping tensors",
       Raw().Header(2, 0).TensorInfo("a", {16}, 0, 0).TensorInfo("b", {8}, 0, 32).PadTo(32)
           .Zeros(64),
       "overlap"},
      {"data section missing",
       Raw().Header(1, 1).KvU32("general.alignment", 1024).TensorInfo("t", {1}, 0, 0),
       "before its tensor data"},
  };
}

TEST(GgufHostile, EveryHostileInputGivesAClearError) {
  for (const HostileCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto f = GgufFile::FromBuffer(c.file.bytes());
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.status().code(), StatusCode::kInternal);
    EXPECT_NE(f.status().message().find("<buffer>"), std::string::npos) << f.status().message();
    EXPECT_NE(f.status().message().find(c.expected), std::string::npos) << f.status().message();
  }
}

TEST(GgufHostile, WellFormedMinimalFilesAreAccepted) {
  // Guards the table above: the same shapes without the defect parse.
  Raw ok = Raw().Header(2, 1).KvU32("general.alignment", 32).TensorInfo("a", {8}, 0, 0)
               .TensorInfo("b", {32}, 8, 32).PadTo(32).Zeros(32 + 34);
  auto f = GgufFile::FromBuffer(ok.bytes());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->tensors().size(), 2u);
  auto empty = GgufFile::FromBuffer(Raw().Header(0, 0).bytes());
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
}

// The bytes of the smallest shared model (fails when ../shared is missing).
std::vector<uint8_t> RealFile() {
  auto bytes = testing::ReadBytes(testing::SharedDir() / "models" / "stories260K.gguf");
  EXPECT_GT(bytes.size(), 100000u) << "cannot read stories260K.gguf from ../shared/models";
  return bytes;
}

TEST(GgufHostile, TruncatingARealFileAnywhereIsAnError) {
  std::vector<uint8_t> full = RealFile();
  ASSERT_FALSE(full.empty());
  auto whole = GgufFile::FromBuffer(full);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  const size_t header_end = (*whole)->data_offset();
  size_t data_end = 0;  // the file may end with padding, which can be cut harmlessly
  for (const GgufTensorInfo& t : (*whole)->tensors()) {
    data_end = std::max(data_end, header_end + t.offset + t.size_bytes);
  }
  std::vector<size_t> cuts;
  for (size_t n = 0; n < 64; ++n) cuts.push_back(n);
  for (size_t n = 64; n < header_end; n += 37) cuts.push_back(n);
  for (size_t n = header_end; n < data_end; n += data_end / 50) cuts.push_back(n);
  cuts.push_back(data_end - 1);
  for (size_t n : cuts) {
    std::vector<uint8_t> head(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    auto f = GgufFile::FromBuffer(head);
    ASSERT_FALSE(f.ok()) << "accepted a file truncated to " << n << " bytes";
    EXPECT_EQ(f.status().code(), StatusCode::kCorruption) << n << ": " << f.status().message();
  }
}

TEST(GgufHostile, FlippedBytesInARealHeaderNeverCrash) {
  std::vector<uint8_t> full = RealFile();
  ASSERT_FALSE(full.empty());
  auto whole = GgufFile::FromBuffer(full);
  ASSERT_TRUE(whole.ok());
  const size_t header_end = (*whole)->data_offset();
  uint32_t state = 12345;
  int rejected = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> copy = full;
    for (int j = 0; j < 4; ++j) {
      state = state * 1664525u + 1013904223u;
      copy[(state >> 8) % header_end] ^= static_cast<uint8_t>(1u << (state % 8));
    }
    auto f = GgufFile::FromBuffer(copy);
    if (!f.ok()) {
      ++rejected;
      EXPECT_FALSE(f.status().message().empty());
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(GgufHostile, OpenNamesThePathOfABadFile) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "gguf_hostile_test";
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / "truncated.gguf";
  std::vector<uint8_t> full = RealFile();
  ASSERT_FALSE(full.empty());
  testing::WriteBytes(path, std::vector<uint8_t>(full.begin(), full.begin() + 1000));
  auto f = GgufFile::Open(path.string());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find(path.string()), std::string::npos) << f.status().message();
  auto missing = GgufFile::Open((dir / "does-not-exist.gguf").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIOError);
  EXPECT_NE(missing.status().message().find("does-not-exist.gguf"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace llm::engine
