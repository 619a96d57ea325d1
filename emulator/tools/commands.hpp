// The subcommands of the paratro-emulator binary (`webhooks listen`, `fixtures validate`): command-line
// tools that live beside main.cpp, outside the library every test links. Each takes main's argv
// (argv[1] is the subcommand's name) and returns the process exit code: 0 done, 1 the work failed
// (an invalid fixture), 2 misuse.
#pragma once

namespace paratro::tools {

int webhooks_command(int argc, char** argv);
int fixtures_command(int argc, char** argv);

}  // namespace paratro::tools
