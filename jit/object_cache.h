// On-disk cache of compiled objects, so a model compiled once on a machine
// loads without running LLVM again (in this or any later process).
//
// Key: a hash of the unoptimized IR together with everything else that
// shapes the machine code (target CPU and features, LLVM version, opt level,
// kernel ABI version). Entries are written to a temporary file and renamed
// into place, so concurrent processes never see half an entry; each entry
// carries a checksum of its payload, and a damaged one is ignored (and
// replaced by the next compilation).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

namespace jitlite::jit {

class DiskObjectCache {
 public:
  // `setting`: a directory; empty picks $JITLITE_CACHE_DIR, else
  // ~/.cache/jitlite/objects; "off" (or JITLITE_CACHE_DIR=off) disables it.
  explicit DiskObjectCache(const std::string& setting);

  bool enabled() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

  // The object stored under `key`, or null (absent, unreadable or damaged).
  std::unique_ptr<llvm::MemoryBuffer> Load(uint64_t key) const;
  // Stores an object; failures (read-only disk, ...) only cost a later recompile.
  void Store(uint64_t key, llvm::StringRef object) const;

 private:
  std::string PathOf(uint64_t key) const;
  std::string dir_;
};

}  // namespace jitlite::jit
