// SPARSE_TO_DENSE: a dense tensor of shape output_shape (input 1, INT32/INT64
// vector; constant or a graph input: compiled per value) filled with
// default_value (input 3, one element) except at the positions listed in
// indices (input 0, INT32/INT64): [N, D] holds N index tuples of D = rank
// components, [N] or a scalar indexes a 1-D output. values (input 2): a
// scalar put at every position, or a vector of N. Indices are written in
// order, so a repeated one keeps its last value (TFLite's result; like TFLite,
// validate_indices does not enforce sorted, unique indices).
// Values: FLOAT32, INT32, INT64 and INT8/UINT8 raw copies.
//
// Beyond TFLite: any output rank up to 8 (TFLite: 4), and a scalar value
// with several indices (TFLite refuses it). TFLite writes out-of-range
// indices out of bounds; jitlite fails the invoke on them (and never writes
// out of bounds); constant ones are rejected at allocate.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kIndices = 0, kShape = 1, kValues = 2, kDefault = 3;

struct SparsePlan {
  Shape out;
  int64_t count = 0;  // N
  int tuple = 1;      // index components per position (the output rank)
  bool scalar_value = false;
};

Status CheckTypes(const NodeContext& ctx) {
  const TensorState& values = ctx.input(kValues);
  const DType t = values.dtype;
  if (t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt64 && t != DType::kInt8 &&
      t != DType::kUInt8) {
    return InvalidArgument(std::string("values (input 2) have type ") + DTypeName(t) +
                           "; TFLite's SPARSE_TO_DENSE takes FLOAT32, INT32, INT64, INT8, UINT8");
  }
  if ((t == DType::kInt8 || t == DType::kUInt8) &&
      !SameQuantization(values.quant, ctx.output(0).quant)) {
    return Unimplemented(std::string("SPARSE_TO_DENSE on ") + DTypeName(t) +
                         " with the output quantized differently from the values would need "
                         "requantization, which jitlite does not support (raw copies only)");
  }
  if (ctx.input(kDefault).dtype != t) {
    return InvalidArgument(std::string("default_value (input 3) has type ") +
                           DTypeName(ctx.input(kDefault).dtype) + "; it must have the values' type");
  }
  for (int i : {kIndices, kShape}) {
    const DType d = ctx.input(i).dtype;
    if (d != DType::kInt32 && d != DType::kInt64) {
      return InvalidArgument(std::string(i == kIndices ? "indices (input 0)" : "output_shape "
                                         "(input 1)") + " have type " + DTypeName(d) +
                             "; SPARSE_TO_DENSE takes INT32 or INT64");
    }
  }
  return Status::Ok();
}

StatusOr<Shape> ReadOutputShape(const NodeContext& ctx) {
  const TensorState& t = ctx.input(kShape);
  if (t.rank() != 1 || t.dim(0) > 8) {
    return InvalidArgument("output_shape (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected a vector of at most 8 dims");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadConstInts(t, "output_shape (input 1)"));
  Shape out;
  for (int64_t d : dims) {
    if (d < 0 || d > INT32_MAX) {
      return InvalidArgument("output_shape has a bad size " + std::to_string(d));
    }
    out.push_back(static_cast<int32_t>(d));
  }
  return out;
}

Status CheckIndexShapes(const NodeContext& ctx, SparsePlan& p) {
  const TensorState& indices = ctx.input(kIndices);
  const TensorState& values = ctx.input(kValues);
  const int rank = static_cast<int>(p.out.size());
  if (indices.rank() > 2 || values.rank() > 1 || ctx.input(kDefault).num_elements() != 1) {
    return InvalidArgument("indices " + ShapeToString(indices.shape) + ", values " +
                           ShapeToString(values.shape) + ", default_value " +
                           ShapeToString(ctx.input(kDefault).shape) +
                           ": need indices of rank <= 2, values of rank <= 1, one default value");
  }
  p.count = indices.rank() == 0 ? 1 : indices.dim(0);
  p.tuple = indices.rank() == 2 ? indices.dim(1) : 1;
  if (p.tuple != rank) {
    return InvalidArgument("indices " + ShapeToString(indices.shape) + " give " +
                           std::to_string(p.tuple) + " components per position but the output " +
                           ShapeToString(p.out) + " has rank " + std::to_string(rank));
  }
  p.scalar_value = values.rank() == 0;
  if (!p.scalar_value && values.dim(0) != p.count) {
    return InvalidArgument("values (input 2) have shape " + ShapeToString(values.shape) +
                           "; expected a scalar or one value per index (" +
                           std::to_string(p.count) + ")");
  }
  return Status::Ok();
}

