// The collectives a data-parallel job needs, on PyTorch's c10d: a TCPStore
// rendezvous at MASTER_ADDR:MASTER_PORT, then ProcessGroupGloo (CPU tensors)
// or ProcessGroupNCCL (CUDA builds). A one-process world makes every call a
// no-op, so callers never branch on the world size. A failed or timed-out
// collective throws Error naming the operation and, where it can tell, the
// rank that is gone (each rank beats a heartbeat counter in the store).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "unbert/dist/world.h"

namespace unbert {

class ProcessGroup {
 public:
  // An asynchronous collective; wait() throws as the blocking calls do.
  class Pending {
   public:
    Pending();
    Pending(Pending&&) noexcept;
    Pending& operator=(Pending&&) noexcept;
    ~Pending();
    void wait();

   private:
    friend class ProcessGroup;
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };

  // One process: nothing to connect.
  ProcessGroup();
  // Joins the job `world` describes; the backend follows `device` (NCCL for
  // CUDA, Gloo otherwise). Throws Error for a port in use, an unreachable
  // master or a build without c10d.
  ProcessGroup(const World& world, const torch::Device& device);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  const World& world() const { return world_; }
  int rank() const { return world_.rank; }
  int size() const { return world_.size; }
  bool main() const { return world_.main(); }
  std::string backend() const;  // "gloo", "nccl" or "none"

  // In place; `tensor` must be contiguous (c10d's rule).
  void allreduce_sum(torch::Tensor& tensor, const char* what);
  Pending allreduce_sum_async(torch::Tensor tensor, const char* what);
  void broadcast(torch::Tensor& tensor, const char* what);  // rank 0's values to all
  // Every rank's `mine` (same shape and type on every rank), in rank order.
  std::vector<torch::Tensor> allgather(const torch::Tensor& mine, const char* what);
  void barrier(const char* what);

  // Every rank's `facts` (resolved config, input digests, build) must equal
  // rank 0's. A difference is a UsageError on every rank naming the key and
  // both values. Call it before the first collective whose sizes depend on
  // them: a mismatch there aborts inside Gloo.
  void agree(const std::string& what, const nlohmann::json& facts);
  // The end of a failed collective's message: what to do next (the trainer
  // says whether a checkpoint exists to resume from).
  void set_failure_advice(std::string advice);

  // Whether this build can join a world of more than one process.
  static bool available();

 private:
  struct Impl;
  World world_;
  std::unique_ptr<Impl> impl_;
};

// Rank 0's values of `tensors` on every rank, sent flattened in pieces of
// at most 64 MB per dtype (c10d broadcasts one tensor per call).
void broadcast_tensors(ProcessGroup& group, const std::vector<torch::Tensor>& tensors,
                       const char* what);

// A world of one, for code that takes a group but runs alone.
ProcessGroup& single_process_group();

}  // namespace unbert
