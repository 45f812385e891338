// Custom op TFLite_Detection_PostProcess (SSD models): decodes box encodings
// [1, N, >=4] (y, x, h, w against anchors [N, 4] as y, x, h, w) into corner
// boxes, then runs multi-class NMS on class predictions [1, N, C or C + 1
// with a leading background class]. Outputs (all FLOAT32): boxes [1, M*K, 4]
// (ymin, xmin, ymax, xmax), classes [1, M*K], scores [1, M*K] and the
// detection count [1], with M = max_detections, K = max_classes_per_detection.
// Options are a flexbuffer map, read like TFLite (detections_per_class
// defaults to 100, use_regular_nms to false).
//
// Fast NMS (default): each anchor competes with its best class score in one
// greedy NMS; a selected anchor reports its top K classes. Regular NMS: NMS
// per class (at most min(detections_per_class, M) each), merged into the
// best M.
// UINT8 box encodings (with UINT8 anchors) and UINT8 class predictions are
// dequantized as TFLite does ((q - zero_point) * scale in float); the
// decoding runs in double, like TFLite's. Sorting replays TFLite's (stable
// sort of each class's kept scores, the library's partial sort of an
// anchor's classes, the merge of per-class results), so ties come out in
// TFLite's order. Entries past the detections are zeros.
//
// Kernel: straight-line loops over arena scratch (decoded boxes, kept and
// active lists, merged detections); no calls, no allocation.
// flexbuffers.h's string-to-number helpers would otherwise need the locale
// object compiled into libflatbuffers, which jitlite does not link; the
// options read here are numbers, never strings. (Only this file includes
// flexbuffers.h, so no other translation unit sees a different definition.)
#define FLATBUFFERS_LOCALE_INDEPENDENT 0

#include <algorithm>
#include <string>

#include "flatbuffers/flexbuffers.h"
#include "ops/op.h"
#include "ops/util/nms.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;
using nms::Bytes4;
using nms::EmitWhile;
using nms::ScratchArray;

constexpr int kEncodings = 0, kPredictions = 1, kAnchors = 2;

struct Options {
  int32_t max_detections = 0;
  int32_t max_classes_per_detection = 0;
  int32_t detections_per_class = 100;
  bool use_regular_nms = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.0f;
  int32_t num_classes = 0;
  double y_scale = 0, x_scale = 0, h_scale = 0, w_scale = 0;
};

StatusOr<Options> ReadOptions(const NodeContext& ctx) {
  const tflite::Operator* op = ctx.op();
  if (op == nullptr || op->custom_options() == nullptr || op->custom_options()->size() == 0) {
    return InvalidArgument("TFLite_Detection_PostProcess has no custom options (a flexbuffer "
                           "map with max_detections, num_classes, ...)");
  }
  const flatbuffers::Vector<uint8_t>* bytes = op->custom_options();
  if (!flexbuffers::VerifyBuffer(bytes->data(), bytes->size())) {
    return InvalidArgument("TFLite_Detection_PostProcess custom options are not a valid flexbuffer");
  }
  flexbuffers::Reference root = flexbuffers::GetRoot(bytes->data(), bytes->size());
  if (!root.IsMap()) {
    return InvalidArgument("TFLite_Detection_PostProcess custom options are not a flexbuffer map");
  }
  flexbuffers::Map m = root.AsMap();
  Options o;
  o.max_detections = m["max_detections"].AsInt32();
  o.max_classes_per_detection = m["max_classes_per_detection"].AsInt32();
  if (!m["detections_per_class"].IsNull()) o.detections_per_class = m["detections_per_class"].AsInt32();
  if (!m["use_regular_nms"].IsNull()) o.use_regular_nms = m["use_regular_nms"].AsBool();
  o.score_threshold = m["nms_score_threshold"].AsFloat();
  o.iou_threshold = m["nms_iou_threshold"].AsFloat();
  o.num_classes = m["num_classes"].AsInt32();
  o.y_scale = m["y_scale"].AsFloat();
  o.x_scale = m["x_scale"].AsFloat();
  o.h_scale = m["h_scale"].AsFloat();
  o.w_scale = m["w_scale"].AsFloat();
  return o;
}

std::string Num(int64_t v) { return std::to_string(v); }

