// The float LSTM cell (see ops/util/lstm_cell.h).
//
// Per step row: one pass over the cells computes every gate's
// pre-activation (the input and recurrent dot products of the four gates
// share their vector loads) into stack rows; layer norm, when present, then
// normalizes whole gate rows; a second pass updates the cell state in place;
// a third computes the output gate and the hidden state, which goes to the
// output state and output 0 (through a projection when there is one).
#include "ops/util/lstm_cell.h"

#include <memory>
#include <string>
#include <vector>

#include "ops/util/hybrid.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::lstm {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::LoadF32;
using recurrent::MulI;
using recurrent::StoreF32;

const char* const kGateNames[] = {"input", "forget", "cell", "output"};

std::string GateWhat(const char* kind, int gate) {
  return std::string(kind) + "-to-" + kGateNames[gate] + " weights";
}

// Peephole tensor of a gate (the cell gate has none).
int Peephole(int gate) {
  return gate == kInputGate ? 9 : gate == kForgetGate ? 10 : 11;
}

// The checks of one cell's operands; `c` collects what they decide.
class CellChecker {
 public:
  CellChecker(const NodeContext& ctx, Cell& c) : ctx_(ctx), c_(c), ops_(c.operands) {}

  Status Run() {
    JITLITE_RETURN_IF_ERROR(CheckPresent());
    JITLITE_RETURN_IF_ERROR(CheckTypes());
    JITLITE_RETURN_IF_ERROR(CheckSizes());
    JITLITE_RETURN_IF_ERROR(CheckGates());
    JITLITE_RETURN_IF_ERROR(CheckPeepholes());
    JITLITE_RETURN_IF_ERROR(CheckProjection());
    return CheckLayerNorm();
  }

 private:
  bool Has(int cell_tensor) const { return ctx_.has_input(ops_.at(cell_tensor)); }
  Status Shape(int cell_tensor, const std::string& what, const jitlite::Shape& shape) const {
    return recurrent::CheckShape(ctx_, ops_.at(cell_tensor), what, shape);
  }
  std::string Index(int cell_tensor) const { return std::to_string(ops_.at(cell_tensor)); }

  Status CheckPresent() {
    for (int k : {2, 3, 4, 6, 7, 8, 13, 14, 15}) {
      if (!Has(k)) return InvalidArgument("required input " + Index(k) + " is missing");
    }
    return Status::Ok();
  }

  Status CheckTypes() {
    if (c_.options.integer) return CheckIntegerTypes();
    if (ctx_.input(ops_.input).dtype == DType::kFloat32) {
      for (int k = 1; k <= 17; ++k) {
        if (!IsHybridWeight(k) || !Has(k)) continue;
        JITLITE_RETURN_IF_ERROR(recurrent::RefuseUInt8HybridWeights(
            ctx_, ops_.at(k), "LSTM weights", "LSTM"));
      }
    }
    if (c_.options.hybrid) return CheckHybridTypes();
    return CheckFloatTypes();
  }

  // The float cell: input-to-output weights of another type than FLOAT32
  // (INT8 ones pick the hybrid cell) are Unimplemented; the other operands
  // must be FLOAT32 too.
  Status CheckFloatTypes() {
    const int w_out = kInputToGate + kOutputGate;
    DType w_type = ctx_.input(ops_.at(w_out)).dtype;
    if (w_type != DType::kFloat32) {
      return Unimplemented("input-to-output weights (input " + Index(w_out) + ") have type " +
                           DTypeName(w_type) + " with a FLOAT32 input: not supported (FLOAT32 "
                           "weights run the float LSTM, INT8 weights the hybrid one)");
    }
    for (int k = 1; k <= 17; ++k) {
      if (!Has(k)) continue;
      DType got = ctx_.input(ops_.at(k)).dtype;
      if (got != DType::kFloat32) {
        return InvalidArgument("LSTM operand (input " + Index(k) + ") has type " +
                               DTypeName(got) + ", but the input-to-output weights are FLOAT32: "
                               "the float LSTM takes FLOAT32 operands (the hybrid one, INT8 "
                               "weights throughout)");
      }
    }
    return Status::Ok();
  }

