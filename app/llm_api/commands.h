// The subcommands of `llm-api`. Each parses its own flags (argv[0] is the subcommand name)
// and returns the process exit status.
#pragma once

namespace llm::app {

int RunServe(int argc, char** argv);     // serve_command.cpp
int RunGenerate(int argc, char** argv);  // <name>_command.cpp
int RunTokenize(int argc, char** argv);  // <name>_command.cpp
int RunInspect(int argc, char** argv);   // <name>_command.cpp
int RunChatTemplate(int argc, char** argv);  // chat_template_command.cpp

}  // namespace llm::app
