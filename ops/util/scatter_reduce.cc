// Scatter with a combiner (see ops/util/scatter_reduce.h).
#include "ops/util/scatter_reduce.h"

#include <limits>
#include <vector>

#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// The combiner's identity in the output's register type. MAX/MIN start from
// the lowest/highest finite value (TFLite's numeric_limits lowest()/max()),
// which is also what an output row no source row maps to keeps.
Value* Identity(llvm::Type* t, ScatterCombiner c) {
  if (t->isFloatingPointTy()) {
    const double big = std::numeric_limits<float>::max();
    switch (c) {
      case ScatterCombiner::kProd: return llvm::ConstantFP::get(t, 1.0);
      case ScatterCombiner::kMax: return llvm::ConstantFP::get(t, -big);
      case ScatterCombiner::kMin: return llvm::ConstantFP::get(t, big);
      default: return llvm::ConstantFP::get(t, 0.0);
    }
  }
  const unsigned bits = t->getIntegerBitWidth();
  switch (c) {
    case ScatterCombiner::kProd: return llvm::ConstantInt::get(t, 1);
    case ScatterCombiner::kMax:
      return llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(bits));
    case ScatterCombiner::kMin:
      return llvm::ConstantInt::get(t, llvm::APInt::getSignedMaxValue(bits));
    default: return llvm::ConstantInt::get(t, 0);
  }
}

// TFLite's fold: sums and products wrap for integers, bool sums are ORs;
// max/min are std::max(acc, x) / std::min(acc, x), so a NaN element never
// replaces the accumulator.
Value* Combine(llvm::IRBuilder<>& b, ScatterCombiner c, Value* acc, Value* x) {
  const bool is_float = acc->getType()->isFloatingPointTy();
  switch (c) {
    case ScatterCombiner::kProd: return is_float ? b.CreateFMul(acc, x) : b.CreateMul(acc, x);
    case ScatterCombiner::kMax:
      return b.CreateSelect(is_float ? b.CreateFCmpOLT(acc, x) : b.CreateICmpSLT(acc, x), x, acc);
    case ScatterCombiner::kMin:
      return b.CreateSelect(is_float ? b.CreateFCmpOLT(x, acc) : b.CreateICmpSLT(x, acc), x, acc);
    default: break;
  }
  if (is_float) return b.CreateFAdd(acc, x);
  if (acc->getType()->isIntegerTy(1)) return b.CreateOr(acc, x);
  return b.CreateAdd(acc, x);
}

// Folds the source row i's element j into `acc` when it maps to `row`.
void EmitInPlace(jit::KernelEmitter& e, const ScatterSpec& s, const ScatterDest& dest) {
  llvm::IRBuilder<>& b = e.b();
  const DType dtype = e.node().output(0).dtype;
  Value* out = e.OutputPtr(0);
  Value* init = Identity(jit::ElementType(e.context(), dtype), s.combiner);
  e.For(0, s.out_rows * s.row, 1, [&](Value* k) { jit::StoreElement(b, dtype, init, out, k); },
        "init");
  e.For(0, s.count, 1, [&](Value* i) {
    auto [r, valid] = dest(i, true);
    auto fold = [&] {
      Value* dst = b.CreateMul(r, e.I64(s.row));
      Value* src = b.CreateMul(i, e.I64(s.row));
      e.For(0, s.row, 1, [&](Value* j) {
        Value* at = b.CreateAdd(dst, j);
        Value* acc = jit::LoadElement(b, dtype, out, at);
        Value* x = e.LoadInput(s.data, b.CreateAdd(src, j));
        jit::StoreElement(b, dtype, Combine(b, s.combiner, acc, x), out, at);
      }, "j");
    };
    if (valid != nullptr) {
      e.If(valid, fold);
    } else {
      fold();
    }
  }, "src");
}

void EmitPerElement(jit::KernelEmitter& e, const ScatterSpec& s, const ScatterDest& dest) {
  llvm::IRBuilder<>& b = e.b();
  const TensorState& out = e.node().output(0);
  llvm::Type* t = jit::ElementType(e.context(), out.dtype);
  // Bad data is reported once, by a pass of its own.
  e.For(0, s.count, 1, [&](Value* i) { dest(i, true); }, "check");
  llvm::AllocaInst* acc = e.Alloca(t, "acc");
  EmitIndexLoops(e, out.shape, [&](const std::vector<Value*>& index) {
    Value* flat = e.LinearOffset(out.shape, index);
    Value* r = b.CreateUDiv(flat, e.I64(s.row));
    Value* j = b.CreateURem(flat, e.I64(s.row));
    b.CreateStore(Identity(t, s.combiner), acc);
    e.For(0, s.count, 1, [&](Value* i) {
      auto [dest_row, valid] = dest(i, false);
      Value* hit = b.CreateICmpEQ(dest_row, r);
      if (valid != nullptr) hit = b.CreateAnd(hit, valid);
      e.If(hit, [&] {
        Value* x = e.LoadInput(s.data, b.CreateAdd(b.CreateMul(i, e.I64(s.row)), j));
        b.CreateStore(Combine(b, s.combiner, b.CreateLoad(t, acc), x), acc);
      });
    }, "src");
    e.StoreOutput(b.CreateLoad(t, acc), index);
  });
}

}  // namespace

void EmitScatterReduce(jit::KernelEmitter& e, const ScatterSpec& spec, const ScatterDest& dest) {
  if (spec.out_rows * spec.row == 0) {
    // Nothing to write; bad data is still reported.
    e.For(0, spec.count, 1, [&](llvm::Value* i) { dest(i, true); }, "check");
    return;
  }
  if (e.stores_directly()) {
    EmitInPlace(e, spec, dest);
  } else {
    EmitPerElement(e, spec, dest);
  }
}

}  // namespace jitlite::ops
