// `llm-api tokenize --model FILE --text TEXT [--no-bos] [--special] [--json]`: prints the token
// ids of a text with a model's own vocabulary, one `id 'piece'` line per token (as
// llama-tokenize does), or with --json one object {"tokens":[...],"pieces":[...]}.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/tokenizer/tokenizer.h"
#include "llm_api/commands.h"

namespace llm::app {
namespace {

using engine::Tokenizer;

// `s` as a JSON string literal; invalid UTF-8 (a piece may be part of a character) becomes U+FFFD.
std::string JsonString(const std::string& s) {
  engine::Utf8StreamDecoder decoder;
  std::string valid = decoder.Push(s);
  valid += decoder.Flush();
  std::string out = "\"";
  for (char c : valid) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void PrintJson(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  std::string out = "{\"tokens\":[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  out += "],\"pieces\":[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + JsonString(tok.TokenToPiece(ids[i], true));
  out += "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

void PrintLines(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  for (int32_t id : ids) {
    const std::string piece = tok.TokenToPiece(id, true);
    std::printf("%d '", id);
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::printf("'\n");
  }
}

}  // namespace

int RunTokenize(int argc, char** argv) {
  CLI::App app{"Print the token ids of a text with a model's vocabulary", "llm-api tokenize"};
  std::string model;
  std::string text;
  bool no_bos = false;
  bool special = false;
  bool json = false;
  app.add_option("--model", model, "GGUF model (or vocabulary) file")->required();
  app.add_option("--text", text, "text to tokenize")->required();
  app.add_flag("--no-bos", no_bos, "do not add the BOS token even if the model asks for it");
  app.add_flag("--special", special, "parse special-token texts such as <|eot_id|> into their ids");
  app.add_flag("--json", json, "print {\"tokens\":[...],\"pieces\":[...]}");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  auto file = engine::GgufFile::Open(model);
  if (!file.ok()) {
    std::fprintf(stderr, "llm-api tokenize: %s\n", file.status().ToString().c_str());
    return 1;
  }
  auto tokenizer = Tokenizer::FromGguf(**file);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "llm-api tokenize: %s: %s\n", model.c_str(), tokenizer.status().ToString().c_str());
    return 1;
  }
  const std::vector<int32_t> ids = (*tokenizer)->Encode(text, !no_bos, special);
  if (json) {
    PrintJson(**tokenizer, ids);
  } else {
    PrintLines(**tokenizer, ids);
  }
  return 0;
}

}  // namespace llm::app
