// The on-disk object cache (see jit/object_cache.h). Entry layout:
//   8 bytes magic "JLOBJ01\n" | 8 bytes xxh3-64 of the payload | payload (an ELF object)
#include "jit/object_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

namespace jitlite::jit {
namespace {

constexpr char kMagic[8] = {'J', 'L', 'O', 'B', 'J', '0', '1', '\n'};
constexpr size_t kHeaderBytes = 16;

std::string DefaultDir() {
  if (const char* env = std::getenv("JITLITE_CACHE_DIR")) return env;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "off";
  return std::string(home) + "/.cache/jitlite/objects";
}

}  // namespace

DiskObjectCache::DiskObjectCache(const std::string& setting) {
  std::string dir = setting.empty() ? DefaultDir() : setting;
  if (dir.empty() || dir == "off") return;
  if (llvm::sys::fs::create_directories(dir)) return;  // unusable: stay disabled
  dir_ = dir;
}

std::string DiskObjectCache::PathOf(uint64_t key) const {
  char name[32];
  std::snprintf(name, sizeof(name), "/%016llx.o", static_cast<unsigned long long>(key));
  return dir_ + name;
}

std::unique_ptr<llvm::MemoryBuffer> DiskObjectCache::Load(uint64_t key) const {
  if (!enabled()) return nullptr;
  auto file = llvm::MemoryBuffer::getFile(PathOf(key), /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) return nullptr;
  llvm::StringRef data = (*file)->getBuffer();
  if (data.size() <= kHeaderBytes || std::memcmp(data.data(), kMagic, 8) != 0) return nullptr;
  uint64_t checksum = 0;
  std::memcpy(&checksum, data.data() + 8, 8);
  llvm::StringRef payload = data.drop_front(kHeaderBytes);
  if (llvm::xxh3_64bits(payload) != checksum) return nullptr;
  return llvm::MemoryBuffer::getMemBufferCopy(payload, PathOf(key));
}

void DiskObjectCache::Store(uint64_t key, llvm::StringRef object) const {
  if (!enabled()) return;
  static std::atomic<unsigned> counter{0};
  std::string final_path = PathOf(key);
  std::string tmp = final_path + ".tmp" + std::to_string(::getpid()) + "." +
                    std::to_string(counter.fetch_add(1));
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(tmp, ec, llvm::sys::fs::OF_None);
    if (ec) return;
    uint64_t checksum = llvm::xxh3_64bits(object);
    out.write(kMagic, 8);
    out.write(reinterpret_cast<const char*>(&checksum), 8);
    out << object;
    out.close();
    if (out.has_error()) {
      out.clear_error();
      llvm::sys::fs::remove(tmp);
      return;
    }
  }
  if (llvm::sys::fs::rename(tmp, final_path)) llvm::sys::fs::remove(tmp);
}

}  // namespace jitlite::jit
