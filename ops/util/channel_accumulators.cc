// Per-output-channel accumulators (see channel_accumulators.h).
#include "ops/util/channel_accumulators.h"

#include "ops/util/conv_2d_window.h"

namespace jitlite::ops {

using llvm::Value;

ChannelAccumulators::ChannelAccumulators(jit::KernelEmitter& e, int64_t channels)
    : e_(e), channels_(channels) {
  acc_ = e_.Alloca(llvm::ArrayType::get(e_.b().getFloatTy(), channels_), "acc");
}

Value* ChannelAccumulators::Slot(Value* c) {
  return e_.b().CreateInBoundsGEP(e_.b().getFloatTy(), acc_, c);
}

void ChannelAccumulators::Zero() {
  e_.For(0, channels_, 1, [&](Value* c) { e_.b().CreateStore(e_.F32(0.0f), Slot(c)); }, "zero");
}

void ChannelAccumulators::MultiplyAdd(Value* x, Value* weights, Value* offset) {
  llvm::IRBuilder<>& b = e_.b();
  llvm::Type* f32 = b.getFloatTy();
  e_.For(0, channels_, 1, [&](Value* c) {
    // Contraction only (FMA): each channel's sum keeps TFLite's tap order.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags fmf;
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    Value* w_ptr = b.CreateInBoundsGEP(f32, weights, conv_window::Add(e_, offset, c));
    Value* w = b.CreateLoad(f32, w_ptr);
    Value* slot = Slot(c);
    b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, slot), b.CreateFMul(x, w)), slot);
  }, "oc");
}

void ChannelAccumulators::Store(int bias_input, Value* c0, int activation,
                                std::span<Value*> index) {
  llvm::IRBuilder<>& b = e_.b();
  e_.For(0, channels_, 1, [&](Value* c) {
    Value* oc = conv_window::Add(e_, c0, c);
    Value* v = b.CreateLoad(b.getFloatTy(), Slot(c));
    if (bias_input >= 0) v = b.CreateFAdd(v, e_.LoadInput(bias_input, oc));
    index[index.size() - 1] = oc;
    e_.StoreOutput(conv_window::ApplyActivation(e_, v, activation), index);
  }, "store");
}

}  // namespace jitlite::ops
