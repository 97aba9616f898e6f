// Running a helper program (the plot script) without a shell.
#pragma once

#include <string>
#include <vector>

namespace unbert {

// Runs argv[0] (looked up on PATH) with stdout and stderr sent to
// `output_file`, and waits. Returns its exit code; -1 when it could not be
// started (not found), 128 + N when killed by signal N.
int run_program(const std::vector<std::string>& argv, const std::string& output_file);

// This process's arguments, argv[0] first (from /proc/self/cmdline).
std::vector<std::string> process_arguments();

// This process's arguments as one line (from /proc/self/cmdline), each
// argument that needs it in single quotes: what a user would type again.
std::string process_command_line();

// The folder holding the running executable; empty when it cannot be told.
std::string executable_dir();

}  // namespace unbert
