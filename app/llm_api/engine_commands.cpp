// TEMPORARY placeholder until the engine module lands (issue 3); replaced by its owner.
#include <cstdio>
#include "llm_api/commands.h"
namespace llm::app {
int RunGenerate(int, char**) { std::fprintf(stderr, "not built yet\n"); return 2; }
int RunTokenize(int, char**) { std::fprintf(stderr, "not built yet\n"); return 2; }
int RunInspect(int, char**) { std::fprintf(stderr, "not built yet\n"); return 2; }
}  // namespace llm::app
