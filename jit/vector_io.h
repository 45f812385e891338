// Whole-or-masked vector loads and stores, the one pattern every explicit
// vector kernel ends its rows with: a null mask means all lanes.
#pragma once

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

namespace jitlite::jit {

// `lanes` elements at ptr: all of them, or the lanes `mask` sets (the others
// read as 0).
inline llvm::Value* LoadLanes(llvm::IRBuilder<>& b, llvm::Type* element, llvm::Value* ptr,
                              llvm::Value* mask, unsigned lanes, llvm::Align align) {
  auto* vec = llvm::FixedVectorType::get(element, lanes);
  if (mask == nullptr) return b.CreateAlignedLoad(vec, ptr, align);
  return b.CreateMaskedLoad(vec, ptr, align, mask, llvm::ConstantAggregateZero::get(vec));
}

// Stores all lanes of `value`, or only those `mask` sets.
inline void StoreLanes(llvm::IRBuilder<>& b, llvm::Value* value, llvm::Value* ptr,
                       llvm::Value* mask, llvm::Align align) {
  if (mask == nullptr) {
    b.CreateAlignedStore(value, ptr, align);
  } else {
    b.CreateMaskedStore(value, ptr, align, mask);
  }
}

}  // namespace jitlite::jit
