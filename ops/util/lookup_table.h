// 256-entry lookup tables for 8-bit quantized elementwise ops (LOGISTIC, TANH):
// TFLite's reference kernels build such a table in float from the
// quantization parameters and then only index it, so jitlite builds the same
// table at compile time (same float steps, same libm functions) and indexes
// it in the generated code.
#pragma once

#include <array>
#include <cstdint>

#include "llvm/IR/IRBuilder.h"
#include "ops/node_context.h"

namespace jitlite::ops {

// The stored output byte for every stored input byte (indexed by the byte as
// unsigned): zp_out + round(f(s_in * (q - zp_in)) / s_out), clamped, as
// TFLite's LUTPopulate computes it in float. in/out are INT8 or UINT8.
using ByteTable = std::array<uint8_t, 256>;


ByteTable BuildQuantizedTable(const TensorState& in, const TensorState& out, float (*f)(float));

// Emits table[q] for a stored 8-bit value q (i8): the table is a private
// constant global of the module (256 bytes, a compile-time constant derived
// from quantization parameters only, so it is not a weight; a global keeps
// the op elementwise, so it still fuses).
llvm::Value* EmitByteTableLookup(llvm::IRBuilder<>& b, const ByteTable& table, llvm::Value* q,
                                 const char* name);

}  // namespace jitlite::ops
