// Heap bytes aligned to a cache line (64 bytes), for the arena and for
// weights packed at allocate time: vector loads never straddle lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <memory>

namespace jitlite {

class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 64;

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes)
      : size_(bytes),
        data_(static_cast<uint8_t*>(std::aligned_alloc(kAlignment, RoundUp(bytes)))) {}

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  template <typename T>
  T* as() { return reinterpret_cast<T*>(data_.get()); }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  // aligned_alloc wants a multiple of the alignment, and never zero bytes.
  static size_t RoundUp(size_t n) {
    return (std::max<size_t>(n, 1) + kAlignment - 1) / kAlignment * kAlignment;
  }

  size_t size_ = 0;
  std::unique_ptr<uint8_t, Free> data_;
};

}  // namespace jitlite
