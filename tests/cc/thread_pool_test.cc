// The interpreter's thread pool: every part of every job runs exactly once,
// Run returns only after all parts are done, and the pool shuts down cleanly.
#include "lib/thread_pool.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace jitlite {
namespace {

struct Counts {
  std::vector<std::atomic<int>> per_part;
  explicit Counts(int parts) : per_part(parts) {}
};

void CountPart(void* arg, int part) { static_cast<Counts*>(arg)->per_part[part].fetch_add(1); }

TEST(ThreadPool, EveryPartRunsOncePerJob) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    ASSERT_EQ(pool.size(), threads);
    Counts counts(threads);
    constexpr int kJobs = 2000;
    for (int job = 0; job < kJobs; ++job) pool.Run(&CountPart, &counts);
    for (int part = 0; part < threads; ++part) {
      EXPECT_EQ(counts.per_part[part].load(), kJobs) << "threads " << threads << " part " << part;
    }
  }
}

struct Slow {
  std::atomic<int> done{0};
};

void SlowPart(void* arg, int part) {
  volatile int sink = 0;
  for (int i = 0; i < 100000 * (part + 1); ++i) sink = sink + i;
  static_cast<Slow*>(arg)->done.fetch_add(1);
}

TEST(ThreadPool, RunWaitsForTheSlowestPart) {
  ThreadPool pool(3);
  for (int job = 1; job <= 20; ++job) {
    Slow slow;
    pool.Run(&SlowPart, &slow);
    EXPECT_EQ(slow.done.load(), 3);
  }
}

TEST(ThreadPool, DestroyedRightAfterCreation) {
  for (int i = 0; i < 50; ++i) ThreadPool pool(4);
}

}  // namespace
}  // namespace jitlite