  // Recurrent weights read as a diagonal: rank 1 where the op allows it.
  bool IsDiagonal(int k) const {
    return c_.options.diagonal_recurrent && k >= kRecurrentToGate && k < kRecurrentToGate + 4 &&
           Has(k) && ctx_.input(ops_.at(k)).rank() == 1;
  }

  static bool IsHybridWeight(int k) { return k <= 11 || k == kProjectionWeights; }

  // TFLite's hybrid kernel reads every weight tensor (peephole and projection
  // too) as INT8 with its one scale, the biases as FLOAT32.
  Status CheckHybridTypes() {
    for (int k = 1; k <= 17; ++k) {
      if (!Has(k)) continue;
      const TensorState& t = ctx_.input(ops_.at(k));
      if (IsDiagonal(k)) {
        if (t.dtype == DType::kFloat32) continue;
        return Unimplemented("diagonal recurrent weights (input " + Index(k) + ") have type " +
                             DTypeName(t.dtype) + ": TFLite's hybrid LSTM reads diagonal "
                             "recurrent weights as FLOAT32 whatever their type (LiteRT's "
                             "result is not the model's), so jitlite takes FLOAT32 ones only");
      }
      const bool weights = IsHybridWeight(k);
      DType want = weights ? DType::kInt8 : DType::kFloat32;
      if (t.dtype != want) {
        return InvalidArgument("LSTM operand (input " + Index(k) + ") has type " +
                               DTypeName(t.dtype) + "; the hybrid LSTM (FLOAT32 input, INT8 "
                               "input-to-output weights) needs INT8 weights (peephole and "
                               "projection included) and FLOAT32 biases");
      }
      if (weights) JITLITE_RETURN_IF_ERROR(ReadHybridScale(k, t));
    }
    return Status::Ok();
  }

  Status ReadHybridScale(int k, const TensorState& t) {
    if (!HasQuantization(t)) {
      return InvalidArgument("INT8 LSTM weights (input " + Index(k) + ") have no quantization "
                             "parameters; the hybrid LSTM needs their scale");
    }
    if (t.quant->scales.size() != 1) {
      return InvalidArgument("INT8 LSTM weights (input " + Index(k) + ") have " +
                             std::to_string(t.quant->scales.size()) +
                             " scales; TFLite's hybrid LSTM reads one scale per weight tensor "
                             "(it takes per-channel scales as 0)");
    }
    c_.weight_scale[k] = t.quant->scales[0];
    return Status::Ok();
  }

  // TFLite's integer kernel: int8 weights, int16 peephole weights, int32
  // biases.
  Status CheckIntegerTypes() {
    for (int k = 1; k <= 17; ++k) {
      if (!Has(k)) continue;
      DType want = (k >= 9 && k <= 11) ? DType::kInt16
                   : ((k >= 12 && k <= 15) || k == 17) ? DType::kInt32
                                                       : DType::kInt8;
      DType got = ctx_.input(ops_.at(k)).dtype;
      if (got != want) {
        return InvalidArgument("LSTM operand (input " + Index(k) + ") has type " +
                               DTypeName(got) + "; the integer LSTM (int8 input) needs " +
                               DTypeName(want));
      }
    }
    return Status::Ok();
  }

  Status CheckSizes() {
    const TensorState& w_out = ctx_.input(ops_.at(kInputToGate + kOutputGate));
    const TensorState& r_out = ctx_.input(ops_.at(kRecurrentToGate + kOutputGate));
    const bool r_diagonal = IsDiagonal(kRecurrentToGate + kOutputGate);
    if (w_out.rank() != 2 || (r_out.rank() != 2 && !r_diagonal)) {
      return InvalidArgument("input-to-output and recurrent-to-output weights (inputs " +
                             Index(kInputToGate + kOutputGate) + " and " +
                             Index(kRecurrentToGate + kOutputGate) +
                             ") must be matrices, got shapes " + ShapeToString(w_out.shape) +
                             " and " + ShapeToString(r_out.shape));
    }
    c_.cell = w_out.dim(0);
    c_.output = r_diagonal ? r_out.dim(0) : r_out.dim(1);
    if (c_.cell < 1 || c_.output < 1) {
      return InvalidArgument("the LSTM needs at least one cell and one output, got weights " +
                             ShapeToString(w_out.shape) + " and " + ShapeToString(r_out.shape));
    }
    return Status::Ok();
  }

