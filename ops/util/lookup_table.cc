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

double RoundHalfAway(double x) { return std::round(x); }

}  // namespace

Int16Table BuildInt16Table(double (*f)(double), double in_scale, int32_t in_zero_point,
                           double out_scale, int32_t out_zero_point) {
  constexpr int kSteps = 512;
  const double in_min = in_scale * (-32768 - in_zero_point);
  const double in_max = in_scale * (32767 - in_zero_point);
  const double out_min = out_scale * (-32768 - out_zero_point);
  const double out_max = out_scale * (32767 - out_zero_point);
  const double step = (in_max - in_min) / kSteps;
  const double half_step = step / 2;
  const double inverse = 65536.0 / (out_max - out_min);
  auto clamp = [](double v) { return static_cast<int16_t>(std::clamp(v, -32768.0, 32767.0)); };
  Int16Table table{};
  for (int i = 0; i < kSteps; ++i) {
    const double value = f(in_min + i * step);
    const double midpoint = f(in_min + i * step + half_step);
    const double next = f(in_min + (i + 1) * step);
    const double sample = RoundHalfAway(value * inverse);
    const double interpolated = RoundHalfAway((next * inverse + RoundHalfAway(value * inverse)) / 2);
    const double bias = RoundHalfAway((interpolated - RoundHalfAway(midpoint * inverse)) / 2);
    table[i] = clamp(sample - bias);
  }
  table[kSteps] = clamp(RoundHalfAway(f(in_max) * inverse));
  return table;
}

Int16Table BuildInt16TableFloat(const std::function<float(float)>& f, float in_scale,
                                int32_t in_zero_point, float out_scale, int32_t out_zero_point) {
  constexpr int kSteps = 512;
  const float in_min = in_scale * static_cast<float>(-32768 - in_zero_point);
  const float in_max = in_scale * static_cast<float>(32767 - in_zero_point);
  const float out_min = out_scale * static_cast<float>(-32768 - out_zero_point);
  const float out_max = out_scale * static_cast<float>(32767 - out_zero_point);
  const float step = (in_max - in_min) / kSteps;
  const float half_step = step / 2;
  const float inverse = 65536.0f / (out_max - out_min);
  auto clamp = [](float v) { return static_cast<int16_t>(std::clamp(v, -32768.0f, 32767.0f)); };
  Int16Table table{};
  for (int i = 0; i < kSteps; ++i) {
    const float at = in_min + static_cast<float>(i) * step;
    const float value = f(at);
    const float midpoint = f(at + half_step);
    const float next = f(in_min + static_cast<float>(i + 1) * step);
    const float sample = std::round(value * inverse);
    const float interpolated = std::round((next * inverse + std::round(value * inverse)) / 2);
    const float bias = std::round((interpolated - std::round(midpoint * inverse)) / 2);
    table[i] = clamp(sample - bias);
  }
  table[kSteps] = clamp(std::round(f(in_max) * inverse));
  return table;
}

llvm::Value* EmitInt16TableGlobal(llvm::IRBuilder<>& b, const Int16Table& table,
                                  const char* name) {
  llvm::Module* module = b.GetInsertBlock()->getModule();
  std::array<uint16_t, 513> bits;
  for (size_t i = 0; i < table.size(); ++i) bits[i] = static_cast<uint16_t>(table[i]);
  llvm::Constant* data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(bits));
  auto* global = new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage, data, name);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return global;
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
