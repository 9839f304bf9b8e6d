// llm-api: a local LLM API server with first-class observability.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "llm_api/commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"serve", "serve the HTTP API (native and OpenAI-compatible)", llm::app::RunServe},
    {"generate", "generate text from a prompt with a GGUF model", llm::app::RunGenerate},
    {"tokenize", "print the token ids of a text", llm::app::RunTokenize},
    {"inspect", "print a GGUF file's metadata and tensor table", llm::app::RunInspect},
    {"chat-template", "print the prompt a chat template makes of a conversation",
     llm::app::RunChatTemplate},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out, "llm-api %s\n\nUsage: llm-api <command> [options]\n\nCommands:\n", LLM_API_VERSION);
  for (const Command& c : kCommands) std::fprintf(out, "  %-14s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'llm-api <command> --help' for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::printf("llm-api %s\n", LLM_API_VERSION);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "llm-api: unknown command '%s'\n\n", argv[1]);
  PrintUsage(stderr);
  return 2;
}
