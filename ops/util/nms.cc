// See ops/util/nms.h.
//
// The V4/V5 kernel replays TFLite's greedy soft-NMS loop exactly, including
// its candidate queue: a binary max-heap on the score with the sift-up /
// sift-down steps of the C++ library's priority_queue, so candidates with
// equal scores come out in the same order as in TFLite.
#include "ops/util/nms.h"

#include <algorithm>
#include <string>

namespace jitlite::ops::nms {

using llvm::Value;

void EmitWhile(jit::KernelEmitter& e, const std::function<Value*()>& cond,
               const std::function<void()>& body) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  auto* head = llvm::BasicBlock::Create(e.context(), "while.cond", fn);
  auto* loop = llvm::BasicBlock::Create(e.context(), "while.body", fn);
  auto* done = llvm::BasicBlock::Create(e.context(), "while.done", fn);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  b.CreateCondBr(cond(), loop, done);
  b.SetInsertPoint(loop);
  body();
  b.CreateBr(head);
  b.SetInsertPoint(done);
}

ScratchArray::ScratchArray(jit::KernelEmitter& e, llvm::Type* type, int64_t byte_offset)
    : e_(&e), type_(type) {
  base_ = e.b().CreateConstInBoundsGEP1_64(e.b().getInt8Ty(), e.ScratchPtr(),
                                           static_cast<uint64_t>(byte_offset));
}

Value* ScratchArray::At(Value* i) const { return e_->b().CreateInBoundsGEP(type_, base_, i); }
Value* ScratchArray::Load(Value* i) const { return e_->b().CreateLoad(type_, At(i)); }
void ScratchArray::Store(Value* i, Value* v) const { e_->b().CreateStore(v, At(i)); }

Value* StdMin(llvm::IRBuilder<>& b, Value* x, Value* y) {
  return b.CreateSelect(b.CreateFCmpOLT(y, x), y, x);
}
Value* StdMax(llvm::IRBuilder<>& b, Value* x, Value* y) {
  return b.CreateSelect(b.CreateFCmpOLT(x, y), y, x);
}

Box LoadCornerBox(jit::KernelEmitter& e, int input, Value* i) {
  llvm::IRBuilder<>& b = e.b();
  Value* base = b.CreateMul(i, e.I64(4));
  Value* c[4];
  for (int k = 0; k < 4; ++k) c[k] = e.LoadInput(input, b.CreateAdd(base, e.I64(k)));
  return {StdMin(b, c[0], c[2]), StdMin(b, c[1], c[3]), StdMax(b, c[0], c[2]),
          StdMax(b, c[1], c[3])};
}

Value* Iou(jit::KernelEmitter& e, const Box& a, const Box& c) {
  llvm::IRBuilder<>& b = e.b();
  Value* zero = e.F32(0.0f);
  auto area = [&](const Box& x) {
    return b.CreateFMul(b.CreateFSub(x.ymax, x.ymin), b.CreateFSub(x.xmax, x.xmin));
  };
  Value* area_a = area(a);
  Value* area_c = area(c);
  Value* ih = b.CreateFSub(StdMin(b, a.ymax, c.ymax), StdMax(b, a.ymin, c.ymin));
  Value* iw = b.CreateFSub(StdMin(b, a.xmax, c.xmax), StdMax(b, a.xmin, c.xmin));
  Value* inter = b.CreateFMul(StdMax(b, ih, zero), StdMax(b, iw, zero));
  Value* uni = b.CreateFSub(b.CreateFAdd(area_a, area_c), inter);
  Value* empty = b.CreateOr(b.CreateFCmpOLE(area_a, zero), b.CreateFCmpOLE(area_c, zero));
  empty = b.CreateOr(empty, b.CreateFCmpOEQ(uni, zero));
  // The division is safe to speculate: a zero union gives inf/NaN, not a trap.
  return b.CreateSelect(empty, zero, b.CreateFDiv(inter, uni));
}

