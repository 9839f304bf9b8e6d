#include "core/stack_trace.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace llm {

namespace {

std::string Demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

// "name +0xoff [module]" when the symbol is exported, else "[module+0xoff]" (an offset
// addr2line -e module resolves).
std::string DescribeFrame(void* addr) {
  Dl_info info{};
  char buf[64];
  if (dladdr(addr, &info) == 0 || info.dli_fname == nullptr) {
    std::snprintf(buf, sizeof(buf), "%p", addr);
    return buf;
  }
  std::string file = info.dli_fname;
  size_t slash = file.rfind('/');
  if (slash != std::string::npos) file = file.substr(slash + 1);
  std::string line;
  if (info.dli_sname != nullptr) {
    line = Demangle(info.dli_sname);
    std::snprintf(buf, sizeof(buf), " +0x%zx [",
                  static_cast<size_t>(static_cast<char*>(addr) - static_cast<char*>(info.dli_saddr)));
    line += buf;
    line += file;
  } else {
    line = "[";
    line += file;
    std::snprintf(buf, sizeof(buf), "+0x%zx",
                  static_cast<size_t>(static_cast<char*>(addr) - static_cast<char*>(info.dli_fbase)));
    line += buf;
  }
  line += ']';
  return line;
}

}  // namespace

std::string SymbolizeFrames(void* const* frames, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += '#';
    out += std::to_string(i);
    out += ' ';
    out += DescribeFrame(frames[i]);
    out += '\n';
  }
  return out;
}

std::string CaptureStackTrace(int skip) {
  void* frames[64];
  int n = backtrace(frames, 64);
  int first = skip + 1 < n ? skip + 1 : n;
  return SymbolizeFrames(frames + first, n - first);
}

}  // namespace llm