Status CheckOptions(const Options& o) {
  if (o.max_detections < 0) {
    return InvalidArgument("max_detections is " + Num(o.max_detections) + "; it must be >= 0");
  }
  if (o.max_classes_per_detection <= 0) {
    return InvalidArgument("max_classes_per_detection is " + Num(o.max_classes_per_detection) +
                           "; it must be > 0");
  }
  if (o.use_regular_nms && o.detections_per_class <= 0) {
    return InvalidArgument("detections_per_class is " + Num(o.detections_per_class) +
                           "; it must be > 0");
  }
  if (o.use_regular_nms && o.max_detections == 0) {
    return InvalidArgument("max_detections is 0: TFLite's regular NMS needs at least one");
  }
  if (!(o.iou_threshold > 0.0f && o.iou_threshold <= 1.0f)) {
    return InvalidArgument("nms_iou_threshold is " + std::to_string(o.iou_threshold) +
                           "; it must be in (0, 1]");
  }
  if (int64_t{o.max_detections} * o.max_classes_per_detection > (int64_t{1} << 24)) {
    return InvalidArgument("max_detections * max_classes_per_detection = " +
                           Num(int64_t{o.max_detections} * o.max_classes_per_detection) +
                           " output slots is beyond jitlite's limit of 2^24");
  }
  if (o.num_classes <= 0) {
    return InvalidArgument("num_classes is " + Num(o.num_classes) + "; it must be > 0");
  }
  return Status::Ok();
}

Status CheckInputs(const NodeContext& ctx, const Options& o) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  if (ctx.num_outputs() != 4) {
    return InvalidArgument("TFLite_Detection_PostProcess has 4 outputs, not " +
                           Num(ctx.num_outputs()));
  }
  for (int i = 0; i < 3; ++i) {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(i, {DType::kFloat32, DType::kUInt8}));
  }
  const TensorState& enc = ctx.input(kEncodings);
  const TensorState& pred = ctx.input(kPredictions);
  const TensorState& anchors = ctx.input(kAnchors);
  if (enc.rank() != 3 || enc.dim(0) != 1 || enc.dim(2) < 4) {
    return InvalidArgument("box encodings (input 0) have shape " + ShapeToString(enc.shape) +
                           "; expected [1, num_boxes, >= 4]");
  }
  const int32_t n = enc.dim(1);
  if (pred.rank() != 3 || pred.dim(0) != 1 || pred.dim(1) != n) {
    return InvalidArgument("class predictions (input 1) have shape " + ShapeToString(pred.shape) +
                           "; expected [1, " + Num(n) + ", num_classes (+ 1)]");
  }
  const int32_t with_background = pred.dim(2);
  if (with_background < o.num_classes || with_background > o.num_classes + 1) {
    return InvalidArgument("class predictions (input 1) have " + Num(with_background) +
                           " classes; num_classes is " + Num(o.num_classes) +
                           " (one more for a background class is allowed)");
  }
  if (anchors.rank() != 2 || anchors.dim(0) != n || anchors.dim(1) != 4) {
    return InvalidArgument("anchors (input 2) have shape " + ShapeToString(anchors.shape) +
                           "; expected [" + Num(n) + ", 4]");
  }
  if (anchors.dtype != enc.dtype) {
    return InvalidArgument(std::string("anchors (input 2) have type ") + DTypeName(anchors.dtype) +
                           " but box encodings " + DTypeName(enc.dtype) +
                           "; TFLite decodes both as the same type");
  }
  for (int i = 0; i < 3; ++i) {
    const TensorState& t = ctx.input(i);
    if (t.dtype == DType::kUInt8 && t.quant->scales.size() != 1) {
      return InvalidArgument("input " + Num(i) + " is UINT8 without per-tensor quantization");
    }
  }
  return Status::Ok();
}

// Scratch layout: 4-byte arrays, each 64-byte aligned.
struct Layout {
  int64_t n = 0, classes = 0, max_det = 0;
  int64_t decoded = 0, keep = 0, active = 0, selected = 0, max_scores = 0, class_order = 0,
          m_box = 0, m_class = 0, m_score = 0, t_box = 0, t_class = 0, t_score = 0, total = 0;
};

