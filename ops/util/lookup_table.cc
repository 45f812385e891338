// 8-bit lookup tables (see ops/util/lookup_table.h).
#include "ops/util/lookup_table.h"

#include <algorithm>
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

}  // namespace jitlite::ops
