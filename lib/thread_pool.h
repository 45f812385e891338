// A fixed pool of worker threads, created once per interpreter, that runs one
// job at a time: a job is `chunks` calls task(arg, chunk). Thread t (the
// caller is 0) owns the t-th contiguous share of the chunks and runs it in
// order, then takes chunks left in the other shares: so a worker the OS has
// not woken yet costs nothing (the caller takes its chunks) instead of making
// the caller wait, and consecutive kernels split the same way put the same
// part of a tensor on the same core (the next kernel reads what this core's
// cache holds, not the other core's). Run returns when every chunk is done.
// Workers spin briefly for the next job before they sleep, since kernels of
// one invoke follow each other within microseconds. Run() takes a plain
// function pointer so that invoking allocates nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace jitlite {

class ThreadPool {
 public:
  using Task = void (*)(void* arg, int chunk);

  explicit ThreadPool(int threads);  // threads - 1 workers besides the caller
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // task(arg, chunk) for every chunk in [0, chunks), each exactly once, on
  // any of the threads; returns when all are done.
  void Run(Task task, void* arg, int chunks);

 private:
  struct Job {
    Task task = nullptr;
    void* arg = nullptr;
    int chunks = 0;
  };
  // Thread `self`'s share: the chunks [ShareBegin(self), ShareBegin(self + 1)).
  int ShareBegin(const Job& job, int share) const {
    return static_cast<int>(static_cast<int64_t>(job.chunks) * share / size());
  }
  void Work(int self);
  // Runs thread `self`'s share of job `generation`, then what is left of the
  // others'.
  void RunChunks(uint64_t generation, const Job& job, int self);
  // Claims and runs the chunks of one share until none is left.
  void RunShare(uint64_t generation, const Job& job, int share);

  // Per share: the job's generation (high 32 bits) and the share's next
  // unclaimed chunk. A worker that wakes late for a finished job finds
  // another generation and leaves its (gone) arguments alone. One cache line
  // each, so the owner's claims do not bounce the line of the other share.
  struct alignas(64) Share {
    std::atomic<uint64_t> claim{0};
  };

  std::vector<std::thread> workers_;
  std::vector<Share> shares_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  alignas(64) std::atomic<int> done_{0};
  Job job_;
  bool stop_ = false;
};

}  // namespace jitlite
