#include "unbert/cli/parse_errors.h"

#include <algorithm>
#include <vector>

#include "unbert/config/config_io.h"

namespace unbert::cli {
namespace {

// A suggestion only when it is close: at most two edits, or a third of the
// word's letters for long words.
std::string close_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string nearest = nearest_word(word, candidates);
  if (nearest.empty()) return "";
  const std::size_t differ = edit_distance(word, nearest);
  return differ <= std::max<std::size_t>(2, word.size() / 3) ? nearest : "";
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

// Long option names (with their dashes) of `app` and, through fallthrough,
// of the apps above it.
std::vector<std::string> long_options(const std::vector<CLI::App*>& chain) {
  std::vector<std::string> names;
  for (CLI::App* app : chain)
    for (const CLI::Option* option : app->get_options())
      for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  return names;
}

bool root_option_takes_value(const std::string& token) {
  return token == "--log-level" || token == "--threads";
}

}  // namespace

std::string explain_parse_error(CLI::App& root, int argc, char** argv,
                                const CLI::ParseError& error) {
  // The command path (`tokenizer train`) and where its options start.
  std::vector<CLI::App*> chain{&root};
  std::string path = "unbert";
  int i = 1;
  for (; i < argc; ++i) {
    std::string token = argv[i];
    if (token.rfind("-", 0) == 0) {
      if (chain.size() == 1 && root_option_takes_value(token)) ++i;
      if (chain.size() == 1) continue;
      break;
    }
    CLI::App* current = chain.back();
    std::vector<std::string> names = subcommand_names(*current);
    if (names.empty()) break;  // a positional argument of the command
    bool known = false;
    for (const auto& name : names) known = known || name == token;
    if (!known) {
      std::string nearest = close_match(token, names);
      return "unknown command '" + (path == "unbert" ? token : path.substr(7) + " " + token) + "'" +
             (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") + " (see " + path +
             " --help)";
    }
    chain.push_back(current->get_subcommand(token));
    path += " " + token;
  }
  const std::vector<std::string> options = long_options(chain);
  for (; i < argc; ++i) {
    std::string token = argv[i];
    if (token.rfind("--", 0) != 0 || token == "--") continue;
    std::string name = token.substr(0, token.find('='));
    bool known = false;
    for (const auto& option : options) known = known || option == name;
    if (known) continue;
    std::string nearest = close_match(name, options);
    return "unknown option '" + name + "' for '" + path + "'" +
           (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") + " (see " + path +
           " --help)";
  }
  return std::string(error.what()) + " (see " + path + " --help)";
}

}  // namespace unbert::cli
