// Shared pieces of the recurrent ops (see ops/util/recurrent.h).
#include "ops/util/recurrent.h"

namespace jitlite::ops::recurrent {

using llvm::Value;

Status CheckFloat(const NodeContext& ctx, int i, const std::string& what) {
  DType t = ctx.input(i).dtype;
  if (t == DType::kFloat32) return Status::Ok();
  std::string name = DTypeName(t);
  if (t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16) {
    return Unimplemented(what + " (input " + std::to_string(i) + ") has type " + name +
                         ": this variant is not supported yet (expected FLOAT32 here)");
  }
  return InvalidArgument(what + " (input " + std::to_string(i) + ") has type " + name +
                         "; expected FLOAT32");
}

Status RefuseUInt8HybridWeights(const NodeContext& ctx, int i, const std::string& what,
                                const std::string& op) {
  if (i < 0 || !ctx.has_input(i) || ctx.input(i).dtype != DType::kUInt8) return Status::Ok();
  return Unimplemented(what + " (input " + std::to_string(i) + ") has type UINT8: TFLite's hybrid " +
                       op + " reads UINT8 weights as INT8 bytes and ignores their zero point, "
                       "so LiteRT's result is not the model's; jitlite refuses them (INT8 "
                       "weights run the hybrid kernel)");
}

Status CheckShape(const NodeContext& ctx, int i, const std::string& what, const Shape& shape) {
  if (!ctx.has_input(i) || ctx.input(i).shape == shape) return Status::Ok();
  return InvalidArgument(what + " (input " + std::to_string(i) + ") has shape " +
                         ShapeToString(ctx.input(i).shape) + "; expected " +
                         ShapeToString(shape));
}

Status CheckState(const NodeContext& ctx, int i, const std::string& what, int64_t elements,
                  DType dtype) {
  if (!ctx.has_input(i)) {
    return InvalidArgument(what + " (input " + std::to_string(i) + ") is missing");
  }
  const TensorState& t = ctx.input(i);
  if (!t.is_variable) {
    return InvalidArgument(what + " (input " + std::to_string(i) +
                           ") must be a variable tensor (is_variable), as TFLite requires");
  }
  if (dtype == DType::kFloat32) {
    JITLITE_RETURN_IF_ERROR(CheckFloat(ctx, i, what));
  } else if (t.dtype != dtype) {
    return InvalidArgument(what + " (input " + std::to_string(i) + ") has type " +
                           DTypeName(t.dtype) + "; the integer LSTM needs " + DTypeName(dtype));
  }
  if (t.num_elements() != elements) {
    return InvalidArgument(what + " (input " + std::to_string(i) + ") has shape " +
                           ShapeToString(t.shape) + " (" + std::to_string(t.num_elements()) +
                           " elements); expected " + std::to_string(elements) + " elements");
  }
  return Status::Ok();
}

Sequence Sequence::Of(const Shape& shape, bool time_major, bool has_time_axis) {
  Sequence s;
  s.time_major = time_major;
  s.has_time_axis = has_time_axis;
  if (!has_time_axis) {
    s.batch = shape[0];
    return s;
  }
  s.batch = time_major ? shape[1] : shape[0];
  s.time = time_major ? shape[0] : shape[1];
  return s;
}

Value* Sequence::Row(jit::KernelEmitter& e, Value* b, Value* t) const {
  if (!has_time_axis) return b;
  return time_major ? AddI(e, MulI(e, t, batch), b) : AddI(e, MulI(e, b, time), t);
}

std::vector<Value*> Sequence::OutputIndex(Value* b, Value* t, Value* f) const {
  if (!has_time_axis) return {b, f};
  if (time_major) return {t, b, f};
  return {b, t, f};
}

void EmitSteps(jit::KernelEmitter& e, const Sequence& seq, const StepFn& step, bool reverse) {
  if (seq.batch == 0 || seq.time == 0) return;
  auto time = [&](Value* t) {
    return reverse ? e.b().CreateSub(e.I64(seq.time - 1), t, "", true, true) : t;
  };
  if (seq.time_major || !seq.has_time_axis) {
    e.For(0, seq.time, 1, [&](Value* t) { step(time(t), e.I64(0), seq.batch); }, "t");
    return;
  }
  e.For(0, seq.batch, 1, [&](Value* b) {
    e.For(0, seq.time, 1, [&](Value* t) { step(time(t), b, 1); }, "t");
  }, "b");
}

std::vector<Value*> EmitRowDots(jit::KernelEmitter& e, std::span<Value* const> weights, Value* row,
                                Value* v, Value* v_offset, int64_t len) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* f32 = b.getFloatTy();
  std::vector<llvm::AllocaInst*> acc;
  for (size_t w = 0; w < weights.size(); ++w) {
    acc.push_back(e.Alloca(f32, "dot"));
    b.CreateStore(e.F32(0.0f), acc.back());
  }
  Value* w_row = MulI(e, row, len);
  e.For(0, len, 1, [&](Value* k) {
    Value* x = LoadF32(e, v, AddI(e, v_offset, k));
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    for (size_t w = 0; w < weights.size(); ++w) {
      Value* prod = b.CreateFMul(LoadF32(e, weights[w], AddI(e, w_row, k)), x);
      b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, acc[w]), prod), acc[w]);
    }
  }, "k");
  std::vector<Value*> sums;
  for (llvm::AllocaInst* a : acc) sums.push_back(b.CreateLoad(f32, a));
  return sums;
}

Value* LoadF32(jit::KernelEmitter& e, Value* base, Value* offset) {
  return jit::LoadElement(e.b(), DType::kFloat32, base, offset);
}

void StoreF32(jit::KernelEmitter& e, Value* value, Value* base, Value* offset) {
  jit::StoreElement(e.b(), DType::kFloat32, value, base, offset);
}

Value* ScratchF32(jit::KernelEmitter& e, int64_t n, const char* name) {
  return e.Alloca(llvm::ArrayType::get(e.b().getFloatTy(), static_cast<uint64_t>(n)), name);
}

Value* AddI(jit::KernelEmitter& e, Value* a, Value* b) {
  return e.b().CreateAdd(a, b, "", /*HasNUW=*/true, /*HasNSW=*/true);
}

Value* MulI(jit::KernelEmitter& e, Value* a, int64_t k) {
  if (k == 1) return a;
  return e.b().CreateMul(a, e.I64(k), "", /*HasNUW=*/true, /*HasNSW=*/true);
}

}  // namespace jitlite::ops::recurrent
