// CAST: out = x converted to the output tensor's type (CastOptions are
// informational; TFLite uses the tensor types too), elementwise. Supported
// between FLOAT32, INT32, INT64, INT16, INT8, UINT8 and BOOL, with LiteRT's
// rules:
//  - float -> integer truncates toward zero and saturates at the target's
//    range; NaN gives the target's maximum;
//  - integer -> integer wraps (two's complement truncation or extension;
//    UINT8 extends with zeros);
//  - to BOOL: x != 0 (NaN is true, -0 false); from BOOL: 0 or 1.
// FLOAT16 and BFLOAT16 to and from FLOAT32 (round to nearest even).
// COMPLEX64 to any of the first seven casts its real part (as LiteRT; so
// 0 + 1i is false); to COMPLEX64 gives (x as FLOAT32) + 0i. Other
// types TFLite casts (halves to integers, UINT16, UINT32, FLOAT64, ...) come
// later.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/complex.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

bool IsSupported(DType t) {
  switch (t) {
    case DType::kFloat32: case DType::kInt32: case DType::kInt64: case DType::kInt16:
    case DType::kInt8: case DType::kUInt8: case DType::kBool:
      return true;
    default:
      return false;
  }
}

// FLOAT16/BFLOAT16 <-> FLOAT32: elements are float32 in registers, so the
// loop's load and store do the conversion.
bool IsComplexCast(DType from, DType to) {
  return (from == DType::kComplex64 && (to == from || IsSupported(to))) ||
         (to == DType::kComplex64 && IsSupported(from));
}

bool IsHalfFloatCast(DType from, DType to) {
  auto half = [](DType t) { return t == DType::kFloat16 || t == DType::kBFloat16; };
  return (half(from) && (to == DType::kFloat32 || to == from)) ||
         (half(to) && from == DType::kFloat32);
}

// One element of a constant as a double (floats) or an int64 (integers).
struct Scalar {
  bool is_float = false;
  double f = 0.0;
  int64_t i = 0;
};

Scalar ReadScalar(const TensorState& t, int64_t k) {
  switch (t.dtype) {
    case DType::kFloat32: return {true, t.const_as<float>()[k], 0};
    case DType::kInt32: return {false, 0, t.const_as<int32_t>()[k]};
    case DType::kInt64: return {false, 0, t.const_as<int64_t>()[k]};
    case DType::kInt16: return {false, 0, t.const_as<int16_t>()[k]};
    case DType::kInt8: return {false, 0, t.const_as<int8_t>()[k]};
    default: return {false, 0, t.const_as<uint8_t>()[k]};  // UINT8, BOOL (0 or 1)
  }
}

template <typename T>
void WriteInt(const Scalar& v, uint8_t* dst) {
  T out;
  if (!v.is_float) {
    out = static_cast<T>(v.i);  // wraps
  } else if (std::isnan(v.f)) {
    out = std::numeric_limits<T>::max();
  } else {
    double x = std::trunc(v.f);
    x = std::min(std::max(x, static_cast<double>(std::numeric_limits<T>::lowest())),
                 static_cast<double>(std::numeric_limits<T>::max()));
    out = static_cast<T>(x);
  }
  std::memcpy(dst, &out, sizeof out);
}

void WriteScalar(const Scalar& v, DType to, uint8_t* dst) {
  switch (to) {
    case DType::kFloat32: {
      float f = v.is_float ? static_cast<float>(v.f) : static_cast<float>(v.i);
      std::memcpy(dst, &f, sizeof f);
      return;
    }
    case DType::kBool: *dst = v.is_float ? (v.f != 0.0 || std::isnan(v.f)) : v.i != 0; return;
    case DType::kInt32: return WriteInt<int32_t>(v, dst);
    case DType::kInt64: return WriteInt<int64_t>(v, dst);
    case DType::kInt16: return WriteInt<int16_t>(v, dst);
    case DType::kInt8: return WriteInt<int8_t>(v, dst);
    default: return WriteInt<uint8_t>(v, dst);
  }
}

// Constants up to this many elements are cast at allocate time (shape
// arithmetic on pinned inputs); larger ones run as code.
constexpr int64_t kMaxFoldedElements = 1 << 16;

