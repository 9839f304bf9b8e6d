// TEMPORARY placeholder until the server module lands (issue 2); replaced by its owner.
#include <cstdio>
#include "llm_api/commands.h"
namespace llm::app {
int RunServe(int, char**) { std::fprintf(stderr, "llm-api serve: not built yet\n"); return 2; }
}  // namespace llm::app
