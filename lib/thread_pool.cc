// The interpreter's thread pool (see lib/thread_pool.h).
#include "lib/thread_pool.h"

#include <algorithm>

namespace jitlite {
namespace {

// Spin iterations before a waiting worker blocks (a PAUSE is ~40-140 cycles,
// so tens of microseconds): long enough to catch the next kernel of the same
// invoke, short enough not to starve other threads on a busy machine.
constexpr int kSpins = 1000;

inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) : shares_(std::max(threads, 1)) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { Work(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Run(Task task, void* arg, int chunks) {
  if (workers_.empty() || chunks <= 1) {
    for (int c = 0; c < chunks; ++c) task(arg, c);
    return;
  }
  Job job{task, arg, chunks};
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = job;
    done_.store(0, std::memory_order_relaxed);
    generation = generation_.load() + 1;
    for (int t = 0; t < size(); ++t) {
      shares_[t].claim.store(generation << 32 | static_cast<uint64_t>(ShareBegin(job, t)),
                             std::memory_order_release);
    }
    generation_.store(generation, std::memory_order_release);
  }
  wake_.notify_all();
  RunChunks(generation, job, 0);
  // Chunks claimed by workers may still run; yield rather than spin hard, so
  // that a worker the OS preempted can finish.
  for (int i = 0; done_.load(std::memory_order_acquire) != chunks; ++i) {
    if (i < kSpins) {
      Pause();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::RunChunks(uint64_t generation, const Job& job, int self) {
  for (int i = 0; i < size(); ++i) RunShare(generation, job, (self + i) % size());
}

void ThreadPool::RunShare(uint64_t generation, const Job& job, int share) {
  const uint64_t tag = generation & 0xffffffffu;
  const int end = ShareBegin(job, share + 1);
  std::atomic<uint64_t>& next = shares_[share].claim;
  uint64_t claim = next.load(std::memory_order_acquire);
  for (;;) {
    if ((claim >> 32) != tag || static_cast<int>(claim & 0xffffffffu) >= end) return;
    if (!next.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel)) continue;
    job.task(job.arg, static_cast<int>(claim & 0xffffffffu));
    done_.fetch_add(1, std::memory_order_release);
    claim = next.load(std::memory_order_acquire);
  }
}

void ThreadPool::Work(int self) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpins && generation_.load(std::memory_order_acquire) == seen; ++i) Pause();
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      if (stop_) return;
      seen = generation_.load();
      job = job_;
    }
    RunChunks(seen, job, self);
  }
}

}  // namespace jitlite
