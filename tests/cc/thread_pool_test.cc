// The interpreter's thread pool: every chunk of every job runs exactly once,
// Run returns only after all chunks are done, and the pool shuts down cleanly.
#include "lib/thread_pool.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace jitlite {
namespace {

struct Counts {
  std::vector<std::atomic<int>> per_chunk;
  explicit Counts(int chunks) : per_chunk(chunks) {}
};

void CountPart(void* arg, int chunk) { static_cast<Counts*>(arg)->per_chunk[chunk].fetch_add(1); }

TEST(ThreadPool, EveryChunkRunsOncePerJob) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    ASSERT_EQ(pool.size(), threads);
    for (int chunks : {1, threads, 4 * threads + 1}) {
      Counts counts(chunks);
      constexpr int kJobs = 2000;
      for (int job = 0; job < kJobs; ++job) pool.Run(&CountPart, &counts, chunks);
      for (int c = 0; c < chunks; ++c) {
        EXPECT_EQ(counts.per_chunk[c].load(), kJobs) << "threads " << threads << " chunk " << c;
      }
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

TEST(ThreadPool, RunWaitsForTheSlowestChunk) {
  ThreadPool pool(3);
  for (int job = 1; job <= 20; ++job) {
    Slow slow;
    pool.Run(&SlowPart, &slow, 6);
    EXPECT_EQ(slow.done.load(), 6);
  }
}

TEST(ThreadPool, DestroyedRightAfterCreation) {
  for (int i = 0; i < 50; ++i) ThreadPool pool(4);
}

}  // namespace
}  // namespace jitlite