  // Gate weights, biases and the all-or-none rules of TFLite's
  // CheckInputTensorDimensions.
  Status CheckGates() {
    const int32_t n = static_cast<int32_t>(c_.cell);
    for (int g = 0; g < 4; ++g) {
      JITLITE_RETURN_IF_ERROR(Shape(kInputToGate + g, GateWhat("input", g),
                                    {n, static_cast<int32_t>(c_.input)}));
      c_.diagonal[g] = IsDiagonal(kRecurrentToGate + g);
      if (c_.diagonal[g]) {
        JITLITE_RETURN_IF_ERROR(Shape(kRecurrentToGate + g, GateWhat("recurrent", g), {n}));
        if (c_.output != c_.cell) {
          return InvalidArgument("diagonal recurrent weights (input " +
                                 Index(kRecurrentToGate + g) + ") need an output size equal to "
                                 "the number of cells (" + std::to_string(c_.cell) + "), got " +
                                 std::to_string(c_.output));
        }
      } else {
        JITLITE_RETURN_IF_ERROR(Shape(kRecurrentToGate + g, GateWhat("recurrent", g),
                                      {n, static_cast<int32_t>(c_.output)}));
      }
      JITLITE_RETURN_IF_ERROR(Shape(kGateBias + g, std::string(kGateNames[g]) + " gate bias", {n}));
    }
    c_.cifg = !Has(kInputToGate + kInputGate);
    if (c_.cifg != !Has(kRecurrentToGate + kInputGate)) {
      return InvalidArgument("input-to-input and recurrent-to-input weights (inputs " +
                             Index(kInputToGate) + " and " + Index(kRecurrentToGate) +
                             ") must be both present or both omitted (CIFG)");
    }
    if (c_.cifg == Has(kGateBias + kInputGate)) {
      return InvalidArgument(c_.cifg ? "a CIFG LSTM (no input-gate weights) must omit the input "
                                       "gate bias (input " + Index(kGateBias) + ")"
                                     : "the input gate bias (input " + Index(kGateBias) +
                                           ") is missing");
    }
    return Status::Ok();
  }

  Status CheckPeepholes() {
    for (int p = 9; p <= 11; ++p) {
      JITLITE_RETURN_IF_ERROR(Shape(p, "peephole weights", {static_cast<int32_t>(c_.cell)}));
    }
    bool to_input = Has(9), to_forget = Has(10), to_output = Has(11);
    c_.peephole = to_output;
    bool all = (to_input || c_.cifg) && to_forget && to_output;
    if (!all && (to_input || to_forget || to_output)) {
      return InvalidArgument("the peephole weights (inputs " + Index(9) + "-" + Index(11) +
                             ") must be all present or all omitted (the input gate's omitted "
                             "for CIFG)");
    }
    return Status::Ok();
  }

  Status CheckProjection() {
    const int32_t out = static_cast<int32_t>(c_.output);
    JITLITE_RETURN_IF_ERROR(Shape(kProjectionWeights, "projection weights",
                                  {out, static_cast<int32_t>(c_.cell)}));
    JITLITE_RETURN_IF_ERROR(Shape(kProjectionBias, "projection bias", {out}));
    c_.projection = Has(kProjectionWeights);
    c_.projection_bias = Has(kProjectionBias);
    if (c_.projection_bias && !c_.projection) {
      return InvalidArgument("a projection bias (input " + Index(kProjectionBias) +
                             ") needs projection weights (input " + Index(kProjectionWeights) +
                             ")");
    }
    if (!c_.projection && c_.output != c_.cell) {
      return InvalidArgument("without projection weights the output size (" +
                             std::to_string(c_.output) + ", recurrent weights dim 1) must equal "
                             "the number of cells (" + std::to_string(c_.cell) + ")");
    }
    return Status::Ok();
  }

