// Produces items 0..count-1 on a background thread, in order, at most
// `capacity` ahead of the consumer; errors surface in next().
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace unbert {

template <class T>
class Prefetcher {
 public:
  Prefetcher(std::size_t begin, std::size_t end, std::function<T(std::size_t)> make,
             std::size_t capacity = 3)
      : make_(std::move(make)), capacity_(capacity), next_(begin), end_(end) {
    worker_ = std::thread([this] { produce(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next item, or nothing once all are consumed.
  std::optional<T> next() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || done_ || error_; });
    if (!ready_.empty()) {
      T item = std::move(ready_.front());
      ready_.pop_front();
      changed_.notify_all();
      return item;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }

 private:
  void produce() {
    try {
      for (std::size_t i = next_; i < end_; ++i) {
        T item = make_(i);
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return ready_.size() < capacity_ || stopping_; });
        if (stopping_) return;
        ready_.push_back(std::move(item));
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  std::function<T(std::size_t)> make_;
  std::size_t capacity_, next_, end_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> ready_;
  bool done_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace unbert
