// The stack of the most recent C++ throw on the calling thread, recorded at the throw itself
// (a __cxa_throw hook saving the raw frames; symbolised only when asked), so an exception
// record shows where the exception came from rather than where it was caught. Sanitizer
// builds (which intercept __cxa_throw themselves) fall back to the catch site's stack.
#pragma once

#include <string>

namespace llm {

// The symbolised stack of this thread's last throw, or of the caller when none was recorded.
// Clears the record.
std::string TakeThrowStackTrace();

}  // namespace llm