  // Layer norm when the forget gate's coefficients are there (TFLite's rule).
  Status CheckLayerNorm() {
    int first = ops_.layer_norm;
    c_.layer_norm = first >= 0 && ctx_.num_inputs() >= first + 4 &&
                    ctx_.has_input(first + kForgetGate);
    if (!c_.layer_norm) return Status::Ok();
    for (int g = 0; g < 4; ++g) {
      int i = first + g;
      bool wanted = !(g == kInputGate && c_.cifg);
      if (ctx_.has_input(i) != wanted) {
        return InvalidArgument("layer-norm coefficients (input " + std::to_string(i) + ") " +
                               (wanted ? "are missing" : "must be omitted for CIFG"));
      }
      if (!wanted) continue;
      if (c_.options.integer) {
        DType got = ctx_.input(i).dtype;
        if (got != DType::kInt16) {
          return InvalidArgument("layer-norm coefficients (input " + std::to_string(i) +
                                 ") have type " + DTypeName(got) +
                                 "; the integer LSTM needs INT16");
        }
      } else {
        JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx_, i, "layer-norm coefficients"));
      }
      JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx_, i, "layer-norm coefficients",
                                                    {static_cast<int32_t>(c_.cell)}));
    }
    return Status::Ok();
  }

  const NodeContext& ctx_;
  Cell& c_;
  const Operands& ops_;
};