namespace {

// The library's __adjust_heap: the hole at `hole` walks down along the
// children that `before` does not put first, then `value` sifts up from it
// (no higher than `top`).
void AdjustHeap(jit::KernelEmitter& e, const ScratchArray& a, Value* top, Value* len, Value* value,
                const Before& before) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::AllocaInst* hole = e.Alloca(i64, "sort_hole");
  llvm::AllocaInst* child = e.Alloca(i64, "sort_child");
  auto load = [&](llvm::AllocaInst* v) { return b.CreateLoad(i64, v); };
  b.CreateStore(top, hole);
  b.CreateStore(top, child);
  Value* inner_end = b.CreateSDiv(b.CreateSub(len, e.I64(1)), e.I64(2));
  EmitWhile(e, [&] { return b.CreateICmpSLT(load(child), inner_end); }, [&] {
    Value* right = b.CreateMul(b.CreateAdd(load(child), e.I64(1)), e.I64(2));
    Value* left = b.CreateSub(right, e.I64(1));
    Value* c = b.CreateSelect(before(a.Load(right), a.Load(left)), left, right);
    a.Store(load(hole), a.Load(c));
    b.CreateStore(c, hole);
    b.CreateStore(c, child);
  });
  Value* even = b.CreateICmpEQ(b.CreateAnd(len, e.I64(1)), e.I64(0));
  Value* last_parent = b.CreateSDiv(b.CreateSub(len, e.I64(2)), e.I64(2));
  e.If(b.CreateAnd(even, b.CreateICmpEQ(load(child), last_parent)), [&] {
    Value* left = b.CreateAdd(b.CreateMul(load(child), e.I64(2)), e.I64(1));
    a.Store(load(hole), a.Load(left));
    b.CreateStore(left, hole);
  });
  auto parent = [&] { return b.CreateSDiv(b.CreateSub(load(hole), e.I64(1)), e.I64(2)); };
  EmitWhile(e, [&] {
    Value* p = e.Max(parent(), e.I64(0));  // in bounds at the root
    return b.CreateAnd(b.CreateICmpSGT(load(hole), top), before(a.Load(p), value));
  }, [&] {
    Value* p = parent();
    a.Store(load(hole), a.Load(p));
    b.CreateStore(p, hole);
  });
  a.Store(load(hole), value);
}

}  // namespace

void EmitPartialSort(jit::KernelEmitter& e, const ScratchArray& a, Value* len, Value* middle,
                     const Before& before) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i64 = b.getInt64Ty();
  e.If(b.CreateICmpSGT(middle, e.I64(0)), [&] {
    // make_heap on [0, middle).
    e.If(b.CreateICmpSGE(middle, e.I64(2)), [&] {
      llvm::AllocaInst* parent = e.Alloca(i64, "sort_parent");
      b.CreateStore(b.CreateSDiv(b.CreateSub(middle, e.I64(2)), e.I64(2)), parent);
      EmitWhile(e, [&] { return b.CreateICmpSGE(b.CreateLoad(i64, parent), e.I64(0)); }, [&] {
        Value* p = b.CreateLoad(i64, parent);
        AdjustHeap(e, a, p, middle, a.Load(p), before);
        b.CreateStore(b.CreateSub(p, e.I64(1)), parent);
      });
    });
    // Heap select: an element put before the heap's top replaces it.
    e.For(middle, len, 1, [&](Value* i) {
      Value* x = a.Load(i);
      e.If(before(x, a.Load(e.I64(0))), [&] {
        a.Store(i, a.Load(e.I64(0)));
        AdjustHeap(e, a, e.I64(0), middle, x, before);
      });
    }, "select");
    // sort_heap on [0, middle).
    llvm::AllocaInst* last = e.Alloca(i64, "sort_last");
    b.CreateStore(middle, last);
    EmitWhile(e, [&] { return b.CreateICmpSGT(b.CreateLoad(i64, last), e.I64(1)); }, [&] {
      Value* l = b.CreateSub(b.CreateLoad(i64, last), e.I64(1));
      b.CreateStore(l, last);
      Value* x = a.Load(l);
      a.Store(l, a.Load(e.I64(0)));
      AdjustHeap(e, a, e.I64(0), l, x, before);
    });
  });
}

namespace {

constexpr int kBoxes = 0, kScores = 1, kMaxOutputSize = 2, kIouThreshold = 3,
              kScoreThreshold = 4, kSigma = 5;

Status ExpectScalar(const NodeContext& ctx, int i, const char* what, DType dtype) {
  const TensorState& t = ctx.input(i);
  if (t.dtype != dtype) {
    return InvalidArgument(std::string(what) + " (input " + std::to_string(i) + ") has type " +
                           DTypeName(t.dtype) + "; expected " + DTypeName(dtype));
  }
  if (t.rank() != 0) {
    return InvalidArgument(std::string(what) + " (input " + std::to_string(i) + ") has shape " +
                           ShapeToString(t.shape) + "; it must be a scalar");
  }
  return Status::Ok();
}

int32_t MaxOutputSize(const NodeContext& ctx) {
  return ctx.input(kMaxOutputSize).const_as<int32_t>()[0];
}

// The candidate queue: parallel arrays of box index, current score and
// suppress_begin_index (how many selections the candidate was compared with).
class CandidateHeap {
 public:
  CandidateHeap(jit::KernelEmitter& e, int64_t n, int64_t offset)
      : e_(e), b_(e.b()), index_(e, b_.getInt32Ty(), offset),
        score_(e, b_.getFloatTy(), offset + Bytes4(n)),
        begin_(e, b_.getInt32Ty(), offset + 2 * Bytes4(n)) {
    size_ = e.Alloca(b_.getInt64Ty(), "heap_size");
    hole_ = e.Alloca(b_.getInt64Ty(), "heap_hole");
    child_ = e.Alloca(b_.getInt64Ty(), "heap_child");
    b_.CreateStore(e.I64(0), size_);
  }
  static int64_t Bytes(int64_t n) { return 3 * Bytes4(n); }

