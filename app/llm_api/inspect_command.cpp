// `llm-api inspect --model FILE`: prints a GGUF file's metadata and tensor table, in the
// manner of gguf-dump. A file that does not validate is an error naming what is wrong (exit 1).
#include <CLI/CLI.hpp>

#include <cinttypes>
#include <cstdio>
#include <string>

#include "engine/gguf/gguf_reader.h"
#include "llm_api/commands.h"

namespace llm::app {
namespace {

using engine::GgufFile;
using engine::GgufTensorInfo;
using engine::GgufValueType;

// Cuts `s` to about `max` bytes on a UTF-8 character boundary, noting the full length.
std::string Abbreviate(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "... (" + std::to_string(s.size()) + " chars)";
}

std::string TypeColumn(const GgufFile& f, std::string_view key) {
  GgufValueType type = *f.TypeOf(key);
  if (type != GgufValueType::kArray) return std::string(engine::GgufValueTypeName(type));
  return "[" + std::string(engine::GgufValueTypeName(f.ArrayInfo(key)->first)) + "]";
}

void PrintMetadata(const GgufFile& f, size_t max_items, size_t max_chars) {
  auto keys = f.keys();
  std::printf("* %zu key/value pair(s)\n", keys.size());
  std::printf("  %5s  %-9s %9s  %s\n", "#", "type", "count", "key = value");
  size_t i = 0;
  for (std::string_view key : keys) {
    auto array = f.ArrayInfo(key);
    std::string count = array ? std::to_string(array->second) : "1";
    std::string value = Abbreviate(f.ValueToString(key, max_items), max_chars);
    std::printf("  %5zu  %-9s %9s  %.*s = %s\n", ++i, TypeColumn(f, key).c_str(), count.c_str(),
                static_cast<int>(key.size()), key.data(), value.c_str());
  }
}

std::string Dims(const GgufTensorInfo& t) {
  std::string out;
  for (size_t d = 0; d < t.dims.size(); ++d) {
    if (d > 0) out += " x ";
    out += std::to_string(t.dims[d]);
  }
  return out;
}

void PrintTensors(const GgufFile& f) {
  std::printf("* %zu tensor(s), data section at byte %zu\n", f.tensors().size(), f.data_offset());
  std::printf("  %5s  %-6s %-22s %12s %12s  %s\n", "#", "type", "dims", "offset", "bytes", "name");
  size_t i = 0;
  uint64_t total = 0;
  for (const GgufTensorInfo& t : f.tensors()) {
    std::string type(engine::TraitsOf(t.type).name);
    std::printf("  %5zu  %-6s %-22s %12" PRIu64 " %12zu  %s\n", ++i, type.c_str(),
                Dims(t).c_str(), t.offset, t.size_bytes, t.name.c_str());
    total += t.size_bytes;
  }
  std::printf("* %" PRIu64 " bytes of tensor data\n", total);
}

}  // namespace

int RunInspect(int argc, char** argv) {
  CLI::App app{"Print a GGUF file's metadata and tensor table", "llm-api inspect"};
  std::string model;
  size_t max_items = 8;
  size_t max_chars = 400;
  app.add_option("--model", model, "GGUF file to inspect")->required();
  app.add_option("--max-items", max_items, "array elements shown per value")->capture_default_str();
  app.add_option("--max-chars", max_chars, "characters shown per value")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is a success, a usage error exits 2
  }

  auto file = GgufFile::Open(model);
  if (!file.ok()) {
    std::fprintf(stderr, "llm-api inspect: %s\n", file.status().ToString().c_str());
    return 1;
  }
  const GgufFile& f = **file;
  std::printf("* %s: GGUF version %u, %zu bytes, alignment %zu\n", model.c_str(), f.version(),
              f.file_size(), f.alignment());
  PrintMetadata(f, max_items, max_chars);
  PrintTensors(f);
  return 0;
}

}  // namespace llm::app
