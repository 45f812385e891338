#include "jit/constant_fold.h"

#include <cstring>

#include "jit/emitters.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace jitlite::jit {
namespace {

// Element `k` of a constant tensor as an LLVM constant of its register type.
llvm::Constant* ConstantElement(llvm::LLVMContext& c, const ops::TensorState& t, int64_t k) {
  const uint8_t* p = t.const_data + k * DTypeSize(t.dtype);
  switch (t.dtype) {
    case DType::kFloat32: {
      float f;
      std::memcpy(&f, p, sizeof f);
      return llvm::ConstantFP::get(llvm::Type::getFloatTy(c), f);
    }
    case DType::kBool: return llvm::ConstantInt::get(llvm::Type::getInt1Ty(c), *p != 0);
    case DType::kInt64: case DType::kInt32: case DType::kInt16: case DType::kInt8:
    case DType::kUInt8: {
      int64_t v = 0;
      std::memcpy(&v, p, DTypeSize(t.dtype));  // little-endian; sign-extended below
      llvm::Type* type = StorageType(c, t.dtype);
      return llvm::ConstantInt::get(type, static_cast<uint64_t>(v));
    }
    default: return nullptr;
  }
}

bool StoreConstant(llvm::Value* v, DType dtype, uint8_t* dst) {
  if (auto* f = llvm::dyn_cast<llvm::ConstantFP>(v)) {
    if (dtype != DType::kFloat32) return false;
    float x = f->getValueAPF().convertToFloat();
    std::memcpy(dst, &x, sizeof x);
    return true;
  }
  auto* i = llvm::dyn_cast<llvm::ConstantInt>(v);
  if (i == nullptr || dtype == DType::kFloat32 || dtype == DType::kFloat16) return false;
  uint64_t bits = i->getValue().getZExtValue();
  std::memcpy(dst, &bits, DTypeSize(dtype));  // little-endian: the low bytes
  return true;
}

}  // namespace

bool FoldElementwise(const ops::OpDef& def, const ops::NodeContext& ctx,
                     std::vector<uint8_t>& out) {
  if (def.kind() != ops::OpKind::kElementwise || ctx.num_outputs() != 1) return false;
  const ops::TensorState& output = ctx.output(0);
  const int64_t n = output.num_elements();
  if (n > kMaxFoldedElementwise) return false;
  std::vector<int> present;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    if (!ctx.input(i).is_constant()) return false;
    present.push_back(i);
  }
  // A scratch function gives the builder an insertion point for whatever
  // does not fold; it is thrown away.
  llvm::LLVMContext c;
  llvm::Module module("fold", c);
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(c), false),
                                    llvm::Function::ExternalLinkage, "fold", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(c, "entry", fn));
  ElementEmitter e(b);
  const Shape& shape = output.shape;
  out.assign(static_cast<size_t>(n) * DTypeSize(output.dtype), 0);
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    std::vector<llvm::Value*> operands;
    for (int i : present) {
      const ops::TensorState& in = ctx.input(i);
      // Right-aligned broadcast of the output index into the input.
      int64_t offset = 0;
      const int shift = static_cast<int>(shape.size()) - in.rank();
      for (int d = 0; d < in.rank(); ++d) {
        offset = offset * in.dim(d) + (in.dim(d) == 1 ? 0 : index[d + shift]);
      }
      if (in.const_bytes < static_cast<size_t>(offset + 1) * DTypeSize(in.dtype)) return false;
      llvm::Constant* v = ConstantElement(c, in, offset);
      if (v == nullptr) return false;
      operands.push_back(v);
    }
    llvm::Value* result = def.EmitElement(e, ctx, operands);
    if (result == nullptr || !StoreConstant(result, output.dtype,
                                            out.data() + k * DTypeSize(output.dtype))) {
      return false;
    }
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {  // next index
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return true;
}

}  // namespace jitlite::jit
