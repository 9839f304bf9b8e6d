#include "engine/tokenizer/pre_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine/tokenizer/unicode_util.h"

namespace llm::engine {

namespace {

// Unicode White_Space, the set llama.cpp's unicode tables call whitespace. PCRE2's \s under
// UCP lacks U+0085, so \s and \S are rewritten to this explicit class.
constexpr const char* kWhitespaceMembers =
    "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

std::string ExpandWhitespace(const std::string& pattern) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[++i];
      if (e == 's') {
        // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about "[" + string.
        if (!in_class) out += '[';
        out += kWhitespaceMembers;
        if (!in_class) out += ']';
      } else if (e == 'S' && !in_class) {
        out += "[^";
        out += kWhitespaceMembers;
        out += ']';
      } else {
        out += c;
        out += e;
      }
      continue;
    }
    if (c == '[' && !in_class) in_class = true;
    else if (c == ']' && in_class) in_class = false;
    out += c;
  }
  return out;
}

// The subject the regexes see: `cps` as valid UTF-8 (surrogates and out-of-range values become
// U+FFFD), with the byte offset of every code point (byte_of_cp[n] = size).
struct Subject {
  std::string text;
  std::vector<size_t> byte_of_cp;
  std::vector<size_t> cp_of_byte;  // meaningful at code point boundaries only

  explicit Subject(const std::vector<uint32_t>& cps) {
    byte_of_cp.reserve(cps.size() + 1);
    for (uint32_t cp : cps) {
      byte_of_cp.push_back(text.size());
      const bool valid = cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
      AppendUtf8(valid ? cp : 0xFFFD, &text);
    }
    byte_of_cp.push_back(text.size());
    cp_of_byte.assign(text.size() + 1, 0);
    for (size_t i = 0; i < byte_of_cp.size(); ++i) cp_of_byte[byte_of_cp[i]] = i;
  }
};

}  // namespace

struct PreTokenizer::Regex {
  pcre2_code* code = nullptr;
  ~Regex() { pcre2_code_free(code); }

  // Appends to `out` the lengths (in code points) of the matches and of the text between them
  // within code points [begin, end) of `s`.
  // `md` is scratch match data created for this regex.
  void SplitChunk(const Subject& s, size_t begin, size_t end, pcre2_match_data* md,
                  std::vector<size_t>* out) const {
    const size_t base = s.byte_of_cp[begin];
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(s.text.data() + base);
    const size_t length = s.byte_of_cp[end] - base;
    size_t last = begin;   // code point where the previous match ended
    size_t pos = 0;        // byte offset (within the chunk) where the next search starts
    while (pos <= length) {
      int rc = pcre2_match(code, subject, length, pos, PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc < -1) rc = pcre2_match(code, subject, length, pos, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, nullptr);
      if (rc < 0) break;
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      const size_t m_begin = s.cp_of_byte[base + ov[0]];
      const size_t m_end = s.cp_of_byte[base + ov[1]];
      if (m_begin > last) out->push_back(m_begin - last);
      if (m_end > m_begin) {
        out->push_back(m_end - m_begin);
        last = m_end;
        pos = ov[1];
      } else {  // an empty match: step over one code point
        last = std::max(last, m_end);
        if (ov[1] >= length) break;
        pos = s.byte_of_cp[m_end + 1] - base;
      }
    }
    if (end > last) out->push_back(end - last);
  }
};

PreTokenizer::PreTokenizer() = default;
PreTokenizer::~PreTokenizer() = default;

Result<std::unique_ptr<PreTokenizer>> PreTokenizer::Create(PreTokenizerType type) {
  return FromPatterns(PreTokenizerPatterns(type));
}

Result<std::unique_ptr<PreTokenizer>> PreTokenizer::FromPatterns(const std::vector<std::string>& patterns) {
  std::unique_ptr<PreTokenizer> pre(new PreTokenizer());
  for (const std::string& pattern : patterns) {
    const std::string expanded = ExpandWhitespace(pattern);
    int error = 0;
    PCRE2_SIZE error_offset = 0;
    auto regex = std::make_unique<Regex>();
    regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expanded.c_str()), expanded.size(),
                                PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY, &error, &error_offset, nullptr);
    if (regex->code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof(message));
      return Status::Internal("pre-tokenizer regex '" + pattern + "' does not compile at offset " +
                              std::to_string(error_offset) + ": " + reinterpret_cast<char*>(message));
    }
    pcre2_jit_compile(regex->code, PCRE2_JIT_COMPLETE);  // optional: the interpreter is the fallback
    pre->regexes_.push_back(std::move(regex));
  }
  return pre;
}

std::vector<size_t> PreTokenizer::SplitOffsets(const std::vector<uint32_t>& cps) const {
  const Subject subject(cps);
  std::vector<size_t> offsets = {cps.size()};
  for (const auto& regex : regexes_) {
    std::vector<size_t> next;
    next.reserve(offsets.size());
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(regex->code, nullptr);
    size_t start = 0;
    for (size_t len : offsets) {
      regex->SplitChunk(subject, start, start + len, md, &next);
      start += len;
    }
    pcre2_match_data_free(md);
    offsets = std::move(next);
  }
  return offsets;
}

std::vector<std::string> PreTokenizer::SplitRaw(std::string_view text) const {
  const std::vector<uint32_t> cps = DecodeUtf8Lenient(text);
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t len : SplitOffsets(cps)) {
    std::string word;
    for (size_t i = start; i < start + len; ++i) AppendUtf8(cps[i], &word);
    words.push_back(std::move(word));
    start += len;
  }
  return words;
}

std::vector<std::string> PreTokenizer::Split(std::string_view text) const {
  std::vector<std::string> words = SplitRaw(text);
  for (std::string& word : words) {
    std::string encoded;
    encoded.reserve(word.size() * 2);
    for (char c : word) encoded += ByteToUnicode(static_cast<uint8_t>(c));
    word = std::move(encoded);
  }
  return words;
}

}  // namespace llm::engine
