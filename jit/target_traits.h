// What kernels may assume of the target machine beyond its vector width:
// instructions without a generic IR form, which a kernel emits as target
// intrinsics only where the JIT's target has them.
#pragma once

namespace jitlite::jit {

struct TargetTraits {
  bool avx512f = false;  // 32 vector registers of 16 floats (else AVX2's 16 of 8)
  bool avx512dq = false;  // vreduceps (the int8 GEMM's float requantization)
  bool avx512_vnni = false;  // vpdpbusd: u8 x s8 dot products of 4 into i32
  bool avx512_vbmi = false;  // vpermi2b: 64 byte lookups in a 128-byte table
  bool avx2 = false;  // vpmaddwd: i16 pair dot products into i32 (the int8 GEMM without VNNI)
  // AMX tiles with tdpbusd, the target has them and this process may use
  // them (jit/qgemm.h: AmxInt8Usable).
  bool amx_int8 = false;
};

}  // namespace jitlite::jit
