// COMPLEX64 in generated code. An element is a (real, imag) float pair; it
// moves through loads, stores and the elementwise machinery as one i64 (the
// real part in the low 32 bits, as std::complex<float> lies in memory), and
// the complex ops split it into two floats and join the result.
#pragma once

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

struct ComplexParts {
  llvm::Value* real;
  llvm::Value* imag;
};

// i64 element -> its two f32 parts, and back.
ComplexParts SplitComplex(llvm::IRBuilder<>& b, llvm::Value* packed);
llvm::Value* JoinComplex(llvm::IRBuilder<>& b, llvm::Value* real, llvm::Value* imag);

// (a + bi)(c + di) = (ac - bd) + (ad + bc)i, each product rounded to float
// (no FMA), as TFLite's std::complex<float> multiplication does; a NaN
// result from infinite operands is recovered as C11 Annex G specifies.
llvm::Value* EmitComplexMul(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y);

// |a + bi| as hypotf: the sum of squares in double, one rounding to float;
// an infinite part gives +inf even when the other is NaN.
llvm::Value* EmitComplexAbs(llvm::IRBuilder<>& b, llvm::Value* x);

// Prepare of REAL / IMAG / COMPLEX_ABS: one COMPLEX64 input, a FLOAT32
// output of its shape (COMPLEX128 -> FLOAT64 is refused as not supported).
Status PrepareComplexToFloat(NodeContext& ctx, std::string_view op);

}  // namespace jitlite::ops
