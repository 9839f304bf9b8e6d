// libFuzzer target: Encode / TokenToPiece / Decode / Utf8StreamDecoder on arbitrary bytes with
// four real vocabularies from ../shared (SentencePiece, Llama 3, Qwen2, DeepSeek-Coder). The
// first input byte picks the vocabulary and the flags; the rest is the text. Checks: every id
// is in range, streamed pieces are valid UTF-8, and for valid UTF-8 without special parsing
// the pieces give the text back.
// Built only with -DLLM_FUZZ=ON; run by the CTest test `tokenizer_fuzz` (label `fuzz`).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/tokenizer/tokenizer.h"
#include "common/shared_dir.h"

namespace {

using llm::engine::GgufFile;
using llm::engine::Tokenizer;
using llm::engine::Utf8StreamDecoder;

std::vector<std::unique_ptr<Tokenizer>> LoadVocabularies() {
  const std::string shared = llm::test_support::SharedDir().string();
  std::vector<std::unique_ptr<Tokenizer>> out;
  for (const char* name : {"llama-spm", "llama3", "qwen3", "deepseek-coder"}) {
    auto file = GgufFile::Open(shared + "/testdata/vocab/ggml-vocab-" + name + ".gguf");
    if (!file.ok()) __builtin_trap();  // the fuzzer needs ../shared
    auto tok = Tokenizer::FromGguf(**file);
    if (!tok.ok()) __builtin_trap();
    out.push_back(std::move(tok).value());
  }
  return out;
}

const std::vector<std::unique_ptr<Tokenizer>>& Vocabularies() {
  static const auto* vocabs = new std::vector<std::unique_ptr<Tokenizer>>(LoadVocabularies());
  return *vocabs;
}

// SentencePiece cannot tell U+2581 from a space: both decode to ' '.
std::string SpacesForU2581(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "\xE2\x96\x81") == 0) {
      out += ' ';
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool IsValidUtf8(const std::string& s) {
  Utf8StreamDecoder d;
  std::string out = d.Push(s);
  out += d.Flush();
  return out == s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Vocabularies();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& vocabs = Vocabularies();
  const Tokenizer& tok = *vocabs[data[0] % vocabs.size()];
  const bool parse_special = data[0] & 0x10;
  const bool add_bos = data[0] & 0x20;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  const std::vector<int32_t> ids = tok.Encode(text, add_bos, parse_special);
  std::string pieces;
  Utf8StreamDecoder stream;
  std::string streamed;
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.vocab_size()) __builtin_trap();
    const std::string piece = tok.TokenToPiece(id, false);
    pieces += piece;
    streamed += stream.Push(piece);
  }
  streamed += stream.Flush();
  if (!IsValidUtf8(streamed)) __builtin_trap();
  const std::string decoded = tok.Decode(ids, true);
  if (!parse_special && !add_bos && IsValidUtf8(text)) {
    const bool spm = tok.model_name() == "llama";
    const std::string expected = !spm ? text : text.empty() ? "" : " " + SpacesForU2581(text);
    if (pieces != expected) __builtin_trap();
  }
  volatile size_t keep = decoded.size();
  (void)keep;
  return 0;
}
