// Row loops along the last axis (see ops/util/last_axis_rows.h).
#include "ops/util/last_axis_rows.h"

#include "ops/util/loop_nest.h"

namespace jitlite::ops {

void EmitLastAxisRows(jit::KernelEmitter& e, const Shape& shape, const RowFn& row) {
  Shape outer(shape.begin(), shape.end() - 1);
  EmitIndexLoops(e, outer, [&](const std::vector<llvm::Value*>& outer_idx) {
    std::vector<llvm::Value*> idx(outer_idx.begin(), outer_idx.end());
    idx.push_back(e.I64(0));
    row(idx, e.LinearOffset(shape, idx));
  });
}

llvm::Value* ReassociatingAdd(llvm::IRBuilder<>& b, llvm::Value* acc, llvm::Value* x) {
  llvm::IRBuilder<>::FastMathFlagGuard guard(b);
  llvm::FastMathFlags f;
  f.setAllowReassoc();
  f.setAllowContract();
  b.setFastMathFlags(f);
  return b.CreateFAdd(acc, x);
}

}  // namespace jitlite::ops
