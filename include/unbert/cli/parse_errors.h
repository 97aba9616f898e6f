// Command-line mistakes told in the user's terms: an unknown command or
// option gets the nearest real one and the --help that lists them all.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace unbert::cli {

// One line for a CLI11 parse error of `argv` against `root`.
std::string explain_parse_error(CLI::App& root, int argc, char** argv,
                                const CLI::ParseError& error);

}  // namespace unbert::cli
