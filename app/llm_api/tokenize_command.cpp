// TEMPORARY placeholder until its owner replaces it with the real `llm-api tokenize`.
#include <cstdio>
#include "llm_api/commands.h"
namespace llm::app {
int RunTokenize(int, char**) { std::fprintf(stderr, "llm-api tokenize: not built yet\n"); return 2; }
}  // namespace llm::app
