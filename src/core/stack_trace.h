// Symbolized stack traces for exception records (backtrace + dladdr + __cxa_demangle; link
// the program with -rdynamic so its own functions have names).
#pragma once

#include <string>

namespace llm {

// The calling thread's stack, one frame a line ("#0 llm::server::Foo(int) +0x1c [binary]"),
// skipping the `skip` innermost frames (this function is always skipped).
std::string CaptureStackTrace(int skip = 0);

// The same form for frames captured earlier with backtrace().
std::string SymbolizeFrames(void* const* frames, int count);

}  // namespace llm
