// The interpreter's thread pool (see lib/thread_pool.h).
#include "lib/thread_pool.h"

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

ThreadPool::ThreadPool(int threads) {
  for (int part = 1; part < threads; ++part) workers_.emplace_back([this, part] { Work(part); });
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

void ThreadPool::Run(Task task, void* arg) {
  if (workers_.empty()) {
    task(arg, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = task;
    arg_ = arg;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  task(arg, 0);
  // Wait for the other parts; yield rather than spin hard, so that a worker
  // the OS has not scheduled yet can run.
  for (int i = 0; pending_.load(std::memory_order_acquire) != 0; ++i) {
    if (i < kSpins) {
      Pause();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::Work(int part) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpins && generation_.load(std::memory_order_acquire) == seen; ++i) Pause();
    Task task;
    void* arg;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      if (stop_) return;
      seen = generation_.load();
      task = task_;
      arg = arg_;
    }
    task(arg, part);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace jitlite