class CastOp : public OpDef {
 public:
  std::string_view name() const override { return "CAST"; }
  std::vector<int> builtin_codes() const override { return {53}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType from = ctx.input(0).dtype;
    DType to = ctx.output(0).dtype;
    if (!(IsSupported(from) && IsSupported(to)) && !IsHalfFloatCast(from, to) &&
        !IsComplexCast(from, to)) {
      return Unimplemented(std::string("CAST from ") + DTypeName(from) + " to " + DTypeName(to) +
                           " is not supported by jitlite yet; supported types: FLOAT32, INT32, "
                           "INT64, INT16, INT8, UINT8, BOOL; FLOAT16 and BFLOAT16 to and from "
                           "FLOAT32; COMPLEX64 to and from those seven");
    }
    ctx.SetOutput(0, to, ctx.input(0).shape);
    return Status::Ok();
  }

  // Half and complex casts are not folded (the scalar folder reads and
  // writes only the other types); they run as code.
  bool CanFold(const NodeContext& ctx) const override {
    return !IsHalfFloatCast(ctx.input(0).dtype, ctx.output(0).dtype) &&
           !IsComplexCast(ctx.input(0).dtype, ctx.output(0).dtype) &&
           ctx.input(0).is_constant() && ctx.input(0).num_elements() <= kMaxFoldedElements;
  }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const TensorState& in = ctx.input(0);
    const int64_t n = in.num_elements();
    if (in.const_bytes < static_cast<size_t>(n) * DTypeSize(in.dtype)) {
      return InvalidArgument("constant input 0 has too little data");
    }
    const DType to = ctx.output(0).dtype;
    const size_t size = DTypeSize(to);
    out.assign(static_cast<size_t>(n) * size, 0);
    for (int64_t k = 0; k < n; ++k) WriteScalar(ReadScalar(in, k), to, out.data() + k * size);
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const DType from = ctx.input(0).dtype;
    const DType to = ctx.output(0).dtype;
    if (from == DType::kComplex64 && to != from) {
      return EmitCast(e, SplitComplex(e.b(), v[0]).real, DType::kFloat32, to);
    }
    if (to == DType::kComplex64 && to != from) {
      return JoinComplex(e.b(), EmitCast(e, v[0], from, DType::kFloat32),
                         llvm::ConstantFP::get(e.b().getFloatTy(), 0.0));
    }
    return EmitCast(e, v[0], from, to);
  }

 private:
  static llvm::Value* EmitCast(jit::ElementEmitter& e, llvm::Value* x, DType from, DType to) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* out_type = jit::ElementType(e.context(), to);
    if (from == to || IsHalfFloatCast(from, to)) return x;  // load/store convert halves
    if (to == DType::kBool) {
      return IsFloat(x) ? b.CreateFCmpUNE(x, llvm::ConstantFP::get(x->getType(), 0.0))
                        : b.CreateICmpNE(x, llvm::ConstantInt::get(x->getType(), 0));
    }
    // BOOL (i1) and UINT8 are unsigned sources; every other integer is signed.
    bool unsigned_src = from == DType::kBool || from == DType::kUInt8;
    if (to == DType::kFloat32) {
      return unsigned_src ? b.CreateUIToFP(x, out_type) : b.CreateSIToFP(x, out_type);
    }
    if (!IsFloat(x)) return b.CreateIntCast(x, out_type, /*isSigned=*/!unsigned_src);
    return FloatToInt(e, x, to, out_type);
  }

  // Truncation toward zero, saturating at the target's range (the .sat
  // intrinsics); those map NaN to 0 where LiteRT gives the maximum.
  static llvm::Value* FloatToInt(jit::ElementEmitter& e, llvm::Value* x, DType to,
                                 llvm::Type* out_type) {
    llvm::IRBuilder<>& b = e.b();
    bool is_unsigned = to == DType::kUInt8;
    auto id = is_unsigned ? llvm::Intrinsic::fptoui_sat : llvm::Intrinsic::fptosi_sat;
    llvm::Value* i = b.CreateIntrinsic(id, {out_type, x->getType()}, {x});
    unsigned bits = out_type->getIntegerBitWidth();
    llvm::APInt max = is_unsigned ? llvm::APInt::getMaxValue(bits)
                                  : llvm::APInt::getSignedMaxValue(bits);
    return b.CreateSelect(b.CreateFCmpUNO(x, x), llvm::ConstantInt::get(out_type, max), i);
  }
};

}  // namespace

const OpDef& cast_op() {
  static const CastOp op;
  return op;
}

}  // namespace jitlite::ops