Layout MakeLayout(const NodeContext& ctx, const Options& o) {
  Layout l;
  l.n = ctx.input(kEncodings).dim(1);
  l.classes = o.num_classes;
  l.max_det = o.max_detections;
  int64_t at = 0;
  auto take = [&](int64_t count) {
    int64_t here = at;
    at += Bytes4(std::max<int64_t>(count, 1));
    return here;
  };
  l.decoded = take(4 * l.n);
  l.keep = take(l.n);
  l.active = take(l.n);
  // Selections per NMS run: at most max_detections (fast) or
  // min(detections_per_class, max_detections) (regular), and at most n.
  l.selected = take(std::min(l.max_det, l.n));
  if (o.use_regular_nms) {
    l.m_box = take(l.max_det);
    l.m_class = take(l.max_det);
    l.m_score = take(l.max_det);
    l.t_box = take(l.max_det);
    l.t_class = take(l.max_det);
    l.t_score = take(l.max_det);
  } else {
    l.max_scores = take(l.n);
    l.class_order = take(l.classes);
  }
  l.total = at;
  return l;
}

// exp in double, accurate to about an ulp: TFLite decodes with std::exp on
// doubles and rounds to float afterwards, so a float exp would differ.
Value* ExpF64(jit::KernelEmitter& e, Value* x) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* f64 = b.getDoubleTy();
  auto c = [&](double v) { return llvm::ConstantFP::get(f64, v); };
  auto clamp = [&](Value* v, double lo, double hi) {
    v = b.CreateSelect(b.CreateFCmpOLT(v, c(lo)), c(lo), v);
    return b.CreateSelect(b.CreateFCmpOGT(v, c(hi)), c(hi), v);
  };
  // Beyond +-708 the float result is inf or 0 anyway.
  Value* xc = clamp(x, -708.0, 708.0);
  Value* k = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor,
                                    b.CreateFAdd(b.CreateFMul(xc, c(1.4426950408889634)), c(0.5)));
  // ln2 split in two (the high part has trailing zero bits, so k * hi is exact).
  Value* r = b.CreateFSub(xc, b.CreateFMul(k, c(6.93147180369123816490e-01)));
  r = b.CreateFSub(r, b.CreateFMul(k, c(1.90821492927058770002e-10)));
  // Taylor series to r^13: |r| <= ln2 / 2 leaves a truncation error < 2e-16.
  Value* p = c(1.0 / 6227020800.0);
  double factorial = 6227020800.0;
  for (int i = 12; i >= 0; --i) {
    factorial /= (i + 1);
    p = b.CreateFAdd(b.CreateFMul(p, r), c(1.0 / factorial));
  }
  Value* ki = b.CreateFPToSI(k, b.getInt64Ty());
  Value* pow2 = b.CreateBitCast(b.CreateShl(b.CreateAdd(ki, e.I64(1023)), 52), f64);
  Value* result = b.CreateFMul(p, pow2);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
}

class DetectionPostProcess {
 public:
  DetectionPostProcess(jit::KernelEmitter& e, const NodeContext& ctx, const Options& o)
      : e_(e), b_(e.b()), ctx_(ctx), o_(o), l_(MakeLayout(ctx, o)) {
    f32_ = b_.getFloatTy();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    decoded_ = ScratchArray(e, f32_, l_.decoded);
    keep_ = ScratchArray(e, i32_, l_.keep);
    active_ = ScratchArray(e, i32_, l_.active);
    selected_ = ScratchArray(e, i32_, l_.selected);
    with_background_ = ctx.input(kPredictions).dim(2);
    label_offset_ = with_background_ - o.num_classes;
  }

  void Emit() {
    DecodeBoxes();
    ValidateBoxes();
    if (o_.use_regular_nms) {
      RegularNms();
    } else {
      FastNms();
    }
  }

 private:
  // Input element i as float: dequantized like TFLite for UINT8.
  Value* LoadFloat(int input, Value* i) {
    Value* v = e_.LoadInput(input, i);
    const TensorState& t = ctx_.input(input);
    if (t.dtype == DType::kFloat32) return v;
    Value* q = b_.CreateUIToFP(v, f32_);
    Value* zp = e_.F32(static_cast<float>(t.quant->zero_points.empty() ? 0 : t.quant->zero_points[0]));
    return b_.CreateFMul(b_.CreateFSub(q, zp), e_.F32(t.quant->scales[0]));
  }

  // Score of anchor `row` for class `cls` (0-based, background skipped).
  Value* Score(Value* row, Value* cls) {
    Value* at = b_.CreateAdd(b_.CreateMul(row, e_.I64(with_background_)),
                             b_.CreateAdd(cls, e_.I64(label_offset_)));
    return LoadFloat(kPredictions, at);
  }

