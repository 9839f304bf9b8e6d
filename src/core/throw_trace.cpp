#include "core/throw_trace.h"

#include <dlfcn.h>
#include <execinfo.h>

#include <typeinfo>

#include "core/stack_trace.h"

namespace llm {

namespace {

struct ThrowFrames {
  void* frames[48];
  int count = 0;
};

// Per-thread by necessity: the hook has no other place to leave the frames.
thread_local ThrowFrames t_last_throw;

}  // namespace

std::string TakeThrowStackTrace() {
  if (t_last_throw.count <= 0) return CaptureStackTrace(1);
  // Frame 0 is the hook itself.
  std::string trace = SymbolizeFrames(t_last_throw.frames + 1, t_last_throw.count - 1);
  t_last_throw.count = 0;
  return trace;
}

}  // namespace llm

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LLM_NO_THROW_HOOK 1
#endif
#endif
#ifndef LLM_NO_THROW_HOOK
extern "C" {
using CxaThrowFn = void (*)(void*, std::type_info*, void (*)(void*));

// Records the frames, then hands over to the C++ runtime's __cxa_throw.
[[noreturn]] void __cxa_throw(void* object, std::type_info* type, void (*destroy)(void*)) {
  static CxaThrowFn real = reinterpret_cast<CxaThrowFn>(dlsym(RTLD_NEXT, "__cxa_throw"));
  llm::t_last_throw.count = backtrace(llm::t_last_throw.frames, 48);
  real(object, type, destroy);
  __builtin_unreachable();
}
}
#endif
#endif