  Value* size() { return b_.CreateLoad(b_.getInt64Ty(), size_); }
  Value* TopIndex() { return index_.Load(e_.I64(0)); }
  Value* TopScore() { return score_.Load(e_.I64(0)); }
  Value* TopBegin() { return begin_.Load(e_.I64(0)); }

  // push: append, then sift the new entry up past smaller parents.
  void Push(Value* index, Value* score, Value* begin) {
    Value* n = size();
    b_.CreateStore(b_.CreateAdd(n, e_.I64(1)), size_);
    SiftUp(n, index, score, begin);
  }

  // pop: the last entry fills the root's hole after the hole has walked down
  // to a leaf along the larger children, then sifts up.
  void Pop() {
    Value* n = size();
    Value* len = b_.CreateSub(n, e_.I64(1));
    b_.CreateStore(len, size_);
    e_.If(b_.CreateICmpSGT(n, e_.I64(1)), [&] {
      Value* index = index_.Load(len);
      Value* score = score_.Load(len);
      Value* begin = begin_.Load(len);
      b_.CreateStore(e_.I64(0), hole_);
      b_.CreateStore(e_.I64(0), child_);
      Value* inner_end = b_.CreateSDiv(b_.CreateSub(len, e_.I64(1)), e_.I64(2));
      EmitWhile(e_, [&] { return b_.CreateICmpSLT(child(), inner_end); }, [&] {
        Value* right = b_.CreateMul(b_.CreateAdd(child(), e_.I64(1)), e_.I64(2));
        Value* left = b_.CreateSub(right, e_.I64(1));
        Value* pick_left = b_.CreateFCmpOLT(score_.Load(right), score_.Load(left));
        Value* c = b_.CreateSelect(pick_left, left, right);
        Move(c, hole());
        b_.CreateStore(c, hole_);
        b_.CreateStore(c, child_);
      });
      Value* even = b_.CreateICmpEQ(b_.CreateAnd(len, e_.I64(1)), e_.I64(0));
      Value* last_parent = b_.CreateSDiv(b_.CreateSub(len, e_.I64(2)), e_.I64(2));
      e_.If(b_.CreateAnd(even, b_.CreateICmpEQ(child(), last_parent)), [&] {
        Value* left = b_.CreateAdd(b_.CreateMul(child(), e_.I64(2)), e_.I64(1));
        Move(left, hole());
        b_.CreateStore(left, hole_);
      });
      SiftUp(hole(), index, score, begin);
    });
  }

