// EMBEDDING_LOOKUP: rows of a table (input 1, rank >= 2) picked by ids
// (input 0, 1-D INT32): out[i, ...] = table[ids[i], ...]. Tables of
// FLOAT32, and INT8/UINT8 raw copies (output of the table's type and
// quantization); TFLite's hybrid form (INT8/UINT8 table, FLOAT32 output,
// dequantized) is Unimplemented. Runtime ids out of range fail the invoke
// as in TFLite (the kernel clamps them); constant ones are rejected here.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

Status Check(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  const TensorState& ids = ctx.input(0);
  const TensorState& table = ctx.input(1);
  if (ids.dtype != DType::kInt32 || ids.rank() != 1) {
    return InvalidArgument(std::string("ids (input 0) are ") + DTypeName(ids.dtype) +
                           ShapeToString(ids.shape) +
                           "; EMBEDDING_LOOKUP takes a 1-D INT32 tensor");
  }
  if (table.rank() < 2) {
    return InvalidArgument("table (input 1) has shape " + ShapeToString(table.shape) +
                           "; EMBEDDING_LOOKUP needs rank >= 2");
  }
  const bool quantized = table.dtype == DType::kInt8 || table.dtype == DType::kUInt8;
  if (quantized && ctx.output(0).dtype == DType::kFloat32) {
    return Unimplemented("the hybrid EMBEDDING_LOOKUP (quantized table, FLOAT32 output, "
                         "dequantized rows) is not supported yet");
  }
  const bool float_table = table.dtype == DType::kFloat32 || table.dtype == DType::kFloat16 ||
                           table.dtype == DType::kBFloat16;
  // COMPLEX64 rows are copied like float ones (LiteRT accepts them too).
  if (!float_table && !quantized && table.dtype != DType::kComplex64) {
    return InvalidArgument(std::string("table (input 1) has type ") + DTypeName(table.dtype) +
                           "; TFLite's EMBEDDING_LOOKUP takes FLOAT32, FLOAT16, BFLOAT16, INT8 "
                           "or UINT8");
  }
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 1, "EMBEDDING_LOOKUP", /*half_floats=*/true,
                                         /*complex64=*/true));
  if (table.dim(0) == 0 && ids.dim(0) > 0) {
    return InvalidArgument("the table has no rows, so every id is out of range");
  }
  if (ids.is_constant()) {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(ids, "ids"));
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] < 0 || v[i] >= table.dim(0)) {
        return InvalidArgument("ids[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                               " is out of range for a table of " + std::to_string(table.dim(0)) +
                               " rows");
      }
    }
  }
  return Status::Ok();
}

class EmbeddingLookupOp : public OpDef {
 public:
  std::string_view name() const override { return "EMBEDDING_LOOKUP"; }
  std::vector<int> builtin_codes() const override { return {7}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(Check(ctx));
    Shape out = ctx.input(1).shape;
    out[0] = ctx.input(0).dim(0);
    ctx.SetOutput(0, ctx.input(1).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(Check(ctx));
    const Shape& out = ctx.output(0).shape;
    if (NumElements(out) == 0) return Status::Ok();
    const int64_t rows = ctx.input(1).dim(0);
    const int64_t row = NumElements(out) / out[0];
    llvm::IRBuilder<>& b = e.b();
    std::vector<Value*> idx(out.size());
    e.For(0, out[0], 1, [&](Value* i) {
      idx[0] = i;
      Value* id = b.CreateSExt(e.LoadInput(0, i), b.getInt64Ty());
      id = e.CheckedIndex(id, rows, "EMBEDDING_LOOKUP: id out of range (" +
                          std::to_string(rows) + " rows)");
      Value* base = b.CreateMul(id, e.I64(row));
      EmitIndexNest(e, out, 1, idx, [&] {
        Value* inner = jit::LinearOffsetOf(b, Shape(out.begin() + 1, out.end()),
                                           std::vector<Value*>(idx.begin() + 1, idx.end()));
        e.StoreOutput(e.LoadInput(1, b.CreateAdd(base, inner)), idx);
      });
    }, "id");
    return Status::Ok();
  }
};

}  // namespace

const OpDef& embedding_lookup_op() {
  static const EmbeddingLookupOp op;
  return op;
}

}  // namespace jitlite::ops
