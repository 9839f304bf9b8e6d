// What GgufWriter writes, GgufFile reads back identically: every value type and tensors.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <limits>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"

namespace llm::engine {
namespace {

// Writes `w` to memory and parses it; the buffer is kept alive beside the file.
struct Loaded {
  std::vector<uint8_t> bytes;
  std::unique_ptr<GgufFile> file;
};

Loaded WriteAndRead(const GgufWriter& w) {
  Loaded out;
  auto bytes = w.WriteToBuffer();
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return out;
  out.bytes = std::move(bytes).value();
  auto f = GgufFile::FromBuffer(out.bytes);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  if (f.ok()) out.file = std::move(f).value();
  return out;
}

TEST(GgufRoundTrip, EveryScalarTypeReadsBackWithItsTypeAndValue) {
  GgufWriter w;
  w.AddU8("u8", 200);
  w.AddI8("i8", -100);
  w.AddU16("u16", 60000);
  w.AddI16("i16", -30000);
  w.AddU32("u32", 4000000000u);
  w.AddI32("i32", -2000000000);
  w.AddF32("f32", 0.5f);
  w.AddBool("bool", true);
  w.AddString("string", "héllo\n\"x\"");
  w.AddU64("u64", std::numeric_limits<uint64_t>::max());
  w.AddI64("i64", std::numeric_limits<int64_t>::min());
  w.AddF64("f64", 1e-300);
  Loaded l = WriteAndRead(w);
  ASSERT_NE(l.file, nullptr);
  const GgufFile& f = *l.file;
  EXPECT_EQ(f.keys().size(), 12u);
  EXPECT_EQ(f.keys()[0], "u8");
  EXPECT_EQ(f.TypeOf("u8"), GgufValueType::kU8);
  EXPECT_EQ(f.TypeOf("f64"), GgufValueType::kF64);
  EXPECT_EQ(f.TypeOf("string"), GgufValueType::kString);
  EXPECT_EQ(f.GetInt("u8").value(), 200);
  EXPECT_EQ(f.GetInt("i8").value(), -100);
  EXPECT_EQ(f.GetInt("u16").value(), 60000);
  EXPECT_EQ(f.GetInt("i16").value(), -30000);
  EXPECT_EQ(f.GetUInt("u32").value(), 4000000000u);
  EXPECT_EQ(f.GetInt("i32").value(), -2000000000);
  EXPECT_EQ(f.GetFloat("f32").value(), 0.5);
  EXPECT_EQ(f.GetBool("bool").value(), true);
  EXPECT_EQ(f.GetString("string").value(), "héllo\n\"x\"");
  EXPECT_EQ(f.GetUInt("u64").value(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(f.GetInt("i64").value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(f.GetFloat("f64").value(), 1e-300);
  EXPECT_EQ(f.ValueToString("i8"), "-100");
  EXPECT_EQ(f.ValueToString("u64"), "18446744073709551615");
  EXPECT_EQ(f.ValueToString("i64"), "-9223372036854775808");
  EXPECT_EQ(f.ValueToString("f32"), "0.5");
  EXPECT_EQ(f.ValueToString("bool"), "true");
  EXPECT_EQ(f.ValueToString("string"), "\"héllo\\n\\\"x\\\"\"");
  EXPECT_EQ(f.ValueToString("absent"), "");
}

TEST(GgufRoundTrip, GettersRejectTheWrongKindAndValuesThatDoNotFit) {
  GgufWriter w;
  w.AddU64("big", std::numeric_limits<uint64_t>::max());
  w.AddI32("negative", -1);
  w.AddString("text", "x");
  w.AddF32("float", 1.0f);
  Loaded l = WriteAndRead(w);
  ASSERT_NE(l.file, nullptr);
  const GgufFile& f = *l.file;
  EXPECT_EQ(f.GetInt("big").status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(f.GetUInt("negative").status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(f.GetInt("text").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetString("float").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetFloat("negative").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetBool("text").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetStringArray("text").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetInt("absent").status().code(), StatusCode::kNotFound);
  EXPECT_NE(f.GetInt("absent").status().message().find("absent"), std::string::npos);
  EXPECT_FALSE(f.Has("absent"));
  EXPECT_FALSE(f.TypeOf("absent").has_value());
  EXPECT_FALSE(f.ArrayInfo("text").has_value());
}

TEST(GgufRoundTrip, ArraysOfEveryElementTypeReadBack) {
  GgufWriter w;
  w.AddArray<uint8_t>("a.u8", std::array<uint8_t, 3>{1, 2, 255});
  w.AddArray<int8_t>("a.i8", std::array<int8_t, 2>{-1, 127});
  w.AddArray<uint16_t>("a.u16", std::array<uint16_t, 1>{65535});
  w.AddArray<int16_t>("a.i16", std::array<int16_t, 2>{-32768, 7});
  w.AddArray<uint32_t>("a.u32", std::array<uint32_t, 2>{0, 4000000000u});
  w.AddArray<int32_t>("a.i32", std::array<int32_t, 3>{-5, 0, 5});
  w.AddArray<uint64_t>("a.u64", std::array<uint64_t, 1>{1ull << 40});
  w.AddArray<int64_t>("a.i64", std::array<int64_t, 1>{-(1ll << 40)});
  w.AddArray<float>("a.f32", std::array<float, 2>{1.5f, -2.25f});
  w.AddArray<double>("a.f64", std::array<double, 1>{0.125});
  w.AddBoolArray("a.bool", {true, false, true});
  w.AddStringArray("a.str", {"a", "", "ccc"});
  w.AddArray<int32_t>("a.empty", std::span<const int32_t>());
  Loaded l = WriteAndRead(w);
  ASSERT_NE(l.file, nullptr);
  const GgufFile& f = *l.file;
  EXPECT_EQ(f.GetIntArray("a.u8").value(), (std::vector<int64_t>{1, 2, 255}));
  EXPECT_EQ(f.GetIntArray("a.i8").value(), (std::vector<int64_t>{-1, 127}));
  EXPECT_EQ(f.GetIntArray("a.u16").value(), (std::vector<int64_t>{65535}));
  EXPECT_EQ(f.GetIntArray("a.i16").value(), (std::vector<int64_t>{-32768, 7}));
  EXPECT_EQ(f.GetIntArray("a.u32").value(), (std::vector<int64_t>{0, 4000000000}));
  EXPECT_EQ(f.GetIntArray("a.i32").value(), (std::vector<int64_t>{-5, 0, 5}));
  EXPECT_EQ(f.GetIntArray("a.u64").value(), (std::vector<int64_t>{1ll << 40}));
  EXPECT_EQ(f.GetIntArray("a.i64").value(), (std::vector<int64_t>{-(1ll << 40)}));
  EXPECT_EQ(f.GetFloatArray("a.f32").value(), (std::vector<float>{1.5f, -2.25f}));
  EXPECT_EQ(f.GetFloatArray("a.f64").value(), (std::vector<float>{0.125f}));
  EXPECT_EQ(f.GetStringArray("a.str").value(), (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_TRUE(f.GetIntArray("a.empty").value().empty());
  EXPECT_EQ(f.ArrayInfo("a.bool"), std::make_pair(GgufValueType::kBool, uint64_t{3}));
  EXPECT_EQ(f.ValueToString("a.bool"), "[true, false, true]");
  EXPECT_EQ(f.ValueToString("a.str", 2), "[\"a\", \"\", ...] (3 items)");
  EXPECT_EQ(f.ValueToString("a.empty"), "[]");
  EXPECT_EQ(f.GetIntArray("a.f32").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.GetFloatArray("a.str").status().code(), StatusCode::kInvalidArgument);
}

TEST(GgufRoundTrip, NestedArraysAreReadAndRendered) {
  std::vector<uint8_t> inner_a = GgufWriter::EncodeArray(
      GgufValueType::kU8, 2, std::vector<uint8_t>{7, 8});
  std::vector<uint8_t> inner_b = GgufWriter::EncodeArray(
      GgufValueType::kString, 1, GgufWriter::EncodeString("s"));
  std::vector<uint8_t> payload = inner_a;
  payload.insert(payload.end(), inner_b.begin(), inner_b.end());
  GgufWriter w;
  w.AddRaw("nested", GgufValueType::kArray,
           GgufWriter::EncodeArray(GgufValueType::kArray, 2, payload));
  w.AddU32("after", 42);
  Loaded l = WriteAndRead(w);
  ASSERT_NE(l.file, nullptr);
  EXPECT_EQ(l.file->ValueToString("nested"), "[[7, 8], [\"s\"]]");
  EXPECT_EQ(l.file->ArrayInfo("nested"), std::make_pair(GgufValueType::kArray, uint64_t{2}));
  EXPECT_EQ(l.file->GetIntArray("nested").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(l.file->GetInt("after").value(), 42);
}

TEST(GgufRoundTrip, CopyFromReproducesAValueExactly) {
  GgufWriter a;
  a.AddStringArray("tokenizer.ggml.tokens", {"<s>", "</s>", "x"});
  a.AddArray<float>("tokenizer.ggml.scores", std::array<float, 3>{0, -1, -2});
  Loaded la = WriteAndRead(a);
  ASSERT_NE(la.file, nullptr);
  GgufWriter b;
  ASSERT_TRUE(b.CopyFrom(*la.file, "tokenizer.ggml.tokens").ok());
  ASSERT_TRUE(b.CopyFrom(*la.file, "tokenizer.ggml.scores").ok());
  EXPECT_EQ(b.CopyFrom(*la.file, "absent").code(), StatusCode::kNotFound);
  Loaded lb = WriteAndRead(b);
  ASSERT_NE(lb.file, nullptr);
  EXPECT_EQ(lb.file->GetStringArray("tokenizer.ggml.tokens").value(),
            (std::vector<std::string>{"<s>", "</s>", "x"}));
  EXPECT_EQ(lb.file->GetFloatArray("tokenizer.ggml.scores").value(),
            (std::vector<float>{0, -1, -2}));
}

TEST(GgufRoundTrip, TensorsKeepShapeTypeDataAndAlignment) {
  for (uint32_t alignment : {32u, 64u, 256u}) {
    SCOPED_TRACE(alignment);
    GgufWriter w;
    w.SetAlignment(alignment);
    std::vector<uint8_t> a(3 * 4 * 4);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i);
    w.AddTensor("a", GgmlType::kF32, {3, 4}, a);
    w.AddTensor("q", GgmlType::kQ4_0, {64, 2}, [](std::span<uint8_t> out) {
      std::memset(out.data(), 0x5a, out.size());
      return Status::Ok();
    });
    w.AddTensor("v", GgmlType::kF16, {5}, std::vector<uint8_t>(10, 1));
    Loaded l = WriteAndRead(w);
    ASSERT_NE(l.file, nullptr);
    const GgufFile& f = *l.file;
    EXPECT_EQ(f.alignment(), alignment);
    EXPECT_EQ(f.data_offset() % alignment, 0u);
    ASSERT_EQ(f.tensors().size(), 3u);
    const GgufTensorInfo* ta = f.FindTensor("a");
    ASSERT_NE(ta, nullptr);
    EXPECT_EQ(ta->dims, (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(ta->element_count(), 12);
    EXPECT_EQ(ta->size_bytes, 48u);
    EXPECT_EQ(std::vector<uint8_t>(ta->data, ta->data + ta->size_bytes), a);
    const GgufTensorInfo* tq = f.FindTensor("q");
    ASSERT_NE(tq, nullptr);
    EXPECT_EQ(tq->type, GgmlType::kQ4_0);
    EXPECT_EQ(tq->size_bytes, 2u * 2 * 18);
    EXPECT_EQ(tq->data[0], 0x5a);
    EXPECT_EQ(tq->data[tq->size_bytes - 1], 0x5a);
    for (const GgufTensorInfo& t : f.tensors()) EXPECT_EQ(t.offset % alignment, 0u) << t.name;
  }
}

TEST(GgufRoundTrip, VersionTwoFilesAreRead) {
  GgufWriter w(2);
  w.AddString("general.architecture", "llama");
  Loaded l = WriteAndRead(w);
  ASSERT_NE(l.file, nullptr);
  EXPECT_EQ(l.file->version(), 2u);
  EXPECT_EQ(l.file->GetString("general.architecture").value(), "llama");
}

TEST(GgufWriter, ReportsDuplicatesAndBadShapesWhenWriting) {
  GgufWriter dup_key;
  dup_key.AddU8("k", 1);
  dup_key.AddU8("k", 2);
  EXPECT_NE(dup_key.WriteToBuffer().status().message().find("duplicate metadata key 'k'"),
            std::string::npos);
  GgufWriter dup_tensor;
  dup_tensor.AddTensor("t", GgmlType::kF32, {1}, std::vector<uint8_t>(4));
  dup_tensor.AddTensor("t", GgmlType::kF32, {1}, std::vector<uint8_t>(4));
  EXPECT_FALSE(dup_tensor.WriteToBuffer().ok());
  GgufWriter bad_block;
  bad_block.AddTensor("t", GgmlType::kQ8_0, {31}, std::vector<uint8_t>(34));
  EXPECT_FALSE(bad_block.WriteToBuffer().ok());
  GgufWriter bad_size;
  bad_size.AddTensor("t", GgmlType::kF32, {2}, std::vector<uint8_t>(4));
  EXPECT_FALSE(bad_size.WriteToBuffer().ok());
}

TEST(GgufWriter, AFailingTensorFillerLeavesNoPartialFile) {
  auto path = std::filesystem::temp_directory_path() / "gguf_writer_failing_filler.gguf";
  GgufWriter w;
  w.AddTensor("t", GgmlType::kF32, {4}, [](std::span<uint8_t>) {
    return Status::Internal("generator failed");
  });
  Status s = w.WriteFile(path.string());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("tensor 't': generator failed"), std::string::npos) << s.message();
  EXPECT_FALSE(std::filesystem::exists(path));
  Status no_dir = GgufWriter().WriteFile("/nonexistent-dir/x.gguf");
  EXPECT_EQ(no_dir.code(), StatusCode::kIOError);
  EXPECT_NE(no_dir.message().find("/nonexistent-dir/x.gguf"), std::string::npos);
}

}  // namespace
}  // namespace llm::engine