Status CheckConstIndices(const NodeContext& ctx, const SparsePlan& p) {
  const TensorState& t = ctx.input(kIndices);
  if (!t.is_constant()) return Status::Ok();
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(t, "indices (input 0)"));
  for (size_t i = 0; i < v.size(); ++i) {
    const int32_t dim = p.out[i % p.tuple];
    if (v[i] < 0 || v[i] >= dim) {
      return InvalidArgument("indices[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                             " is out of range for output dim " + std::to_string(i % p.tuple) +
                             " of size " + std::to_string(dim));
    }
  }
  return Status::Ok();
}

StatusOr<SparsePlan> Plan(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(4, 4));
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  SparsePlan p;
  JITLITE_ASSIGN_OR_RETURN(p.out, ReadOutputShape(ctx));
  JITLITE_RETURN_IF_ERROR(CheckIndexShapes(ctx, p));
  JITLITE_RETURN_IF_ERROR(CheckConstIndices(ctx, p));
  return p;
}

// The output position of index i: its components, each checked against its
// dim (reported when `report`) and clamped.
std::vector<Value*> PositionOf(jit::KernelEmitter& e, const SparsePlan& p, Value* i, bool report) {
  llvm::IRBuilder<>& b = e.b();
  const std::string message = "SPARSE_TO_DENSE: index out of range for output shape " +
                              ShapeToString(p.out);
  std::vector<Value*> at;
  for (int c = 0; c < p.tuple; ++c) {
    Value* offset = b.CreateAdd(b.CreateMul(i, e.I64(p.tuple)), e.I64(c));
    Value* v = b.CreateSExt(e.LoadInput(kIndices, offset), b.getInt64Ty());
    at.push_back(report ? e.CheckedIndex(v, p.out[c], message)
                        : e.Clamp(v, e.I64(0), e.I64(p.out[c] - 1)));
  }
  return at;
}

Value* ValueOf(jit::KernelEmitter& e, const SparsePlan& p, Value* i) {
  return e.LoadInput(kValues, p.scalar_value ? e.I64(0) : i);
}

// Plain output buffer: fill with the default, then write every index in order.
void EmitInPlace(jit::KernelEmitter& e, const SparsePlan& p) {
  llvm::IRBuilder<>& b = e.b();
  const DType dtype = e.node().output(0).dtype;
  Value* out = e.OutputPtr(0);
  Value* fill = e.LoadInput(kDefault, e.I64(0));
  e.For(0, NumElements(p.out), 1, [&](Value* k) { jit::StoreElement(b, dtype, fill, out, k); },
        "fill");
  e.For(0, p.count, 1, [&](Value* i) {
    std::vector<Value*> at = PositionOf(e, p, i, true);
    jit::StoreElement(b, dtype, ValueOf(e, p, i), out, e.LinearOffset(p.out, at));
  }, "index");
}

// A fused epilogue follows: every output element once, through StoreOutput,
// holding the value of the last index that names it (or the default).
void EmitPerElement(jit::KernelEmitter& e, const SparsePlan& p) {
  llvm::IRBuilder<>& b = e.b();
  e.For(0, p.count, 1, [&](Value* i) { PositionOf(e, p, i, true); }, "check");
  llvm::Type* t = jit::ElementType(e.context(), e.node().output(0).dtype);
  llvm::AllocaInst* acc = e.Alloca(t, "value");
  EmitIndexLoops(e, p.out, [&](const std::vector<Value*>& index) {
    Value* flat = e.LinearOffset(p.out, index);
    b.CreateStore(e.LoadInput(kDefault, e.I64(0)), acc);
    e.For(0, p.count, 1, [&](Value* i) {
      Value* hit = b.CreateICmpEQ(e.LinearOffset(p.out, PositionOf(e, p, i, false)), flat);
      e.If(hit, [&] { b.CreateStore(ValueOf(e, p, i), acc); });
    }, "index");
    e.StoreOutput(b.CreateLoad(t, acc), index);
  });
}

class SparseToDenseOp : public OpDef {
 public:
  std::string_view name() const override { return "SPARSE_TO_DENSE"; }
  std::vector<int> builtin_codes() const override { return {68}; }
  OpKind kind() const override { return OpKind::kKernel; }
  // TFLite gives the output the values' type, whatever the model declares.
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SparsePlan p, Plan(ctx));
    ctx.SetOutput(0, ctx.input(kValues).dtype, p.out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SparsePlan p, Plan(ctx));
    if (NumElements(p.out) == 0) {
      // Nothing to write, and every index is out of range.
      if (p.count > 0) {
        e.ReportError("SPARSE_TO_DENSE: index out of range for output shape " +
                      ShapeToString(p.out));
      }
      return Status::Ok();
    }
    if (e.stores_directly()) {
      EmitInPlace(e, p);
    } else {
      EmitPerElement(e, p);
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& sparse_to_dense_op() {
  static const SparseToDenseOp op;
  return op;
}

}  // namespace jitlite::ops