 private:
  Value* hole() { return b_.CreateLoad(b_.getInt64Ty(), hole_); }
  Value* child() { return b_.CreateLoad(b_.getInt64Ty(), child_); }
  void Move(Value* from, Value* to) {
    index_.Store(to, index_.Load(from));
    score_.Store(to, score_.Load(from));
    begin_.Store(to, begin_.Load(from));
  }
  void SiftUp(Value* start, Value* index, Value* score, Value* begin) {
    b_.CreateStore(start, hole_);
    auto parent = [&] { return b_.CreateSDiv(b_.CreateSub(hole(), e_.I64(1)), e_.I64(2)); };
    EmitWhile(e_, [&] {
      // The parent index is clamped so its load stays in bounds at the root.
      Value* p = e_.Max(parent(), e_.I64(0));
      return b_.CreateAnd(b_.CreateICmpSGT(hole(), e_.I64(0)),
                          b_.CreateFCmpOLT(score_.Load(p), score));
    }, [&] {
      Value* p = parent();
      Move(p, hole());
      b_.CreateStore(p, hole_);
    });
    Value* h = hole();
    index_.Store(h, index);
    score_.Store(h, score);
    begin_.Store(h, begin);
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  ScratchArray index_, score_, begin_;
  llvm::AllocaInst* size_;
  llvm::AllocaInst* hole_;
  llvm::AllocaInst* child_;
};

}  // namespace

Status PrepareNms(NodeContext& ctx, bool soft) {
  const char* op = soft ? "NON_MAX_SUPPRESSION_V5" : "NON_MAX_SUPPRESSION_V4";
  const int inputs = soft ? 6 : 5, outputs = soft ? 3 : 2;
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(inputs, inputs));
  if (ctx.num_outputs() != outputs) {
    return InvalidArgument(std::string(op) + " has " + std::to_string(outputs) + " outputs, not " +
                           std::to_string(ctx.num_outputs()));
  }
  const TensorState& boxes = ctx.input(kBoxes);
  const TensorState& scores = ctx.input(kScores);
  // FLOAT32 only, like the LiteRT kernel (2.3) that the tests compare with.
  for (int i : {kBoxes, kScores}) JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(i, {DType::kFloat32}));
  if (boxes.rank() != 2 || boxes.dim(1) != 4) {
    return InvalidArgument("boxes (input 0) have shape " + ShapeToString(boxes.shape) +
                           "; expected [num_boxes, 4]");
  }
  if (scores.rank() != 1 || scores.dim(0) != boxes.dim(0)) {
    return InvalidArgument("scores (input 1) have shape " + ShapeToString(scores.shape) +
                           "; expected [" + std::to_string(boxes.dim(0)) + "] (one per box)");
  }
  JITLITE_RETURN_IF_ERROR(ExpectScalar(ctx, kMaxOutputSize, "max_output_size", DType::kInt32));
  JITLITE_RETURN_IF_ERROR(ExpectScalar(ctx, kIouThreshold, "iou_threshold", DType::kFloat32));
  JITLITE_RETURN_IF_ERROR(ExpectScalar(ctx, kScoreThreshold, "score_threshold", DType::kFloat32));
  if (soft) {
    JITLITE_RETURN_IF_ERROR(ExpectScalar(ctx, kSigma, "soft_nms_sigma", DType::kFloat32));
    const TensorState& sigma = ctx.input(kSigma);
    if (sigma.is_constant() && sigma.const_as<float>()[0] < 0.0f) {
      return InvalidArgument("soft_nms_sigma (input 5) is " +
                             std::to_string(sigma.const_as<float>()[0]) + "; it must be >= 0");
    }
  }
  // The outputs have max_output_size entries, so its value is needed now.
  JITLITE_RETURN_IF_ERROR(
      RequireConstant(ctx.input(kMaxOutputSize), "max_output_size (input 2, an output size)"));
  const int32_t max_output = MaxOutputSize(ctx);
  if (max_output < 0) {
    return InvalidArgument("max_output_size (input 2) is " + std::to_string(max_output) +
                           "; it must be >= 0");
  }
  ctx.SetOutput(0, DType::kInt32, {max_output});
  if (soft) ctx.SetOutput(1, DType::kFloat32, {max_output});
  ctx.SetOutput(outputs - 1, DType::kInt32, {});
  return Status::Ok();
}

int64_t NmsScratchBytes(const NodeContext& ctx) {
  const int64_t n = ctx.input(kBoxes).dim(0);
  // Never zero, so the kernel always has a scratch pointer to offset from.
  return std::max<int64_t>(CandidateHeap::Bytes(n) + 2 * Bytes4(MaxOutputSize(ctx)), 64);
}

