// 8-bit lookup tables (see ops/util/lookup_table.h).
#include "ops/util/lookup_table.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {

ByteTable BuildQuantizedTable(const TensorState& in, const TensorState& out, float (*f)(float)) {
  const IntRange r = DTypeRange(in.dtype);
  const float in_scale = Scale(in);
  const int32_t in_zp = ZeroPoint(in);
  const float inverse_scale = 1.0f / Scale(out);
  const int32_t out_zp = ZeroPoint(out);
  ByteTable table{};
  for (int32_t q = r.lo; q <= r.hi; ++q) {
    // All in float, in TFLite's order.
    const float x = in_scale * static_cast<float>(q - in_zp);
    const float rescaled = std::round(f(x) * inverse_scale);
    const auto value = static_cast<int32_t>(rescaled + static_cast<float>(out_zp));
    table[static_cast<uint8_t>(q)] = static_cast<uint8_t>(std::clamp(value, r.lo, r.hi));
  }
  return table;
}

llvm::Value* EmitByteTableLookup(llvm::IRBuilder<>& b, const ByteTable& table, llvm::Value* q,
                                 const char* name) {
  llvm::Module* module = b.GetInsertBlock()->getModule();
  llvm::Constant* data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(table));
  auto* global = new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage, data, name);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  llvm::Value* index = b.CreateZExt(q, b.getInt64Ty());
  llvm::Value* ptr = b.CreateInBoundsGEP(data->getType(), global, {b.getInt64(0), index});
  return b.CreateLoad(b.getInt8Ty(), ptr);
}

namespace {

// LUTPopulateInt16 in the floating type T (every step rounded to T).
template <typename T, typename F>
Int16Table PopulateInt16Table(const F& f, T in_scale, int32_t in_zero_point, T out_scale,
                              int32_t out_zero_point) {
  constexpr int kSteps = 512;
  const T in_min = in_scale * static_cast<T>(-32768 - in_zero_point);
  const T in_max = in_scale * static_cast<T>(32767 - in_zero_point);
  const T out_min = out_scale * static_cast<T>(-32768 - out_zero_point);
  const T out_max = out_scale * static_cast<T>(32767 - out_zero_point);
  const T step = (in_max - in_min) / kSteps;
  const T half_step = step / 2;
  const T inverse = static_cast<T>(65536) / (out_max - out_min);
  auto round = [](T v) { return std::round(v); };  // half away from zero, in T
  auto clamp = [](T v) {
    return static_cast<int16_t>(std::clamp<T>(v, T{-32768}, T{32767}));
  };
  Int16Table table{};
  for (int i = 0; i < kSteps; ++i) {
    const T value = f(in_min + static_cast<T>(i) * step);
    const T midpoint = f(in_min + static_cast<T>(i) * step + half_step);
    const T next = f(in_min + static_cast<T>(i + 1) * step);
    const T sample = round(value * inverse);
    const T interpolated = round((next * inverse + round(value * inverse)) / 2);
    const T bias = round((interpolated - round(midpoint * inverse)) / 2);
    table[i] = clamp(sample - bias);
  }
  table[kSteps] = clamp(round(f(in_max) * inverse));
  return table;
}

}  // namespace

Int16Table BuildInt16Table(double (*f)(double), double in_scale, int32_t in_zero_point,
                           double out_scale, int32_t out_zero_point) {
  return PopulateInt16Table<double>(f, in_scale, in_zero_point, out_scale, out_zero_point);
}

Int16Table BuildInt16TableFloat(const std::function<float(float)>& f, float in_scale,
                                int32_t in_zero_point, float out_scale, int32_t out_zero_point) {
  return PopulateInt16Table<float>(f, in_scale, in_zero_point, out_scale, out_zero_point);
}

llvm::Value* EmitInt16TableGlobal(llvm::IRBuilder<>& b, const Int16Table& table, const char* name) {
  llvm::Module* module = b.GetInsertBlock()->getModule();
  llvm::Constant* data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(table));
  auto* global = new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage, data, name);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return b.CreateInBoundsGEP(data->getType(), global, {b.getInt64(0), b.getInt64(0)});
}

llvm::Value* EmitInt16TableLookup(llvm::IRBuilder<>& b, llvm::Value* table, llvm::Value* x) {
  llvm::Type* i16 = b.getInt16Ty();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Value* index = b.CreateAdd(b.CreateAShr(x, 7), b.getInt32(256));
  llvm::Value* offset = b.CreateAnd(x, b.getInt32(0x7f));
  auto entry = [&](llvm::Value* i) {
    llvm::Value* ptr = b.CreateInBoundsGEP(i16, table, b.CreateSExt(i, b.getInt64Ty()));
    return b.CreateSExt(b.CreateLoad(i16, ptr), i32);
  };
  llvm::Value* base = entry(index);
  llvm::Value* next = entry(b.CreateAdd(index, b.getInt32(1)));
  // int16 slope and result, wrapping as TFLite's int16_t variables do.
  llvm::Value* slope = b.CreateSExt(b.CreateTrunc(b.CreateSub(next, base), i16), i32);
  llvm::Value* delta = b.CreateAShr(b.CreateAdd(b.CreateMul(slope, offset), b.getInt32(64)), 7);
  return b.CreateSExt(b.CreateTrunc(b.CreateAdd(base, delta), i16), i32);
}

}  // namespace jitlite::ops
