// 256-entry lookup tables for 8-bit quantized elementwise ops (LOGISTIC, TANH):
// TFLite's reference kernels build such a table in float from the
// quantization parameters and then only index it, so jitlite builds the same
// table at compile time (same float steps, same libm functions) and indexes
// it in the generated code.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

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

// ---- int16 tables (SOFTMAX, RSQRT of INT16) ----
// TFLite's 513-entry int16 tables: f sampled at 512 steps over the int16
// input range mapped to [in_lo, in_hi], scaled to the int16 output range
// mapped to [out_lo, out_hi], each entry biased by half the interpolation
// error at its step's midpoint; the last entry is f(in_hi) (for the slope).
// TFLite's LUTPopulate computes in double for SOFTMAX (kept for backward
// compatibility) and in float for the newer users (RSQRT, LOG): two
// overloads, each step in that type.
using Int16Table = std::array<int16_t, 513>;
Int16Table BuildInt16Table(double (*f)(double), double in_scale, int32_t in_zero_point,
                           double out_scale, int32_t out_zero_point);
Int16Table BuildInt16TableFloat(const std::function<float(float)>& f, float in_scale,
                                int32_t in_zero_point, float out_scale, int32_t out_zero_point);

// A table as a private constant global of the module (a compile-time
// constant of the quantization parameters, not a weight: the op stays
// elementwise and fuses); returns a pointer to its first entry.
llvm::Value* EmitInt16TableGlobal(llvm::IRBuilder<>& b, const Int16Table& table, const char* name);

// TFLite's generic_int16_table_lookup of an int16 value x (held in i32) in
// the table at `table` (513 i16): entry 256 + (x >> 7), linearly
// interpolated with the 7 low bits. Returns the int16 result as i32.
llvm::Value* EmitInt16TableLookup(llvm::IRBuilder<>& b, llvm::Value* table, llvm::Value* x);

}  // namespace jitlite::ops
