// A fixed pool of worker threads, created once per interpreter, that runs one
// job at a time: a job is `chunks` calls task(arg, chunk), which the caller
// and the workers claim one by one as they get to them, so a worker the OS
// has not woken yet costs nothing (the caller takes its chunks) instead of
// making the caller wait. Run returns when every chunk is done. Workers spin
// briefly for the next job before they sleep, since kernels of one invoke
// follow each other within microseconds. Run() takes a plain function
// pointer so that invoking allocates nothing.
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
  void Work();
  // Claims and runs chunks of job `generation` until none is left.
  void RunChunks(uint64_t generation, const Job& job);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  // The job's generation (high 32 bits) and its next unclaimed chunk: a
  // worker that wakes late for a finished job finds another generation and
  // leaves its (gone) arguments alone.
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> done_{0};
  Job job_;
  bool stop_ = false;
};

}  // namespace jitlite