  nms::Box DecodedBox(Value* i) {
    Value* base = b_.CreateMul(i, e_.I64(4));
    Value* v[4];
    for (int k = 0; k < 4; ++k) v[k] = decoded_.Load(b_.CreateAdd(base, e_.I64(k)));
    return {v[0], v[1], v[2], v[3]};
  }

  void DecodeBoxes() {
    llvm::Type* f64 = b_.getDoubleTy();
    auto d = [&](Value* v) { return b_.CreateFPExt(v, f64); };
    auto c = [&](double v) { return llvm::ConstantFP::get(f64, v); };
    const int64_t stride = ctx_.input(kEncodings).dim(2);
    e_.For(0, l_.n, 1, [&](Value* i) {
      Value* enc = b_.CreateMul(i, e_.I64(stride));
      Value* anc = b_.CreateMul(i, e_.I64(4));
      auto coord = [&](int input, Value* base, int k) {
        return d(LoadFloat(input, b_.CreateAdd(base, e_.I64(k))));
      };
      Value* y = coord(kEncodings, enc, 0), *x = coord(kEncodings, enc, 1);
      Value* h = coord(kEncodings, enc, 2), *w = coord(kEncodings, enc, 3);
      Value* ay = coord(kAnchors, anc, 0), *ax = coord(kAnchors, anc, 1);
      Value* ah = coord(kAnchors, anc, 2), *aw = coord(kAnchors, anc, 3);
      auto center = [&](Value* v, double scale, Value* size, Value* origin) {
        return b_.CreateFPTrunc(
            b_.CreateFAdd(b_.CreateFMul(b_.CreateFDiv(v, c(scale)), size), origin), f32_);
      };
      auto half = [&](Value* v, double scale, Value* size) {
        Value* grown = b_.CreateFMul(c(0.5), ExpF64(e_, b_.CreateFDiv(v, c(scale))));
        return b_.CreateFPTrunc(b_.CreateFMul(grown, size), f32_);
      };
      Value* yc = center(y, o_.y_scale, ah, ay);
      Value* xc = center(x, o_.x_scale, aw, ax);
      Value* hh = half(h, o_.h_scale, ah);
      Value* hw = half(w, o_.w_scale, aw);
      Value* corners[4] = {b_.CreateFSub(yc, hh), b_.CreateFSub(xc, hw), b_.CreateFAdd(yc, hh),
                           b_.CreateFAdd(xc, hw)};
      for (int k = 0; k < 4; ++k) decoded_.Store(b_.CreateAdd(anc, e_.I64(k)), corners[k]);
    }, "decode");
  }

  // TFLite refuses (fails the invoke on) any decoded box with min > max.
  void ValidateBoxes() {
    llvm::AllocaInst* bad = e_.Alloca(b_.getInt1Ty(), "bad_box");
    b_.CreateStore(b_.getFalse(), bad);
    e_.For(0, l_.n, 1, [&](Value* i) {
      nms::Box box = DecodedBox(i);
      Value* inverted = b_.CreateOr(b_.CreateFCmpOGT(box.ymin, box.ymax),
                                    b_.CreateFCmpOGT(box.xmin, box.xmax));
      b_.CreateStore(b_.CreateOr(b_.CreateLoad(b_.getInt1Ty(), bad), inverted), bad);
    }, "validate");
    e_.If(b_.CreateLoad(b_.getInt1Ty(), bad), [&] {
      e_.ReportError("TFLite_Detection_PostProcess: a decoded box has ymin > ymax or xmin > xmax");
    });
  }

