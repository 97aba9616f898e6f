#include "unbert/dist/world.h"

#include <cstdlib>

#include "unbert/common/error.h"

namespace unbert {

namespace {

int parse_int(const std::string& name, const std::string& text, int low, int high,
              const std::string& fix) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < low || value > high)
    throw UsageError(name + " is \"" + text + "\" but must be a whole number from " +
                     std::to_string(low) + " to " + std::to_string(high) + "; " + fix);
  return static_cast<int>(value);
}

// The first of `names` that is set, with its name.
std::optional<std::pair<std::string, std::string>> first_set(
    const EnvLookup& env, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (auto value = env(name); value && !value->empty())
      return std::make_pair(std::string(name), *value);
  return std::nullopt;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::string World::describe() const {
  if (!distributed()) return "single process";
  return "rank " + std::to_string(rank) + " of " + std::to_string(size) + " (local rank " +
         std::to_string(local_rank) + "), master " + master_addr + ":" +
         std::to_string(master_port) + ", from " + source;
}

World world_from_environment(const EnvLookup& env, const WorldOverrides& flags) {
  World world;
  const std::string fix_launch =
      "start the workers with torchrun, srun, or 'unbert train --nproc-per-node N'";
  auto rank = first_set(env, {"RANK"}), size = first_set(env, {"WORLD_SIZE"});
  auto local = first_set(env, {"LOCAL_RANK"});
  if (rank || size) {
    world.source = "torchrun environment";
  } else if ((rank = first_set(env, {"SLURM_PROCID"})) &&
             (size = first_set(env, {"SLURM_NTASKS"}))) {
    local = first_set(env, {"SLURM_LOCALID"});
    world.source = "Slurm environment";
  } else {
    rank.reset();
    size.reset();
  }
  if (rank.has_value() != size.has_value())
    throw UsageError(std::string(rank ? "RANK is set but WORLD_SIZE is not"
                                      : "WORLD_SIZE is set but RANK is not") +
                     "; set both, or neither for one process (" + fix_launch + ")");
  if (size) world.size = parse_int(size->first, size->second, 1, 65536, fix_launch);
  if (flags.size) world.size = parse_int("--world-size", std::to_string(*flags.size), 1, 65536, "");
  if (rank) world.rank = parse_int(rank->first, rank->second, 0, 65535, fix_launch);
  if (flags.rank) world.rank = *flags.rank;
  if (world.rank < 0 || world.rank >= world.size)
    throw UsageError("rank " + std::to_string(world.rank) + " is outside a world of " +
                     std::to_string(world.size) + " (ranks are 0.." +
                     std::to_string(world.size - 1) + "); " + fix_launch);
  // Unset: one process per machine or pod (a Kubeflow PyTorchJob), so 0.
  world.local_rank = 0;
  if (local) world.local_rank = parse_int(local->first, local->second, 0, 65535, fix_launch);
  if (flags.local_rank) world.local_rank = *flags.local_rank;
  if (flags.rank || flags.size) world.source = "command line";
  world.launched = rank || size || flags.rank || flags.size;

  auto addr = first_set(env, {"MASTER_ADDR"});
  if (!addr && world.source == "Slurm environment")
    addr = first_set(env, {"SLURM_LAUNCH_NODE_IPADDR"});
  if (flags.master_addr) addr = std::make_pair(std::string("--master-addr"), *flags.master_addr);
  if (addr)
    world.master_addr = addr->second;
  else if (world.distributed())
    throw UsageError(
        "MASTER_ADDR is not set; export MASTER_ADDR=<host of rank 0> (torchrun sets it)");
  if (auto port = first_set(env, {"MASTER_PORT"}))
    world.master_port = parse_int(port->first, port->second, 1, 65535,
                                  "export MASTER_PORT=<a free port on rank 0's host>");
  if (flags.master_port) world.master_port = *flags.master_port;
  if (auto timeout = first_set(env, {"UNBERT_DIST_TIMEOUT"}))
    world.timeout = std::chrono::seconds(parse_int(timeout->first, timeout->second, 1, 86400,
                                                   "seconds a collective may wait for a rank"));
  if (flags.timeout_s) world.timeout = std::chrono::seconds(*flags.timeout_s);
  return world;
}

}  // namespace unbert
