// LLM_UNDER_ASAN is 1 in builds with AddressSanitizer, whichever compiler made them (GCC
// defines __SANITIZE_ADDRESS__, clang answers __has_feature(address_sanitizer)).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define LLM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LLM_UNDER_ASAN 1
#endif
#endif
#ifndef LLM_UNDER_ASAN
#define LLM_UNDER_ASAN 0
#endif
