// TEMPORARY placeholder until its owner replaces it with the real `llm-api generate`.
#include <cstdio>
#include "llm_api/commands.h"
namespace llm::app {
int RunGenerate(int, char**) { std::fprintf(stderr, "llm-api generate: not built yet\n"); return 2; }
}  // namespace llm::app
