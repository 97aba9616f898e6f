// unbert: train, evaluate and serve UNBERT on MIND. This file only wires the
// subcommands and turns exceptions into one error line and an exit code.
#include <cstdio>
#include <iostream>

#include <c10/util/Exception.h>

#include "unbert/cli/command.h"
#include "unbert/cli/parse_errors.h"
#include "unbert/common/build_info.h"
#include "unbert/common/error.h"
#include "unbert/common/log.h"
#include "unbert/common/memory_limit.h"
#include "unbert/common/system.h"
#include "unbert/train/trainer.h"

namespace {

int fail(const std::string& message, int code) {
  std::string line = message.substr(0, message.find('\n'));
  std::fprintf(stderr, "error: %s\n", line.c_str());
  unbert::log_to_files(spdlog::level::err, line);  // the run's unbert.log keeps it too
  return code;
}

// The executable's pre-initialisers run before any shared library's, so the
// address-space check comes before OpenBLAS's initialiser can hang in it.
void preflight(int, char**, char**) {
  unbert::check_address_space_before_libraries();
}
__attribute__((section(".preinit_array"), used)) void (*const preflight_entry)(int, char**,
                                                                               char**) = preflight;

// LibTorch's and the C++ library's text for a failed allocation names no
// limit and no fix; anything else is passed on as it is.
std::string explain_failure(const std::string& what) {
  return unbert::explain_allocation_failure(what, unbert::memory_bounds()).value_or(what);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace unbert;
  CLI::App app{"unbert: UNBERT news recommendation (Zhang et al., IJCAI-21) on MIND", "unbert"};
  app.set_version_flag("--version", [] { return version_text(build_info()); });
  app.require_subcommand(1);
  std::string log_level = "info";
  int threads = 0;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.add_option("--threads", threads, "CPU threads; 0 = all cores")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));

  std::vector<cli::Command> commands = {
      cli::add_train_command(app),    cli::add_eval_command(app),
      cli::add_predict_command(app),  cli::add_score_command(app),
      cli::add_compare_command(app),  cli::add_sweep_command(app),
      cli::add_tokenize_command(app), cli::add_tokenizer_command(app),
      cli::add_inspect_command(app),  cli::add_config_command(app),
      cli::add_bench_command(app),    cli::add_synth_command(app),
      cli::add_split_command(app),    cli::add_demo_command(app)};
  for (auto& command : commands) command.app->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(cli::explain_parse_error(app, argc, argv, e), 2);
  }

  try {
    init_logging(parse_log_level(log_level));
    set_threads(threads);
    if (auto warning = oversubscribed_threads_warning(threads, hardware_threads()))
      spdlog::warn("{}", *warning);
    if (auto warning = slow_blas_warning()) spdlog::warn("{}", *warning);
    for (auto& command : commands)
      if (command.app->parsed()) return command.run();
    return fail("no command given (see unbert --help)", 2);
  } catch (const Interrupted& e) {
    spdlog::warn("{}", e.what());
    return 130;
  } catch (const UsageError& e) {
    return fail(e.what(), 2);
  } catch (const Error& e) {
    return fail(e.what(), 1);
  } catch (const c10::Error& e) {
    return fail(explain_failure(e.what_without_backtrace()), 1);
  } catch (const std::exception& e) {
    return fail(explain_failure(e.what()), 1);
  }
}
