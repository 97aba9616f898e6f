#include "unbert/train/grad_sync.h"

#include <chrono>
#include <memory>

#include "unbert/common/error.h"
#include "unbert/common/log.h"
#include "unbert/common/torch_compat.h"

namespace unbert {

namespace {

struct Bucket {
  std::vector<std::size_t> members;  // parameter indices
  int64_t numel = 0;
  std::size_t ready = 0;
  torch::Tensor flat;
  ProcessGroup::Pending pending;
};

class BucketedAllReduce : public GradientSync {
 public:
  BucketedAllReduce(ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                    double bucket_mb)
      : group_(group), parameters_(parameters) {
    // Reverse registration order: roughly the order backward finishes them.
    const auto limit = static_cast<int64_t>(bucket_mb * (1 << 20));
    for (std::size_t i = parameters_.size(); i-- > 0;) {
      const torch::Tensor& p = parameters_[i];
      if (buckets_.empty() || buckets_.back().numel * 4 >= limit ||
          buckets_.back().flat.scalar_type() != p.scalar_type()) {
        buckets_.emplace_back();
        buckets_.back().flat = torch::empty({0}, p.options());
      }
      buckets_.back().members.push_back(i);
      buckets_.back().numel += p.numel();
      bucket_of_.resize(parameters_.size());
      bucket_of_[i] = buckets_.size() - 1;
    }
    for (auto& b : buckets_) b.flat = torch::zeros({b.numel}, b.flat.options());
    // The hooks outlive this object on the parameters' AccumulateGrad
    // nodes; they reach it through a weak pointer that dies with it.
    std::weak_ptr<BucketedAllReduce*> weak = self_;
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      accumulators_.push_back(compat::add_gradient_ready_hook(parameters_[i], [weak, i] {
        if (auto self = weak.lock()) (*self)->gradient_ready(i);
      }));
  }

  void last_backward_begins() override { armed_ = true; }

  void finish() override {
    // Gradients no backward reached (a rank without samples this step, a
    // parameter the model did not use) count as zero. Whether a gradient is
    // defined anywhere is agreed on too, as the optimizer skips undefined
    // ones; that reduction goes after every bucket, in the same place on
    // every rank.
    auto defined = torch::zeros({static_cast<int64_t>(parameters_.size())}, torch::kFloat32);
    auto* flags = defined.data_ptr<float>();
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      flags[i] = parameters_[i].grad().defined() ? 1.0f : 0.0f;
    for (auto& b : buckets_) b.ready = b.members.size();
    launch_in_order();
    defined = defined.to(parameters_.front().device());
    auto defined_pending = group_.allreduce_sum_async(defined, "gradient all-reduce");
    const auto start = std::chrono::steady_clock::now();
    for (auto& b : buckets_) b.pending.wait();
    defined_pending.wait();
    wait_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    defined = defined.to(torch::kCPU);
    flags = defined.data_ptr<float>();
    torch::NoGradGuard no_grad;
    for (auto& b : buckets_) {
      int64_t offset = 0;
      for (std::size_t i : b.members) {
        torch::Tensor& p = parameters_[i];
        auto slice = b.flat.narrow(0, offset, p.numel()).view_as(p);
        offset += p.numel();
        if (flags[i] == 0) continue;
        if (p.grad().defined())
          p.mutable_grad().copy_(slice);
        else
          p.mutable_grad() = slice.clone();
      }
      b.ready = 0;
    }
    next_ = 0;
    armed_ = false;
  }

  double wait_seconds() const override { return wait_seconds_; }

 private:
  void gradient_ready(std::size_t i) {
    if (!armed_) return;  // an accumulation micro-step
    ++buckets_[bucket_of_[i]].ready;
    launch_in_order();
  }

  void launch_in_order() {
    torch::NoGradGuard no_grad;
    while (next_ < buckets_.size() && buckets_[next_].ready >= buckets_[next_].members.size()) {
      Bucket& b = buckets_[next_++];
      int64_t offset = 0;
      for (std::size_t i : b.members) {
        const torch::Tensor& p = parameters_[i];
        auto slice = b.flat.narrow(0, offset, p.numel());
        offset += p.numel();
        if (p.grad().defined())
          slice.copy_(p.grad().reshape({-1}));
        else
          slice.zero_();
      }
      b.pending = group_.allreduce_sum_async(b.flat, "gradient all-reduce");
    }
  }

  std::shared_ptr<BucketedAllReduce*> self_ = std::make_shared<BucketedAllReduce*>(this);
  ProcessGroup& group_;
  std::vector<torch::Tensor> parameters_;
  std::vector<Bucket> buckets_;
  std::vector<std::size_t> bucket_of_;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
  std::size_t next_ = 0;
  bool armed_ = false;
  double wait_seconds_ = 0;
};

}  // namespace

void check_replicas_agree(ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                          int64_t step) {
  if (group.size() == 1) return;
  // The bits of every weight as integers, summed position-weighted (int64
  // tensors wrap), then combined in unsigned arithmetic (wraps by definition):
  // any flipped bit changes it.
  torch::NoGradGuard no_grad;
  uint64_t digest = 0;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    auto bits =
        parameters[i].detach().contiguous().view(torch::kInt32).to(torch::kInt64).reshape(-1);
    auto weights = torch::arange(1, bits.numel() + 1, bits.options());
    const auto sum = (bits * weights).sum().to(torch::kCPU).item<int64_t>();
    digest = digest * 1000003u + static_cast<uint64_t>(sum);
  }
  auto all = group.allgather(torch::tensor({static_cast<int64_t>(digest)}, torch::kInt64),
                             "weights check");
  std::string differ;
  for (std::size_t r = 1; r < all.size(); ++r)
    if (all[r].item<int64_t>() != all[0].item<int64_t>())
      differ += (differ.empty() ? "rank " : ", rank ") + std::to_string(r);
  if (!differ.empty())
    throw Error("distributed: at step " + std::to_string(step) + " the weights of " + differ +
                " differ from rank 0's (replicas diverged: a bug, or ranks running different "
                "unbert builds or data); the last checkpoint holds rank 0's");
  spdlog::info("[dist] step {}: weights identical on all {} ranks (digest {:016x})", step,
               group.size(), digest);
}

std::unique_ptr<GradientSync> make_gradient_sync(ProcessGroup& group,
                                                 const std::vector<torch::Tensor>& parameters,
                                                 double bucket_mb) {
  if (group.backend() == "none") return std::make_unique<GradientSync>();
  return std::make_unique<BucketedAllReduce>(group, parameters, bucket_mb);
}

}  // namespace unbert