Status EmitNms(jit::KernelEmitter& e, const NodeContext& ctx, bool soft) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* f32 = b.getFloatTy();
  const int64_t n = ctx.input(kBoxes).dim(0);
  const int64_t max_output = MaxOutputSize(ctx);
  CandidateHeap heap(e, n, 0);
  ScratchArray selected(e, i32, CandidateHeap::Bytes(n));
  ScratchArray selected_score(e, f32, CandidateHeap::Bytes(n) + Bytes4(max_output));

  Value* iou_threshold = e.LoadInput(kIouThreshold, e.I64(0));
  Value* score_threshold = e.LoadInput(kScoreThreshold, e.I64(0));
  Value* sigma = soft ? e.LoadInput(kSigma, e.I64(0)) : e.F32(0.0f);
  if (soft && !ctx.input(kSigma).is_constant()) {
    e.If(b.CreateFCmpOLT(sigma, e.F32(0.0f)),
         [&] { e.ReportError("NON_MAX_SUPPRESSION_V5: soft_nms_sigma is negative"); });
  }
  Value* soft_on = b.CreateFCmpOGT(sigma, e.F32(0.0f));
  // Where sigma <= 0 the scale is unused; 1 avoids a division by zero.
  Value* scale = b.CreateFDiv(e.F32(-0.5f), b.CreateSelect(soft_on, sigma, e.F32(1.0f)));

  llvm::AllocaInst* num_selected = e.Alloca(i64, "num_selected");
  b.CreateStore(e.I64(0), num_selected);
  if (n > 0 && max_output > 0) {
    e.For(0, n, 1, [&](Value* i) {
      Value* s = e.LoadInput(kScores, i);
      e.If(b.CreateFCmpOGT(s, score_threshold),
           [&] { heap.Push(b.CreateTrunc(i, i32), s, b.getInt32(0)); });
    });
    Value* num_outputs = e.Min(heap.size(), e.I64(max_output));
    llvm::AllocaInst* score = e.Alloca(f32, "score");
    llvm::AllocaInst* j = e.Alloca(i64, "j");
    llvm::AllocaInst* stop = e.Alloca(b.getInt1Ty(), "stop");
    llvm::AllocaInst* hard = e.Alloca(b.getInt1Ty(), "hard");
    auto count = [&] { return b.CreateLoad(i64, num_selected); };
    EmitWhile(e, [&] {
      return b.CreateAnd(b.CreateICmpSLT(count(), num_outputs),
                         b.CreateICmpSGT(heap.size(), e.I64(0)));
    }, [&] {
      Value* index = heap.TopIndex();
      Value* original = heap.TopScore();
      Value* begin = b.CreateSExt(heap.TopBegin(), i64);
      heap.Pop();
      b.CreateStore(original, score);
      b.CreateStore(b.CreateSub(count(), e.I64(1)), j);
      b.CreateStore(b.getFalse(), stop);
      b.CreateStore(b.getFalse(), hard);
      Box box = LoadCornerBox(e, kBoxes, b.CreateSExt(index, i64));
      // Newest selections first: overlapping boxes tend to have close scores.
      EmitWhile(e, [&] {
        Value* jv = b.CreateLoad(i64, j);
        return b.CreateAnd(b.CreateICmpSGE(jv, begin), b.CreateNot(b.CreateLoad(b.getInt1Ty(), stop)));
      }, [&] {
        Value* jv = b.CreateLoad(i64, j);
        Value* other = b.CreateSExt(selected.Load(jv), i64);
        Value* iou = Iou(e, box, LoadCornerBox(e, kBoxes, other));
        Value* is_hard = b.CreateFCmpOGE(iou, iou_threshold);
        b.CreateStore(is_hard, hard);
        Value* s = b.CreateLoad(f32, score);
        if (soft) {
          Value* decay = e.Exp(b.CreateFMul(b.CreateFMul(scale, iou), iou));
          s = b.CreateSelect(b.CreateAnd(soft_on, b.CreateNot(is_hard)), b.CreateFMul(s, decay), s);
          b.CreateStore(s, score);
        }
        b.CreateStore(b.CreateOr(is_hard, b.CreateFCmpOLE(s, score_threshold)), stop);
        b.CreateStore(b.CreateSub(jv, e.I64(1)), j);
      });
      Value* begin_now = b.CreateTrunc(count(), i32);
      e.If(b.CreateNot(b.CreateLoad(b.getInt1Ty(), hard)), [&] {
        Value* s = b.CreateLoad(f32, score);
        e.If(b.CreateFCmpOEQ(s, original), [&] {
          Value* k = count();
          selected.Store(k, index);
          selected_score.Store(k, s);
          b.CreateStore(b.CreateAdd(k, e.I64(1)), num_selected);
        });
        e.If(b.CreateFCmpOGT(b.CreateLoad(f32, score), score_threshold),
             [&] { heap.Push(index, b.CreateLoad(f32, score), begin_now); });
      });
    });
  }
  // Entries past the selections are zero, as TFLite resets them.
  Value* total = b.CreateLoad(i64, num_selected);
  e.For(0, max_output, 1, [&](Value* k) {
    Value* valid = b.CreateICmpSLT(k, total);
    Value* safe = b.CreateSelect(valid, k, e.I64(0));
    Value* index = b.CreateSelect(valid, selected.Load(safe), b.getInt32(0));
    e.StoreOutput(index, {&k, 1}, 0);
    if (soft) {
      Value* s = b.CreateSelect(valid, selected_score.Load(safe), e.F32(0.0f));
      e.StoreOutput(s, {&k, 1}, 1);
    }
  });
  e.StoreOutput(b.CreateTrunc(total, i32), {}, soft ? 2 : 1);
  return Status::Ok();
}

}  // namespace jitlite::ops::nms
