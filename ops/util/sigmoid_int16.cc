// INT16 LOGISTIC and TANH (see ops/util/sigmoid_int16.h).
#include "ops/util/sigmoid_int16.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

using SigmoidTable = std::array<uint16_t, 256>;

// TFLite's sigmoid_table_uint16: sigmoid(i / 24) in 0.16 fixed point. Each
// entry is the sample plus half the error linear interpolation makes at the
// midpoint of its interval (the same bias TFLite's int16 LUTPopulate gives),
// rounded; this reproduces entries 0..254. Entry 255 is 65535, the uint16
// maximum (the formula gives 65534): TANH saturates to 0xFFFF past the table
// and interpolates towards it. Every entry was checked against LiteRT's
// outputs over all 65536 inputs (tests/ops/test_logistic.py, test_tanh.py).
const SigmoidTable& SigmoidTableUint16() {
  static const SigmoidTable table = [] {
    auto sigmoid = [](double i) { return 65536.0 / (1.0 + std::exp(-i / 24.0)); };
    SigmoidTable t{};
    for (int i = 0; i < 255; ++i) {
      const double interpolated_mid = (sigmoid(i) + sigmoid(i + 1)) / 2;
      const double corrected = sigmoid(i) + (sigmoid(i + 0.5) - interpolated_mid) / 2;
      t[i] = static_cast<uint16_t>(std::round(corrected));
    }
    t[255] = 65535;
    return t;
  }();
  return table;
}

// The input rescaling of TFLite's Prepare: x * multiplier >> shift (rounded)
// puts 3/4096 (LOGISTIC) per step. A power-of-two scale with a shift TFLite's
// fast path takes (0, or 0 and 1 for TANH) becomes multiplier 3 << shift.
struct InputRescale {
  int32_t multiplier = 0;
  int shift = 0;
};

InputRescale Int16InputRescale(float scale, bool tanh) {
  int log2 = 0;
  const bool pot = CheckedLog2(scale, &log2);
  const int pot_shift = 12 + log2;  // (15 - 3 integer bits) + log2
  if (pot && (pot_shift == 0 || (tanh && pot_shift == 1))) return {3 << pot_shift, 0};
  double multiplier = static_cast<double>(scale) * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  return {static_cast<int32_t>(multiplier), shift};
}

// (x * multiplier + rounding) >> shift, in wrapping i32 as TFLite's int32_t.
llvm::Value* EmitRescaledInput(llvm::IRBuilder<>& b, llvm::Value* q, InputRescale r) {
  llvm::Value* x = b.CreateMul(b.CreateSExt(q, b.getInt32Ty()), b.getInt32(r.multiplier));
  if (r.shift == 0) return x;
  return b.CreateAShr(b.CreateAdd(x, b.getInt32(1 << (r.shift - 1))), r.shift);
}

// (table[h] << frac_bits) + low * (table[h + 1] - table[h]) for h = |x| >>
// frac_bits below 255, else `saturated`: the interpolated sigmoid of |x|.
llvm::Value* EmitInterpolatedSigmoid(llvm::IRBuilder<>& b, llvm::Value* abs_x, int frac_bits,
                                     uint32_t saturated) {
  const SigmoidTable& table = SigmoidTableUint16();
  llvm::Module* module = b.GetInsertBlock()->getModule();
  llvm::Constant* data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(table));
  auto* global = new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage, data,
                                          "sigmoid_u16");
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Value* high = b.CreateLShr(abs_x, frac_bits);
  llvm::Value* in_table = b.CreateICmpULT(high, b.getInt32(255));
  llvm::Value* index = b.CreateZExt(
      b.CreateBinaryIntrinsic(llvm::Intrinsic::umin, high, b.getInt32(254)), b.getInt64Ty());
  auto entry = [&](llvm::Value* i) {
    llvm::Value* ptr = b.CreateInBoundsGEP(data->getType(), global, {b.getInt64(0), i});
    return b.CreateZExt(b.CreateLoad(b.getInt16Ty(), ptr), i32);
  };
  llvm::Value* lo = entry(index);
  llvm::Value* hi = entry(b.CreateAdd(index, b.getInt64(1)));
  llvm::Value* low_bits = b.CreateAnd(abs_x, b.getInt32((1 << frac_bits) - 1));
  llvm::Value* slope = b.CreateSub(hi, lo);
  llvm::Value* r = b.CreateAdd(b.CreateShl(lo, frac_bits), b.CreateMul(low_bits, slope));
  return b.CreateSelect(in_table, r, b.getInt32(saturated));
}

llvm::Value* EmitAbs(llvm::IRBuilder<>& b, llvm::Value* x) {
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::abs, x, b.getFalse());
}

}  // namespace

Status PrepareInt16Sigmoid(NodeContext& ctx, std::string_view op, bool tanh) {
  JITLITE_RETURN_IF_ERROR(PrepareQuantizedUnary(ctx, op, /*int16_symmetric=*/true));
  const float out_scale = Scale(ctx.output(0));
  int log2 = 0;
  const bool ok = tanh ? CheckedLog2(out_scale, &log2) && log2 == -15 : out_scale == 1.0f / 32768;
  if (!ok) {
    return InvalidArgument("output scale is " + std::to_string(out_scale) + "; TFLite's INT16 " +
                           std::string(op) + " needs 2^-15 (1/32768)");
  }
  return Status::Ok();
}

llvm::Value* EmitInt16Logistic(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* x = EmitRescaledInput(b, q, Int16InputRescale(Scale(ctx.input(0)), false));
  llvm::Value* r = EmitInterpolatedSigmoid(b, EmitAbs(b, x), 9, 0x7FFFu << 10);
  // sigmoid(-x) = 1 - sigmoid(x), on the 2^-25 grid, rounded back to 2^-15.
  llvm::Value* positive = b.CreateAdd(r, b.getInt32(1 << 9));
  llvm::Value* negative = b.CreateSub(b.getInt32((1 << 25) + (1 << 9) - 1), r);
  llvm::Value* sum = b.CreateSelect(b.CreateICmpSGE(x, b.getInt32(0)), positive, negative);
  return b.CreateTrunc(b.CreateLShr(sum, 10), b.getInt16Ty());
}

llvm::Value* EmitInt16Tanh(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* x = EmitRescaledInput(b, q, Int16InputRescale(Scale(ctx.input(0)), true));
  llvm::Value* r = EmitInterpolatedSigmoid(b, EmitAbs(b, x), 8, 0xFFFFu << 8);
  // tanh = 2 * sigmoid - 1: subtract the 0.5 (2^23 on this grid), odd in x.
  constexpr int32_t kHalf = 1 << 23;
  constexpr int32_t kRounding = 1 << 7;
  llvm::Value* positive = b.CreateAdd(r, b.getInt32(kRounding - kHalf));
  llvm::Value* negative = b.CreateSub(b.getInt32(kHalf + kRounding - 1), r);
  llvm::Value* sum = b.CreateSelect(b.CreateICmpSGE(x, b.getInt32(0)), positive, negative);
  return b.CreateTrunc(b.CreateAShr(sum, 8), b.getInt16Ty());
}

}  // namespace jitlite::ops
