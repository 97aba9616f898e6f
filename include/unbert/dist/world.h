// Who this process is in a data-parallel job: rank, world size, local rank
// and the rendezvous address, read the way torchrun, Slurm and Kubeflow's
// PyTorchJob hand them over (RANK / WORLD_SIZE / LOCAL_RANK / MASTER_ADDR /
// MASTER_PORT; SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID as a fallback).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace unbert {

struct World {
  int rank = 0, size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string source = "single process";  // "torchrun", "Slurm", "--nproc-per-node", ...
  std::chrono::seconds timeout{180};      // a collective waiting longer means a rank is gone
  // Placed by a launcher (or the rank flags): even a world of one forms a
  // process group then, so a 1-GPU NCCL check runs the multi-rank path.
  bool launched = false;

  bool distributed() const { return size > 1; }
  bool main() const { return rank == 0; }
  std::string describe() const;  // "rank 1 of 2 (local 1), master 127.0.0.1:29500, torchrun"
};

// Command-line values that win over the environment (unset: not given).
struct WorldOverrides {
  std::optional<int> rank, size, local_rank, master_port;
  std::optional<std::string> master_addr;
  std::optional<int> timeout_s;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// Throws UsageError naming the variable (or flag) that is wrong and how to fix it.
World world_from_environment(const EnvLookup& env, const WorldOverrides& flags = {});

}  // namespace unbert
