// The data-parallel flags shared by train, eval and predict.
#include <algorithm>
#include <thread>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/common/process.h"
#include "unbert/dist/launcher.h"

namespace unbert::cli {

namespace {

template <typename T>
void add_optional(CLI::App& app, const std::string& name, std::optional<T>& target,
                  const std::string& help) {
  app.add_option_function<T>(
         name, [&target](const T& value) { target = value; }, help)
      ->group("Data-parallel (torchrun / Slurm set these through the environment)");
}

}  // namespace

void DistOptions::add_to(CLI::App& app) {
  const std::string group = "Data-parallel (torchrun / Slurm set these through the environment)";
  app.add_option("--nproc-per-node", nproc_per_node,
                 "start N workers on this machine (one rank each), as torchrun would")
      ->check(CLI::Range(1, 1024))
      ->group(group);
  add_optional(app, "--rank", overrides.rank, "this process's rank (else RANK / SLURM_PROCID)");
  add_optional(app, "--world-size", overrides.size,
               "number of processes (else WORLD_SIZE / SLURM_NTASKS)");
  add_optional(app, "--master-addr", overrides.master_addr, "rank 0's host (else MASTER_ADDR)");
  add_optional(app, "--master-port", overrides.master_port,
               "rank 0's rendezvous port (else MASTER_PORT, or 29500)");
  add_optional(app, "--dist-timeout", overrides.timeout_s,
               "seconds a collective waits for the other ranks before failing (default 180)");
}

World DistOptions::world() const {
  return world_from_environment(process_environment(), overrides);
}

std::optional<int> DistOptions::launch_workers() const {
  if (nproc_per_node <= 1) return std::nullopt;
  // The launcher sets each worker's rank itself: anything else saying which
  // rank this is would be obeyed in part, then wait out the timeout.
  if (overrides.rank || overrides.size)
    throw UsageError(std::string("--nproc-per-node starts the ranks itself; drop ") +
                     (overrides.rank ? "--rank" : "--world-size") +
                     " (it is for a process started by hand or by torchrun)");
  for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK"})
    if (const char* value = std::getenv(name))
      throw UsageError("--nproc-per-node " + std::to_string(nproc_per_node) + ", but " + name +
                       "=" + value +
                       " is set in the environment (left from another job, or torchrun already "
                       "started this process); unset RANK WORLD_SIZE LOCAL_RANK, or drop "
                       "--nproc-per-node under torchrun");
  LaunchPlan plan;
  plan.workers = nproc_per_node;
  plan.master_port = overrides.master_port.value_or(0);
  plan.arguments = without_option(process_arguments(), "--nproc-per-node");
  // Cores shared out, unless --threads was given.
  if (std::find(plan.arguments.begin(), plan.arguments.end(), "--threads") ==
      plan.arguments.end()) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    plan.arguments.insert(plan.arguments.begin() + 1,
                          {"--threads", std::to_string(std::max(1, cores / nproc_per_node))});
  }
  return launch_local_workers(plan);
}

}  // namespace unbert::cli
