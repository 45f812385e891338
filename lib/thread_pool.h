// A fixed pool of worker threads, created once per interpreter, that runs one
// job at a time on every thread (the caller included) and returns when all
// parts are done. Workers spin briefly for the next job before they sleep,
// since kernels of one invoke follow each other within microseconds. Run()
// takes a plain function pointer so that invoking allocates nothing.
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
  using Task = void (*)(void* arg, int part);

  explicit ThreadPool(int threads);  // threads - 1 workers; the caller is part 0
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // task(arg, part) for every part in [0, size()); returns when all are done.
  void Run(Task task, void* arg);

 private:
  void Work(int part);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  Task task_ = nullptr;
  void* arg_ = nullptr;
  bool stop_ = false;
};

}  // namespace jitlite
