// TEMPORARY placeholder until its owner replaces it with the real `llm-api inspect`.
#include <cstdio>
#include "llm_api/commands.h"
namespace llm::app {
int RunInspect(int, char**) { std::fprintf(stderr, "llm-api inspect: not built yet\n"); return 2; }
}  // namespace llm::app
