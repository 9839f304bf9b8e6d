// libFuzzer target: GgufFile::FromBuffer on arbitrary bytes, then every accessor on what it
// accepts. Built only with -DLLM_FUZZ=ON; run by the CTest test `gguf_fuzz` (label `fuzz`).
#include <cstddef>
#include <cstdint>

#include "engine/gguf/gguf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llm::engine::GgufFile;
  auto file = GgufFile::FromBuffer(std::span<const uint8_t>(data, size));
  if (!file.ok()) return 0;
  const GgufFile& f = **file;
  size_t sink = 0;
  for (std::string_view key : f.keys()) {
    sink += f.ValueToString(key, 4).size() + f.RawValue(key).size();
    if (auto s = f.GetString(key); s.ok()) sink += s->size();
    if (auto i = f.GetInt(key); i.ok()) sink += static_cast<size_t>(*i);
    if (auto u = f.GetUInt(key); u.ok()) sink += static_cast<size_t>(*u);
    if (auto d = f.GetFloat(key); d.ok()) sink += *d > 0;
    if (auto b = f.GetBool(key); b.ok()) sink += *b;
    if (auto a = f.GetStringArray(key); a.ok()) sink += a->size();
    if (auto a = f.GetIntArray(key); a.ok()) sink += a->size();
    if (auto a = f.GetFloatArray(key); a.ok()) sink += a->size();
    if (f.ArrayInfo(key)) ++sink;
  }
  for (const auto& t : f.tensors()) {
    if (f.FindTensor(t.name) != &t) __builtin_trap();
    if (t.size_bytes > 0) sink += t.data[0] + t.data[t.size_bytes - 1];  // ASan checks bounds
  }
  volatile size_t keep = sink;
  (void)keep;
  return 0;
}