  // TFLite's single-class NMS over score(row): keeps scores >= threshold,
  // sorts them (stable, decreasing), then greedily selects up to `limit`
  // boxes, dropping those with IoU > threshold against a selection. Writes
  // the selected box indices to selected_ and returns their count (i64).
  Value* SingleClassNms(const std::function<Value*(Value*)>& score, int64_t limit) {
    llvm::AllocaInst* kept = e_.Alloca(i64_, "kept");
    b_.CreateStore(e_.I64(0), kept);
    Value* threshold = e_.F32(o_.score_threshold);
    e_.For(0, l_.n, 1, [&](Value* row) {
      e_.If(b_.CreateFCmpOGE(score(row), threshold), [&] {
        Value* k = b_.CreateLoad(i64_, kept);
        keep_.Store(k, b_.CreateTrunc(row, i32_));
        b_.CreateStore(b_.CreateAdd(k, e_.I64(1)), kept);
      });
    }, "keep");
    Value* num_kept = b_.CreateLoad(i64_, kept);
    // A stable sort by decreasing score = any sort by (score down, index up).
    nms::EmitPartialSort(e_, keep_, num_kept, num_kept, [&](Value* x, Value* y) {
      Value* sx = score(b_.CreateSExt(x, i64_));
      Value* sy = score(b_.CreateSExt(y, i64_));
      Value* tie = b_.CreateAnd(b_.CreateFCmpOEQ(sx, sy), b_.CreateICmpSLT(x, y));
      return b_.CreateOr(b_.CreateFCmpOGT(sx, sy), tie);
    });
    Value* output_size = e_.Min(num_kept, e_.I64(limit));
    e_.For(e_.I64(0), num_kept, 1, [&](Value* i) { active_.Store(i, b_.getInt32(1)); }, "active");
    llvm::AllocaInst* num_active = e_.Alloca(i64_, "num_active");
    llvm::AllocaInst* count = e_.Alloca(i64_, "num_selected");
    llvm::AllocaInst* pos = e_.Alloca(i64_, "candidate");
    b_.CreateStore(num_kept, num_active);
    b_.CreateStore(e_.I64(0), count);
    b_.CreateStore(e_.I64(0), pos);
    auto load = [&](llvm::AllocaInst* v) { return b_.CreateLoad(i64_, v); };
    auto dec = [&](llvm::AllocaInst* v) { b_.CreateStore(b_.CreateSub(load(v), e_.I64(1)), v); };
    Value* iou_threshold = e_.F32(o_.iou_threshold);
    EmitWhile(e_, [&] {
      Value* more = b_.CreateICmpSLT(load(pos), num_kept);
      more = b_.CreateAnd(more, b_.CreateICmpSGT(load(num_active), e_.I64(0)));
      return b_.CreateAnd(more, b_.CreateICmpSLT(load(count), output_size));
    }, [&] {
      Value* i = load(pos);
      e_.If(b_.CreateICmpEQ(active_.Load(i), b_.getInt32(1)), [&] {
        Value* box_i = keep_.Load(i);
        Value* k = load(count);
        selected_.Store(k, box_i);
        b_.CreateStore(b_.CreateAdd(k, e_.I64(1)), count);
        active_.Store(i, b_.getInt32(0));
        dec(num_active);
        nms::Box a = DecodedBox(b_.CreateSExt(box_i, i64_));
        e_.For(b_.CreateAdd(i, e_.I64(1)), num_kept, 1, [&](Value* j) {
          e_.If(b_.CreateICmpEQ(active_.Load(j), b_.getInt32(1)), [&] {
            nms::Box other = DecodedBox(b_.CreateSExt(keep_.Load(j), i64_));
            e_.If(b_.CreateFCmpOGT(nms::Iou(e_, a, other), iou_threshold), [&] {
              active_.Store(j, b_.getInt32(0));
              dec(num_active);
            });
          });
        }, "suppress");
      });
      b_.CreateStore(b_.CreateAdd(i, e_.I64(1)), pos);
    });
    return load(count);
  }

  void StoreDetection(Value* slot, const nms::Box& box, Value* cls, Value* score) {
    Value* zero = e_.I64(0);
    Value* corners[4] = {box.ymin, box.xmin, box.ymax, box.xmax};
    for (int k = 0; k < 4; ++k) {
      Value* index[3] = {zero, slot, e_.I64(k)};
      e_.StoreOutput(corners[k], index, 0);
    }
    Value* index[2] = {zero, slot};
    e_.StoreOutput(cls, index, 1);
    e_.StoreOutput(score, index, 2);
  }

  void StoreCount(Value* count) {
    Value* zero = e_.I64(0);
    e_.StoreOutput(b_.CreateSIToFP(count, f32_), {&zero, 1}, 3);
  }