Status CheckOptions(const Options& o) {
  if (o.activation < 0 || o.activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(o.activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  if (!(o.cell_clip >= 0.0f) || !(o.proj_clip >= 0.0f)) {
    return InvalidArgument("cell_clip and proj_clip must be >= 0 (0 = no clipping), got " +
                           std::to_string(o.cell_clip) + " and " + std::to_string(o.proj_clip));
  }
  return Status::Ok();
}

class LstmEmitter {
 public:
  LstmEmitter(jit::KernelEmitter& e, const Cell& c, const recurrent::Sequence& seq)
      : e_(e), b_(e.b()), c_(c), ops_(c.operands), seq_(seq) {}

  void Emit() {
    for (int g = 0; g < 4; ++g) {
      if (HasGate(g)) pre_[g] = recurrent::ScratchF32(e_, c_.cell, kGateNames[g]);
    }
    if (c_.projection) hidden_ = recurrent::ScratchF32(e_, c_.cell, "hidden");
    if (Hybrid()) MakeQuantizers();
    recurrent::EmitSteps(e_, seq_, [&](Value* t, Value* b0, int64_t rows) { Step(t, b0, rows); },
                         ops_.reverse);
  }

 private:
  bool HasGate(int g) const { return g != kInputGate || !c_.cifg; }
  bool QuirkyNone() const { return c_.options.activation == 0; }
  bool Hybrid() const { return c_.options.hybrid; }

  // The rows the hybrid kernel quantizes: input, output state, hidden.
  void MakeQuantizers() {
    const bool asym = c_.options.asymmetric;
    x_rows_ = std::make_unique<hybrid::RowQuantizer>(e_, c_.input, 1, asym, InputPtr());
    h_rows_ = std::make_unique<hybrid::RowQuantizer>(e_, c_.output, 1, asym, HiddenPtr());
    if (c_.projection) {
      p_rows_ = std::make_unique<hybrid::RowQuantizer>(e_, c_.cell, 1, asym, hidden_);
    }
  }
  // Pointers of a cell tensor (1-17), the sequence input and the states.
  Value* Ptr(int cell_tensor) const { return e_.InputPtr(ops_.at(cell_tensor)); }
  Value* InputPtr() const { return e_.InputPtr(ops_.input); }
  Value* HiddenPtr() const { return e_.InputPtr(ops_.output_state); }
  Value* CellPtr() const { return e_.InputPtr(ops_.cell_state); }
  Value* LayerNormPtr(int g) const { return e_.InputPtr(ops_.layer_norm + g); }
  Value* Load(Value* base, Value* offset) { return LoadF32(e_, base, offset); }

  void Step(Value* t, Value* b0, int64_t rows) {
    // Only the float kernel with NONE needs TFLite's "input all zero" test
    // (see the header).
    Value* all_zero = nullptr;
    if (QuirkyNone() && !Hybrid()) {
      all_zero = AllZero(MulI(e_, seq_.Row(e_, b0, t), c_.input), rows * c_.input);
    }
    if (rows == 1) {
      Row(b0, t, all_zero);
      return;
    }
    e_.For(0, rows, 1, [&](Value* r) { Row(AddI(e_, b0, r), t, all_zero); }, "row");
  }

  // True when input[offset .. offset + n) is all zeros (NaN counts as
  // non-zero, as `x != 0`).
  Value* AllZero(Value* offset, int64_t n) {
    llvm::AllocaInst* any = e_.Alloca(b_.getInt1Ty(), "nonzero");
    b_.CreateStore(b_.getFalse(), any);
    e_.For(0, n, 1, [&](Value* k) {
      Value* x = Load(InputPtr(), AddI(e_, offset, k));
      Value* nonzero = b_.CreateFCmpUNE(x, e_.F32(0.0f));
      b_.CreateStore(b_.CreateOr(b_.CreateLoad(b_.getInt1Ty(), any), nonzero), any);
    }, "zero_test");
    return b_.CreateNot(b_.CreateLoad(b_.getInt1Ty(), any));
  }

  void Row(Value* b, Value* t, Value* all_zero) {
    Value* x_off = MulI(e_, seq_.Row(e_, b, t), c_.input);
    Value* h_off = MulI(e_, b, c_.output);
    Value* c_off = MulI(e_, b, c_.cell);
    if (Hybrid()) {
      HybridGatePreActivations(x_off, h_off, c_off);
    } else {
      GatePreActivations(x_off, h_off, c_off);
    }
    if (c_.layer_norm) {
      for (int g : {kInputGate, kForgetGate, kCellGate}) {
        if (HasGate(g)) LayerNorm(g);
      }
    }
    UpdateCell(c_off, all_zero);
    if (c_.layer_norm) LayerNorm(kOutputGate);
    Output(b, t, h_off, c_off);
  }

  // pre[g][j] = W_x[g] x + W_h[g] h (+ bias without layer norm) (+ the
  // peephole term of the old cell state for the input and forget gates).
  void GatePreActivations(Value* x_off, Value* h_off, Value* c_off) {
    std::vector<int> gates;
    std::vector<Value*> wx, wh;
    for (int g = 0; g < 4; ++g) {
      if (!HasGate(g)) continue;
      gates.push_back(g);
      wx.push_back(Ptr(kInputToGate + g));
      if (!c_.diagonal[g]) wh.push_back(Ptr(kRecurrentToGate + g));
    }
    e_.For(0, c_.cell, 1, [&](Value* j) {
      std::vector<Value*> dx = recurrent::EmitRowDots(e_, wx, j, InputPtr(), x_off, c_.input);
      std::vector<Value*> dh;
      if (!wh.empty()) dh = recurrent::EmitRowDots(e_, wh, j, HiddenPtr(), h_off, c_.output);
      size_t full = 0;
      for (size_t k = 0; k < gates.size(); ++k) {
        int g = gates[k];
        Value* v = dx[k];
        if (!c_.layer_norm) v = b_.CreateFAdd(Load(Ptr(kGateBias + g), j), v);
        v = b_.CreateFAdd(v, c_.diagonal[g] ? DiagonalTerm(g, h_off, j) : dh[full++]);
        StoreF32(e_, AddPeephole(v, g, c_off, j), pre_[g], j);
      }
    }, "cell");
  }

  // The same for the hybrid kernel: i32 dot products with the quantized
  // input and output-state rows, each scaled by row scale * weight scale
  // onto the bias, in TFLite's order.
  void HybridGatePreActivations(Value* x_off, Value* h_off, Value* c_off) {
    x_rows_->Quantize(x_off);
    h_rows_->Quantize(h_off);
    std::vector<int> gates;
    std::vector<Value*> wx, wh, sx, sh;
    for (int g = 0; g < 4; ++g) {
      if (!HasGate(g)) continue;
      gates.push_back(g);
      wx.push_back(Ptr(kInputToGate + g));
      sx.push_back(b_.CreateFMul(x_rows_->scale(), WeightScale(kInputToGate + g)));
      if (c_.diagonal[g]) continue;
      wh.push_back(Ptr(kRecurrentToGate + g));
      sh.push_back(b_.CreateFMul(h_rows_->scale(), WeightScale(kRecurrentToGate + g)));
    }
    e_.For(0, c_.cell, 1, [&](Value* j) {
      std::vector<Value*> dx = hybrid::EmitRowDots(e_, wx, j, *x_rows_, c_.input);
      std::vector<Value*> dh;
      if (!wh.empty()) dh = hybrid::EmitRowDots(e_, wh, j, *h_rows_, c_.output);
      size_t full = 0;
      for (size_t k = 0; k < gates.size(); ++k) {
        int g = gates[k];
        Value* v = Scaled(dx[k], sx[k]);
        if (!c_.layer_norm) v = b_.CreateFAdd(Load(Ptr(kGateBias + g), j), v);
        if (c_.diagonal[g]) {
          v = b_.CreateFAdd(v, DiagonalTerm(g, h_off, j));
        } else {
          v = b_.CreateFAdd(v, Scaled(dh[full], sh[full]));
          ++full;
        }
        StoreF32(e_, AddPeephole(v, g, c_off, j), pre_[g], j);
      }
    }, "cell");
  }

  // w[j] * h[j] of a gate's diagonal (FLOAT32) recurrent weights.
  Value* DiagonalTerm(int g, Value* h_off, Value* j) {
    return b_.CreateFMul(Load(Ptr(kRecurrentToGate + g), j), Load(HiddenPtr(), AddI(e_, h_off, j)));
  }

  Value* WeightScale(int cell_tensor) { return e_.F32(c_.weight_scale[cell_tensor]); }
  // float(acc) * scale, as TFLite's hybrid MatrixBatchVectorMultiplyAccumulate.
  Value* Scaled(Value* acc, Value* scale) {
    return b_.CreateFMul(b_.CreateSIToFP(acc, b_.getFloatTy()), scale);
  }

  // Peephole weight j of a gate: float, or INT8 dequantized (w * scale).
  Value* PeepholeWeight(int gate, Value* j) {
    if (!Hybrid()) return Load(Ptr(Peephole(gate)), j);
    Value* w = jit::LoadElement(b_, DType::kInt8, Ptr(Peephole(gate)), j);
    return b_.CreateFMul(b_.CreateSIToFP(w, b_.getFloatTy()), WeightScale(Peephole(gate)));
  }

  // v + peephole .* the old cell state, for the input and forget gates.
  Value* AddPeephole(Value* v, int g, Value* c_off, Value* j) {
    if (!c_.peephole || g == kCellGate || g == kOutputGate) return v;
    Value* cell = Load(CellPtr(), AddI(e_, c_off, j));
    return b_.CreateFAdd(v, b_.CreateFMul(PeepholeWeight(g, j), cell));
  }

  // pre[g] = coeff .* (pre[g] - mean) / sqrt(variance + 1e-8) + bias, as
  // TFLite's MeanStddevNormalization (two passes) and the coefficient and
  // bias products after it.
  void LayerNorm(int g) {
    llvm::Type* f32 = b_.getFloatTy();
    Value* row = pre_[g];
    Value* n = e_.F32(static_cast<float>(c_.cell));
    llvm::AllocaInst* sum = e_.Alloca(f32, "ln_sum");
    b_.CreateStore(e_.F32(0.0f), sum);
    e_.For(0, c_.cell, 1, [&](Value* j) {
      b_.CreateStore(ReassociatingAdd(b_.CreateLoad(f32, sum), Load(row, j)), sum);
    }, "ln_mean");
    Value* mean = b_.CreateFDiv(b_.CreateLoad(f32, sum), n);
    b_.CreateStore(e_.F32(0.0f), sum);
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* d = b_.CreateFSub(Load(row, j), mean);
      b_.CreateStore(ReassociatingAdd(b_.CreateLoad(f32, sum), b_.CreateFMul(d, d)), sum);
    }, "ln_var");
    Value* variance = b_.CreateFDiv(b_.CreateLoad(f32, sum), n);
    Value* inv = b_.CreateFDiv(e_.F32(1.0f),
                               e_.Sqrt(b_.CreateFAdd(variance, e_.F32(1e-8f))));
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* v = b_.CreateFMul(b_.CreateFSub(Load(row, j), mean), inv);
      v = b_.CreateFMul(Load(LayerNormPtr(g), j), v);
      StoreF32(e_, b_.CreateFAdd(v, Load(Ptr(kGateBias + g), j)), row, j);
    }, "ln_apply");
  }

  // The hybrid kernel sums in TFLite's order: its quantization of the next
  // step's output state turns float differences into whole steps now and then
  // (see the header), so it keeps them as small as it can.
  Value* ReassociatingAdd(Value* acc, Value* x) {
    if (Hybrid()) return b_.CreateFAdd(acc, x);
    llvm::IRBuilder<>::FastMathFlagGuard guard(b_);
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    b_.setFastMathFlags(fmf);
    return b_.CreateFAdd(acc, x);
  }

  // The cell gate's value: act(pre); for NONE, TFLite's result (the bias, or
  // 0 with layer norm, when the step's input is all zero).
  Value* CellGate(Value* pre, Value* j, Value* all_zero) {
    if (!QuirkyNone()) return e_.Activation(pre, c_.options.activation);
    if (all_zero == nullptr) return pre;  // hybrid: in place
    Value* skipped = c_.layer_norm ? e_.F32(0.0f) : Load(Ptr(kGateBias + kCellGate), j);
    return b_.CreateSelect(all_zero, skipped, pre);
  }

  Value* Clip(Value* v, float clip) {
    if (clip <= 0.0f) return v;
    return e_.Clamp(v, e_.F32(-clip), e_.F32(clip));
  }

  // c = clip(f .* c + i .* g) in place; adds the output gate's peephole term
  // of the new state. For NONE the cell gate row keeps g for the output.
  void UpdateCell(Value* c_off, Value* all_zero) {
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* f = e_.Logistic(Load(pre_[kForgetGate], j));
      Value* i = c_.cifg ? b_.CreateFSub(e_.F32(1.0f), f) : e_.Logistic(Load(pre_[kInputGate], j));
      Value* g = CellGate(Load(pre_[kCellGate], j), j, all_zero);
      Value* c_at = AddI(e_, c_off, j);
      Value* cell = b_.CreateFAdd(b_.CreateFMul(f, Load(CellPtr(), c_at)),
                                  b_.CreateFMul(g, i));
      cell = Clip(cell, c_.options.cell_clip);
      StoreF32(e_, cell, CellPtr(), c_at);
      if (QuirkyNone()) StoreF32(e_, g, pre_[kCellGate], j);
      if (c_.peephole) {
        Value* o = b_.CreateFAdd(Load(pre_[kOutputGate], j),
                                 b_.CreateFMul(PeepholeWeight(kOutputGate, j), cell));
        StoreF32(e_, o, pre_[kOutputGate], j);
      }
    }, "update");
  }

  // h = o .* act(c) (o .* g for NONE), projected when there are projection
  // weights; written to the output state and handed to output 0.
  void Output(Value* b, Value* t, Value* h_off, Value* c_off) {
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* o = e_.Logistic(Load(pre_[kOutputGate], j));
      Value* a = QuirkyNone() ? Load(pre_[kCellGate], j)
                              : e_.Activation(Load(CellPtr(), AddI(e_, c_off, j)),
                                              c_.options.activation);
      Value* h = b_.CreateFMul(o, a);
      if (c_.projection) {
        StoreF32(e_, h, hidden_, j);
      } else {
        StoreHidden(h, b, t, h_off, j);
      }
    }, "hidden");
    if (!c_.projection) return;
    if (Hybrid()) {
      HybridProjection(b, t, h_off);
      return;
    }
    Value* weights[] = {Ptr(kProjectionWeights)};
    e_.For(0, c_.output, 1, [&](Value* m) {
      Value* v = recurrent::EmitRowDots(e_, weights, m, hidden_, e_.I64(0), c_.cell)[0];
      if (c_.projection_bias) v = b_.CreateFAdd(Load(Ptr(kProjectionBias), m), v);
      StoreHidden(Clip(v, c_.options.proj_clip), b, t, h_off, m);
    }, "project");
  }

  // h = clip(proj_bias + dot * (s_hidden * s_Wp)) over the quantized hidden
  // row (TFLite's CalculateLstmOutputHybrid).
  void HybridProjection(Value* b, Value* t, Value* h_off) {
    p_rows_->Quantize(e_.I64(0));
    Value* scale = b_.CreateFMul(p_rows_->scale(), WeightScale(kProjectionWeights));
    Value* weights[] = {Ptr(kProjectionWeights)};
    e_.For(0, c_.output, 1, [&](Value* m) {
      Value* v = Scaled(hybrid::EmitRowDots(e_, weights, m, *p_rows_, c_.cell)[0], scale);
      if (c_.projection_bias) v = b_.CreateFAdd(Load(Ptr(kProjectionBias), m), v);
      StoreHidden(Clip(v, c_.options.proj_clip), b, t, h_off, m);
    }, "project");
  }

  void StoreHidden(Value* h, Value* b, Value* t, Value* h_off, Value* m) {
    StoreF32(e_, h, HiddenPtr(), AddI(e_, h_off, m));
    Value* feature = ops_.output_offset ? AddI(e_, m, e_.I64(ops_.output_offset)) : m;
    e_.StoreOutput(h, seq_.OutputIndex(b, t, feature), ops_.output);
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  const Cell& c_;
  const Operands& ops_;
  const recurrent::Sequence& seq_;
  Value* pre_[4] = {nullptr, nullptr, nullptr, nullptr};
  Value* hidden_ = nullptr;
  std::unique_ptr<hybrid::RowQuantizer> x_rows_, h_rows_, p_rows_;  // hybrid only
};

}  // namespace

