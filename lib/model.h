// Loading a .tflite model: the bytes (memory-mapped file or an owned, aligned
// copy of a buffer), verified (flatbuffers Verifier, then our own structural
// checks), imported into a Graph. Every failure is an InvalidArgument Status
// whose message names the problem; nothing here crashes on a malformed file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

class Model {
 public:
  // Memory-maps the file (private, copy-on-write mapping).
  static StatusOr<std::shared_ptr<const Model>> FromFile(const std::string& path);
  // Copies the bytes into 64-byte aligned storage.
  static StatusOr<std::shared_ptr<const Model>> FromBuffer(const void* data,
                                                           size_t size);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const Graph& graph() const { return graph_; }
  const uint8_t* bytes() const { return bytes_; }
  size_t size() const { return size_; }

 private:
  Model() = default;
  Status Import();  // verify + build graph_

  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;  // munmap on destruction when set
  uint8_t* owned_ = nullptr; // free on destruction when set
  Graph graph_;
};

}  // namespace jitlite