  void FastNms() {
    ScratchArray max_scores(e_, f32_, l_.max_scores);
    ScratchArray order(e_, i32_, l_.class_order);
    const int64_t per_anchor = o_.max_classes_per_detection;
    const int64_t categories = std::min<int64_t>(per_anchor, l_.classes);
    Value* count = e_.I64(0);
    if (l_.n > 0 && l_.max_det > 0) {
      // The best class score of each anchor (the first best on ties).
      e_.For(0, l_.n, 1, [&](Value* row) {
        llvm::AllocaInst* best = e_.Alloca(f32_, "best");
        b_.CreateStore(Score(row, e_.I64(0)), best);
        e_.For(1, l_.classes, 1, [&](Value* cls) {
          Value* s = Score(row, cls);
          Value* cur = b_.CreateLoad(f32_, best);
          b_.CreateStore(b_.CreateSelect(b_.CreateFCmpOGT(s, cur), s, cur), best);
        }, "cls");
        max_scores.Store(row, b_.CreateLoad(f32_, best));
      }, "best");
      count = SingleClassNms([&](Value* row) { return max_scores.Load(row); }, l_.max_det);
    }
    const int64_t slots = l_.max_det * per_anchor;
    if (slots == 0) {
      StoreCount(count);
      return;
    }
    e_.For(0, l_.max_det, 1, [&](Value* det) {
      Value* valid = b_.CreateICmpSLT(det, count);
      Value* anchor = b_.CreateSExt(selected_.Load(b_.CreateSelect(valid, det, e_.I64(0))), i64_);
      e_.If(valid, [&] {
        // The anchor's top classes, ordered as TFLite's partial sort leaves them.
        e_.For(0, l_.classes, 1, [&](Value* c) { order.Store(c, b_.CreateTrunc(c, i32_)); }, "iota");
        nms::EmitPartialSort(e_, order, e_.I64(l_.classes), e_.I64(categories),
                             [&](Value* x, Value* y) {
          return b_.CreateFCmpOGT(Score(anchor, b_.CreateSExt(x, i64_)),
                                  Score(anchor, b_.CreateSExt(y, i64_)));
        });
      });
      nms::Box box = DecodedBox(anchor);
      e_.For(0, per_anchor, 1, [&](Value* col) {
        Value* slot = b_.CreateAdd(b_.CreateMul(det, e_.I64(per_anchor)), col);
        Value* real = b_.CreateAnd(valid, b_.CreateICmpSLT(col, e_.I64(categories)));
        Value* cls = b_.CreateSExt(order.Load(b_.CreateSelect(real, col, e_.I64(0))), i64_);
        Value* score = Score(anchor, b_.CreateSelect(real, cls, e_.I64(0)));
        auto pick = [&](Value* v) { return b_.CreateSelect(real, v, e_.F32(0)); };
        StoreDetection(slot, {pick(box.ymin), pick(box.xmin), pick(box.ymax), pick(box.xmax)},
                       pick(b_.CreateSIToFP(cls, f32_)), pick(score));
      }, "col");
    }, "det");
    StoreCount(count);
  }

