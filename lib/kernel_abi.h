/* The ABI between jitlite's runtime and the code it generates. Versioned: a
 * change here bumps JL_KERNEL_ABI_VERSION (it is part of every cache key).
 *
 * Every generated function -- each fused kernel and the per-shape entry that
 * calls them in order -- has one signature: void fn(const jl_frame*). */
#ifndef JITLITE_LIB_KERNEL_ABI_H_
#define JITLITE_LIB_KERNEL_ABI_H_

#include <stdint.h>

#define JL_KERNEL_ABI_VERSION 6

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jl_frame {
  /* Buffer pointers. A kernel gets its own arguments, in the order it first
   * uses them (the tensors it reads and writes, the buffers its op packed
   * from constants at allocate time); so identical layers share one kernel.
   * The entry function gets every kernel's list back to back and hands each
   * kernel its part. Constants point into the model (or folded or packed
   * data), the rest into the arena. */
  void* const* tensors;
  /* The slice of a kernel's parallel loop this call runs: [begin, end). The
   * entry passes the whole range, or parallel_for a part of it. */
  int64_t begin;
  int64_t end;
  /* A jl_runtime, or null: services for generated code. */
  const void* runtime;
} jl_frame;

/* Services the runtime offers generated code (all optional). */
typedef struct jl_runtime {
  /* Called by the entry function after kernel `kernel` (its index in the
   * shape set's kernel list) returns, when non-null: per-kernel profiling. */
  void (*kernel_done)(void* ctx, int32_t kernel);
  void* ctx;
  /* Runs kernel(frame) over [0, range) split across the thread pool (each
   * call sees its own begin/end), when non-null: kernels that declare a
   * parallel range (their outermost loop) go through it. parts_per_thread:
   * how many calls per thread to cut the range into (0: the runtime's
   * choice; 1 for kernels that redo work at the edges of each part). */
  void (*parallel_for)(void* ctx, void (*kernel)(const struct jl_frame*),
                       const struct jl_frame* frame, int64_t range, int64_t parts_per_thread);
  /* Called by a kernel that finds bad data at run time (e.g. a gather index
   * out of range): invoke then fails with `message`. The kernel itself goes
   * on without touching memory out of bounds, so its outputs are garbage. */
  void (*report_error)(void* ctx, const char* message);
} jl_runtime;

typedef void (*jl_kernel_fn)(const jl_frame* frame);

#ifdef __cplusplus
}
#endif

#endif /* JITLITE_LIB_KERNEL_ABI_H_ */