bool IsHybrid(const NodeContext& ctx, const Operands& operands) {
  const int w_out = operands.at(kInputToGate + kOutputGate);
  return ctx.num_inputs() > w_out && ctx.has_input(operands.input) && ctx.has_input(w_out) &&
         ctx.input(operands.input).dtype == DType::kFloat32 &&
         ctx.input(w_out).dtype == DType::kInt8;
}

Status CheckFullKernelArity(const NodeContext& ctx) {
  if (ctx.num_inputs() != 20 && ctx.num_inputs() != 24) {
    return InvalidArgument("the full LSTM kernel takes 20 or 24 inputs, got " +
                           std::to_string(ctx.num_inputs()));
  }
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  if (!ctx.has_input(kInput)) return InvalidArgument("input 0 is missing");
  return Status::Ok();
}

StatusOr<Cell> ResolveCell(const NodeContext& ctx, const recurrent::Sequence& seq,
                           int64_t input_size, const Options& options, const Operands& operands) {
  JITLITE_RETURN_IF_ERROR(CheckOptions(options));
  Cell c;
  c.options = options;
  c.operands = operands;
  c.input = input_size;
  JITLITE_RETURN_IF_ERROR(CellChecker(ctx, c).Run());
  const DType h_type = options.integer ? DType::kInt8 : DType::kFloat32;
  const DType c_type = options.integer ? DType::kInt16 : DType::kFloat32;
  JITLITE_RETURN_IF_ERROR(recurrent::CheckState(ctx, operands.output_state, "output state",
                                                seq.batch * c.output, h_type));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckState(ctx, operands.cell_state, "cell state",
                                                seq.batch * c.cell, c_type));
  if (ScratchFloats(c) > recurrent::kMaxScratchFloats) {
    return Unimplemented("LSTM with " + std::to_string(c.cell) +
                         " cells: its gate rows exceed the kernel's stack scratch (at most " +
                         std::to_string(recurrent::kMaxScratchFloats / 5) + " cells)");
  }
  return c;
}

void EmitLstm(jit::KernelEmitter& e, const Cell& cell, const recurrent::Sequence& seq) {
  LstmEmitter(e, cell, seq).Emit();
}

}  // namespace jitlite::ops::lstm