  // Each class's selections (already in decreasing score order) are merged
  // into the best max_detections so far, a stable merge: on equal scores the
  // earlier classes stay first (what LiteRT's kernel gives, checked by the
  // tied-score tests).
  void RegularNms() {
    ScratchArray m_box(e_, i32_, l_.m_box), m_class(e_, i32_, l_.m_class);
    ScratchArray m_score(e_, f32_, l_.m_score);
    ScratchArray t_box(e_, i32_, l_.t_box), t_class(e_, i32_, l_.t_class);
    ScratchArray t_score(e_, f32_, l_.t_score);
    llvm::AllocaInst* size = e_.Alloca(i64_, "num_sorted");
    llvm::AllocaInst* old_at = e_.Alloca(i64_, "merge_old");
    llvm::AllocaInst* new_at = e_.Alloca(i64_, "merge_new");
    llvm::AllocaInst* out_at = e_.Alloca(i64_, "merge_out");
    auto load = [&](llvm::AllocaInst* v) { return b_.CreateLoad(i64_, v); };
    auto inc = [&](llvm::AllocaInst* v) { b_.CreateStore(b_.CreateAdd(load(v), e_.I64(1)), v); };
    b_.CreateStore(e_.I64(0), size);
    const int64_t per_class = std::min(o_.detections_per_class, o_.max_detections);
    if (l_.n > 0) {
      e_.For(0, l_.classes, 1, [&](Value* cls) {
        auto score = [&](Value* row) { return Score(row, cls); };
        Value* picked = SingleClassNms(score, per_class);
        Value* old_size = load(size);
        b_.CreateStore(e_.I64(0), old_at);
        b_.CreateStore(e_.I64(0), new_at);
        b_.CreateStore(e_.I64(0), out_at);
        EmitWhile(e_, [&] {
          Value* more = b_.CreateOr(b_.CreateICmpSLT(load(old_at), old_size),
                                    b_.CreateICmpSLT(load(new_at), picked));
          return b_.CreateAnd(more, b_.CreateICmpSLT(load(out_at), e_.I64(l_.max_det)));
        }, [&] {
          Value* i = load(old_at);
          Value* j = load(new_at);
          Value* has_old = b_.CreateICmpSLT(i, old_size);
          Value* has_new = b_.CreateICmpSLT(j, picked);
          Value* old_i = b_.CreateSelect(has_old, i, e_.I64(0));
          Value* new_j = b_.CreateSelect(has_new, j, e_.I64(0));
          Value* new_box = selected_.Load(new_j);
          Value* new_score = score(b_.CreateSExt(new_box, i64_));
          Value* old_score = m_score.Load(old_i);
          Value* take_new = b_.CreateAnd(
              has_new, b_.CreateOr(b_.CreateNot(has_old), b_.CreateFCmpOGT(new_score, old_score)));
          Value* out = load(out_at);
          t_box.Store(out, b_.CreateSelect(take_new, new_box, m_box.Load(old_i)));
          t_class.Store(out, b_.CreateSelect(take_new, b_.CreateTrunc(cls, i32_), m_class.Load(old_i)));
          t_score.Store(out, b_.CreateSelect(take_new, new_score, old_score));
          inc(out_at);
          e_.If(take_new, [&] { inc(new_at); });
          e_.If(b_.CreateNot(take_new), [&] { inc(old_at); });
        });
        Value* merged = load(out_at);
        e_.For(e_.I64(0), merged, 1, [&](Value* r) {
          m_box.Store(r, t_box.Load(r));
          m_class.Store(r, t_class.Load(r));
          m_score.Store(r, t_score.Load(r));
        }, "copy");
        b_.CreateStore(merged, size);
      }, "class");
    }
    Value* count = load(size);
    // TFLite sizes the outputs for max_detections * max_classes_per_detection
    // but regular NMS fills max_detections of them; the rest are zeros.
    const int64_t slots = l_.max_det * o_.max_classes_per_detection;
    e_.For(0, slots, 1, [&](Value* slot) {
      Value* valid = b_.CreateICmpSLT(slot, count);
      Value* at = b_.CreateSelect(valid, slot, e_.I64(0));
      nms::Box box = DecodedBox(b_.CreateSExt(m_box.Load(at), i64_));
      auto pick = [&](Value* v) { return b_.CreateSelect(valid, v, e_.F32(0)); };
      StoreDetection(slot, {pick(box.ymin), pick(box.xmin), pick(box.ymax), pick(box.xmax)},
                     pick(b_.CreateSIToFP(m_class.Load(at), f32_)), pick(m_score.Load(at)));
    }, "out");
    StoreCount(count);
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  const NodeContext& ctx_;
  const Options& o_;
  Layout l_;
  llvm::Type* f32_;
  llvm::Type* i32_;
  llvm::Type* i64_;
  ScratchArray decoded_, keep_, active_, selected_;
  int64_t with_background_ = 0, label_offset_ = 0;
};

class DetectionPostProcessOp : public OpDef {
 public:
  std::string_view name() const override { return "TFLite_Detection_PostProcess"; }
  std::vector<int> builtin_codes() const override { return {}; }
  std::string_view custom_code() const override { return "TFLite_Detection_PostProcess"; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Options o, ReadOptions(ctx));
    JITLITE_RETURN_IF_ERROR(CheckOptions(o));
    JITLITE_RETURN_IF_ERROR(CheckInputs(ctx, o));
    const int32_t slots = o.max_detections * o.max_classes_per_detection;
    ctx.SetOutput(0, DType::kFloat32, {1, slots, 4});
    ctx.SetOutput(1, DType::kFloat32, {1, slots});
    ctx.SetOutput(2, DType::kFloat32, {1, slots});
    ctx.SetOutput(3, DType::kFloat32, {1});
    return Status::Ok();
  }

  int64_t ScratchBytes(const NodeContext& ctx) const override {
    auto o = ReadOptions(ctx);
    return o.ok() ? MakeLayout(ctx, o.value()).total : 0;
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Options o, ReadOptions(ctx));
    DetectionPostProcess(e, ctx, o).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& detection_postprocess_op() {
  static const DetectionPostProcessOp op;
  return op;
}

}  // namespace jitlite::ops
