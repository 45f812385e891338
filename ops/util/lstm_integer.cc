// The integer LSTM cell (see ops/util/lstm_integer.h).
//
// Per step row: one pass over the cells computes every gate's matrix
// products (the four gates share their vector loads) into int16 stack rows;
// layer norm, when present, normalizes whole gate rows; a second pass
// updates the cell state in place; a third computes the hidden state, which
// goes to the output state and output 0 (through a projection when there is
// one).
#include "ops/util/lstm_integer.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace jitlite::ops::lstm {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::MulI;

// ---- gemmlowp's 16-bit fixed point, for the activation tables ----
// A value with k integer bits is its raw int16 with 15 - k fractional bits.
namespace fx16 {

int16_t Wrap(int32_t v) { return static_cast<int16_t>(v); }

int16_t HighMul(int16_t a, int16_t b) {  // SaturatingRoundingDoublingHighMul
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  const int32_t ab = int32_t{a} * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return Wrap((ab + nudge) / (1 << 15));
}

template <typename T>
T DivideByPot(T x, int exponent) {  // RoundingDivideByPOT
  const T mask = static_cast<T>((int64_t{1} << exponent) - 1);
  const T remainder = static_cast<T>(x & mask);
  const T threshold = static_cast<T>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<T>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// SaturatingRoundingMultiplyByPOT.
int16_t MulPot(int16_t x, int exponent) {
  if (exponent < 0) return DivideByPot<int16_t>(x, -exponent);
  if (exponent == 0) return x;
  const int32_t threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return 32767;
  if (x < -threshold) return -32768;
  return Wrap(x * (1 << exponent));
}

// gemmlowp writes its constants as Q0.31 int32s, rounded down to 16 bits.
int16_t Constant(int32_t q31) { return static_cast<int16_t>(DivideByPot<int32_t>(q31, 16)); }

int16_t SaturatingAdd(int16_t a, int16_t b) {
  return static_cast<int16_t>(std::min(32767, std::max(-32768, int32_t{a} + b)));
}

int16_t RoundingHalfSum(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + b;
  return Wrap((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), a with 0 integer bits.
int16_t ExpOnQuarterInterval(int16_t a) {
  const int16_t constant_term = Constant(1895147668);  // exp(-1/8)
  const int16_t one_third = Constant(715827883);
  const int16_t x = Wrap(a + (1 << 12));  // a + 1/8
  const int16_t x2 = HighMul(x, x);
  const int16_t x3 = HighMul(x2, x);
  const int16_t x4 = HighMul(x2, x2);
  const int16_t x4_over_4 = MulPot(x4, -2);
  const int16_t poly = MulPot(Wrap(HighMul(Wrap(x4_over_4 + x3), one_third) + x2), -1);
  return SaturatingAdd(constant_term, HighMul(constant_term, Wrap(x + poly)));
}

// exp(a) for a <= 0 with k integer bits; 0 integer bits out.
int16_t ExpOnNegativeValues(int16_t a, int k) {
  const int frac = 15 - k;
  const int16_t quarter = static_cast<int16_t>(1 << (frac - 2));
  const int16_t mask = static_cast<int16_t>(quarter - 1);
  const int16_t a_mod = Wrap((a & mask) - quarter);
  int16_t result = ExpOnQuarterInterval(MulPot(a_mod, k));
  const int16_t remainder = Wrap(a_mod - a);
  // exp(-2^e) for the bits of the remainder above the quarter.
  const struct { int exponent; int32_t multiplier; } kBarrel[] = {
      {-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
      {2, 39332535},    {3, 720401},      {4, 242}};
  for (const auto& step : kBarrel) {
    if (k <= step.exponent) continue;
    if (remainder & static_cast<int16_t>(1 << (frac + step.exponent))) {
      result = HighMul(result, Constant(step.multiplier));
    }
  }
  if (k > 5 && a < Constant(-(1 << (36 - k)))) result = 0;
  return a == 0 ? int16_t{32767} : result;
}

// Newton-Raphson 1 / (1 + a) for a in [0, 1), as 2 integer bits.
int16_t HalfReciprocal(int16_t half_denominator) {
  int16_t x = Wrap(Constant(1515870810) + HighMul(half_denominator, Constant(-1010580540)));
  for (int i = 0; i < 3; ++i) {
    const int16_t one_minus = Wrap((1 << 13) - HighMul(half_denominator, x));
    x = Wrap(x + MulPot(HighMul(x, one_minus), 2));
  }
  return x;
}

int16_t OneOverOnePlusX(int16_t a) {
  return MulPot(HalfReciprocal(RoundingHalfSum(a, 32767)), 1);
}

int16_t OneMinusXOverOnePlusX(int16_t a) {
  return MulPot(Wrap(HalfReciprocal(RoundingHalfSum(a, 32767)) - (1 << 13)), 2);
}

int16_t Logistic(int16_t a, int k) {
  if (a == 0) return 16384;
  const int16_t magnitude = a > 0 ? a : Wrap(-a);
  const int16_t positive = OneOverOnePlusX(ExpOnNegativeValues(Wrap(-magnitude), k));
  return a > 0 ? positive : Wrap(32767 - positive);
}

int16_t Tanh(int16_t a, int k) {
  if (a == 0) return 0;
  const int16_t negative = a < 0 ? a : Wrap(-a);
  const int16_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues(negative, k + 1));
  return a < 0 ? Wrap(-t) : t;
}

}  // namespace fx16

AlignedBuffer Table(int16_t (*f)(int16_t, int), int integer_bits) {
  AlignedBuffer buffer(65536 * sizeof(int16_t));
  int16_t* out = buffer.as<int16_t>();
  for (int32_t x = -32768; x <= 32767; ++x) {
    out[x + 32768] = f(static_cast<int16_t>(x), integer_bits);
  }
  return buffer;
}

enum TableIndex { kSigmoidTable = 0, kGateTanhTable = 1, kCellTanhTable = 2 };

// ---- Prepare ----

// TFLite's CheckedLog2: the exponent of a power-of-two scale.
bool CheckedLog2(float x, int* log2) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2 = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

Status ExpectQuantized(const TensorState& t, const std::string& what) {
  if (!HasQuantization(t)) {
    return InvalidArgument(what + " has no quantization parameters; the integer LSTM needs "
                           "its scale");
  }
  return Status::Ok();
}

class ParamResolver {
 public:
  ParamResolver(const NodeContext& ctx, const Cell& c) : ctx_(ctx), c_(c), ops_(c.operands) {}

  StatusOr<IntegerParams> Run() {
    JITLITE_RETURN_IF_ERROR(CheckTensors());
    JITLITE_RETURN_IF_ERROR(ReadIntermediates());
    JITLITE_RETURN_IF_ERROR(ReadCellScale());
    Clips();
    GateScales();
    OutputScales();
    LayerNormScales();
    return q_;
  }

 private:
  const TensorState& In(int cell_tensor) const { return ctx_.input(ops_.at(cell_tensor)); }
  bool Has(int cell_tensor) const { return ctx_.has_input(ops_.at(cell_tensor)); }
  // TFLite's default scale 1 for an omitted tensor.
  float WeightScale(int cell_tensor) const {
    return Has(cell_tensor) ? Scale(In(cell_tensor)) : 1.0f;
  }
  bool HasGate(int g) const { return g != kInputGate || !c_.cifg; }

  Status CheckTensors() {
    if (ctx_.output(ops_.output).dtype != DType::kInt8) {
      return InvalidArgument(std::string("output has type ") +
                             DTypeName(ctx_.output(ops_.output).dtype) +
                             "; the integer LSTM (int8 input) writes INT8");
    }
    JITLITE_RETURN_IF_ERROR(ExpectQuantized(ctx_.input(ops_.input), "input 0"));
    JITLITE_RETURN_IF_ERROR(ExpectQuantized(ctx_.input(ops_.output_state), "the output state"));
    JITLITE_RETURN_IF_ERROR(ExpectQuantized(ctx_.input(ops_.cell_state), "the cell state"));
    JITLITE_RETURN_IF_ERROR(ExpectQuantized(ctx_.output(ops_.output), "output 0"));
    for (int k = 1; k <= 16; ++k) {
      if (k >= 12 && k <= 15) continue;  // biases: raw int32 in the products' scale
      if (Has(k)) {
        JITLITE_RETURN_IF_ERROR(ExpectQuantized(In(k), "input " + std::to_string(ops_.at(k))));
      }
    }
    if (c_.layer_norm) {
      for (int g = 0; g < 4; ++g) {
        if (!HasGate(g)) continue;
        JITLITE_RETURN_IF_ERROR(ExpectQuantized(ctx_.input(ops_.layer_norm + g),
                                                "layer-norm coefficients (input " +
                                                    std::to_string(ops_.layer_norm + g) + ")"));
      }
    }
    if (c_.peephole && c_.output > c_.cell) {
      return Unimplemented("integer LSTM with peephole weights and a projection to " +
                           std::to_string(c_.output) + " outputs (more than the " +
                           std::to_string(c_.cell) + " cells): TFLite's kernel reads the "
                           "peephole rows with the output size, past the cell state");
    }
    return Status::Ok();
  }

  Status ReadIntermediates() {
    if (ctx_.num_intermediates() != 5) {
      return InvalidArgument("the integer LSTM needs the operator's 5 intermediate tensors (gate "
                             "and hidden scales), got " +
                             std::to_string(ctx_.num_intermediates()));
    }
    for (int g = 0; g < 4; ++g) {
      gate_scale_[g] = std::pow(2.0f, -12.0f);  // Q3.12 without layer norm
      if (!c_.layer_norm) continue;
      const TensorState& t = ctx_.intermediate(g);
      JITLITE_RETURN_IF_ERROR(ExpectQuantized(t, "intermediate " + std::to_string(g)));
      gate_scale_[g] = Scale(t);
    }
    const TensorState& hidden = ctx_.intermediate(4);
    JITLITE_RETURN_IF_ERROR(ExpectQuantized(hidden, "intermediate 4 (the hidden state)"));
    hidden_scale_ = Scale(hidden);
    q_.hidden_zp = ZeroPoint(hidden);
    return Status::Ok();
  }

  Status ReadCellScale() {
    const float s = Scale(ctx_.input(ops_.cell_state));
    if (!CheckedLog2(s, &q_.cell_scale)) {
      return InvalidArgument("the cell state's scale " + std::to_string(s) +
                             " is not a power of two, as the integer LSTM needs");
    }
    // The cell tanh reads the state with 15 + cell_scale integer bits; TFLite
    // has it for 0..6 only.
    if (q_.cell_scale < -15 || q_.cell_scale > -9) {
      return Unimplemented("integer LSTM with a cell state scale of 2^" +
                           std::to_string(q_.cell_scale) +
                           " (TFLite's kernel supports 2^-15 .. 2^-9)");
    }
    return Status::Ok();
  }

  void Clips() {
    const float cell_clip = c_.options.cell_clip, proj_clip = c_.options.proj_clip;
    if (cell_clip > 0.0f) {
      float v = cell_clip / Scale(ctx_.input(ops_.cell_state));
      q_.cell_clip = static_cast<int16_t>(std::min(std::max(v, -32768.0f), 32767.0f));
    }
    if (proj_clip > 0.0f) {
      float v = proj_clip / Scale(ctx_.output(ops_.output));
      q_.proj_clip = static_cast<int8_t>(std::min(std::max(v, -128.0f), 127.0f));
    }
  }

  // The float steps of TFLite's Prepare (float products, a double pow).
  void GateScales() {
    const float input_scale = Scale(ctx_.input(ops_.input));
    const float state_scale = Scale(ctx_.input(ops_.output_state));
    q_.input_zp = ZeroPoint(ctx_.input(ops_.input));
    q_.output_state_zp = ZeroPoint(ctx_.input(ops_.output_state));
    for (int g = 0; g < 4; ++g) {
      if (!HasGate(g)) continue;
      float x = WeightScale(kInputToGate + g) * input_scale / gate_scale_[g];
      float h = WeightScale(kRecurrentToGate + g) * state_scale / gate_scale_[g];
      q_.input_to_gate[g] = QuantizeMultiplier(x);
      q_.recurrent_to_gate[g] = QuantizeMultiplier(h);
      if (c_.peephole && g != kCellGate) {
        int peephole = g == kInputGate ? 9 : g == kForgetGate ? 10 : 11;
        float p = std::pow(2.0, q_.cell_scale) * WeightScale(peephole) / gate_scale_[g];
        q_.cell_to_gate[g] = QuantizeMultiplier(p);
      }
    }
  }

  void OutputScales() {
    float hidden = std::pow(2.0, -15) / hidden_scale_ * std::pow(2.0, -15);
    q_.hidden = QuantizeMultiplier(hidden);
    if (c_.projection) {
      float proj = WeightScale(kProjectionWeights) * hidden_scale_ /
                   Scale(ctx_.input(ops_.output_state));
      q_.projection = QuantizeMultiplier(proj);
    }
  }

  void LayerNormScales() {
    if (!c_.layer_norm) return;
    for (int g = 0; g < 4; ++g) {
      if (!HasGate(g)) continue;
      const float s = Scale(ctx_.input(ops_.layer_norm + g));
      q_.layer_norm[g] = QuantizeMultiplier(s);
      q_.layer_norm[g].shift += 12;
      q_.variance_guard[g] = std::max(1, static_cast<int32_t>(10000 * s));
    }
  }

  const NodeContext& ctx_;
  const Cell& c_;
  const Operands& ops_;
  IntegerParams q_;
  float gate_scale_[4] = {1, 1, 1, 1};
  float hidden_scale_ = 1.0f;
};

// ---- emission ----

class IntegerLstmEmitter {
 public:
  IntegerLstmEmitter(jit::KernelEmitter& e, const Cell& c, const IntegerParams& q,
                     const recurrent::Sequence& seq, int first_table)
      : e_(e), b_(e.b()), c_(c), q_(q), ops_(c.operands), seq_(seq),
        first_table_(first_table) {}

  void Emit() {
    const char* names[] = {"input_gate", "forget_gate", "cell_gate", "output_gate"};
    for (int g = 0; g < 4; ++g) {
      if (HasGate(g)) pre_[g] = Scratch(b_.getInt16Ty(), c_.cell, names[g]);
    }
    if (c_.projection) hidden_ = Scratch(b_.getInt8Ty(), c_.cell, "hidden");
    recurrent::EmitSteps(e_, seq_, [&](Value* t, Value* b0, int64_t rows) {
      step_rows_ = rows;
      if (rows == 1) {
        Row(b0, t, e_.I64(0));
        return;
      }
      e_.For(0, rows, 1, [&](Value* r) { Row(AddI(e_, b0, r), t, r); }, "row");
    }, ops_.reverse);
  }

 private:
  bool HasGate(int g) const { return g != kInputGate || !c_.cifg; }
  static int Peephole(int g) { return g == kInputGate ? 9 : g == kForgetGate ? 10 : 11; }
  Value* Ptr(int cell_tensor) const { return e_.InputPtr(ops_.at(cell_tensor)); }
  Value* HiddenPtr() const { return e_.InputPtr(ops_.output_state); }
  Value* CellPtr() const { return e_.InputPtr(ops_.cell_state); }

  Value* Scratch(llvm::Type* type, int64_t n, const char* name) {
    return e_.Alloca(llvm::ArrayType::get(type, static_cast<uint64_t>(n)), name);
  }
  // Element `offset` of a buffer of `dtype`, widened to i32.
  Value* Load32(DType dtype, Value* base, Value* offset) {
    return b_.CreateSExt(jit::LoadElement(b_, dtype, base, offset), b_.getInt32Ty());
  }
  void Store(DType dtype, Value* v32, Value* base, Value* offset) {
    llvm::Type* t = dtype == DType::kInt8 ? b_.getInt8Ty() : b_.getInt16Ty();
    jit::StoreElement(b_, dtype, b_.CreateTrunc(v32, t), base, offset);
  }
  Value* I32(int32_t v) { return e_.I32(v); }
  Value* Sat16(Value* v) { return EmitClampInt(b_, v, {-32768, 32767}); }
  Value* Sat8(Value* v) { return EmitClampInt(b_, v, {-128, 127}); }
  Value* Scaled(Value* v, QuantizedMultiplier m) {
    return EmitMultiplyByQuantizedMultiplier(b_, v, m);
  }
  // table[x] for an int16 value x held in i32.
  Value* Lookup(int table, Value* x) {
    Value* index = b_.CreateSExt(b_.CreateAdd(x, I32(32768)), b_.getInt64Ty());
    return Load32(DType::kInt16, e_.PackedPtr(first_table_ + table), index);
  }

  // Row b of the step (its r-th row) at time t.
  void Row(Value* b, Value* t, Value* r) {
    row_in_step_ = r;
    Value* x_off = MulI(e_, seq_.Row(e_, b, t), c_.input);
    Value* h_off = MulI(e_, b, c_.output);
    Value* c_off = MulI(e_, b, c_.cell);
    GateProducts(x_off, h_off, c_off);
    if (c_.layer_norm) {
      for (int g : {kInputGate, kForgetGate, kCellGate}) {
        if (HasGate(g)) LayerNorm(g);
      }
    }
    UpdateCell(c_off);
    if (c_.layer_norm) LayerNorm(kOutputGate);
    Output(b, t, h_off, c_off);
  }

  // For each weight matrix (int8, `len` columns): sum_k (v[k] - zp) * w[row][k]
  // in wrapping int32, as TFLite's zero-point-folded bias plus dot product.
  std::vector<Value*> RowDots(const std::vector<Value*>& weights, Value* row, Value* v,
                              Value* v_offset, int64_t len, int32_t zero_point) {
    llvm::Type* i32 = b_.getInt32Ty();
    std::vector<llvm::AllocaInst*> acc;
    for (size_t w = 0; w < weights.size(); ++w) {
      acc.push_back(e_.Alloca(i32, "dot"));
      b_.CreateStore(I32(0), acc.back());
    }
    Value* w_row = MulI(e_, row, len);
    e_.For(0, len, 1, [&](Value* k) {
      Value* x = b_.CreateSub(Load32(DType::kInt8, v, AddI(e_, v_offset, k)), I32(zero_point));
      for (size_t w = 0; w < weights.size(); ++w) {
        Value* prod = b_.CreateMul(Load32(DType::kInt8, weights[w], AddI(e_, w_row, k)), x);
        b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i32, acc[w]), prod), acc[w]);
      }
    }, "k");
    std::vector<Value*> sums;
    for (llvm::AllocaInst* a : acc) sums.push_back(b_.CreateLoad(i32, a));
    return sums;
  }

  // pre[g][j]: the saturated input and recurrent products (the bias goes in
  // with the input product unless layer norm takes it) and the peephole term
  // of the old cell state for the input and forget gates.
  void GateProducts(Value* x_off, Value* h_off, Value* c_off) {
    std::vector<int> gates;
    std::vector<Value*> wx, wh;
    for (int g = 0; g < 4; ++g) {
      if (!HasGate(g)) continue;
      gates.push_back(g);
      wx.push_back(Ptr(kInputToGate + g));
      wh.push_back(Ptr(kRecurrentToGate + g));
    }
    e_.For(0, c_.cell, 1, [&](Value* j) {
      std::vector<Value*> dx = RowDots(wx, j, e_.InputPtr(ops_.input), x_off, c_.input,
                                       q_.input_zp);
      std::vector<Value*> dh = RowDots(wh, j, HiddenPtr(), h_off, c_.output,
                                       q_.output_state_zp);
      for (size_t k = 0; k < gates.size(); ++k) {
        int g = gates[k];
        Value* acc = dx[k];
        if (!c_.layer_norm) acc = b_.CreateAdd(Load32(DType::kInt32, Ptr(kGateBias + g), j), acc);
        Value* v = Sat16(Scaled(acc, q_.input_to_gate[g]));
        v = Sat16(b_.CreateAdd(Scaled(dh[k], q_.recurrent_to_gate[g]), v));
        if (c_.peephole && (g == kInputGate || g == kForgetGate)) {
          v = PeepholeTerm(g, j, Load32(DType::kInt16, CellPtr(), AddI(e_, c_off, j)), v);
        }
        Store(DType::kInt16, v, pre_[g], j);
      }
    }, "cell");
  }

  Value* PeepholeTerm(int g, Value* j, Value* cell, Value* v) {
    if (c_.output == c_.cell) {
      Value* prod = b_.CreateMul(Load32(DType::kInt16, Ptr(Peephole(g)), j), cell);
      return Sat16(b_.CreateAdd(Scaled(prod, q_.cell_to_gate[g]), v));
    }
    // TFLite's kernel walks the step's gate rows as one flat vector of
    // rows * n_output elements (the output size, not the cell count), the
    // weights repeating every n_output: element k = r * n_cell + j takes
    // weight k % n_output, and the elements past rows * n_output none.
    Value* k = AddI(e_, MulI(e_, row_in_step_, c_.cell), j);
    Value* weight = Load32(DType::kInt16, Ptr(Peephole(g)), b_.CreateURem(k, e_.I64(c_.output)));
    Value* sum = Sat16(b_.CreateAdd(Scaled(b_.CreateMul(weight, cell), q_.cell_to_gate[g]), v));
    return b_.CreateSelect(b_.CreateICmpULT(k, e_.I64(step_rows_ * c_.output)), sum, v);
  }

  // TFLite's integer ApplyLayerNorm of gate row g, in place.
  void LayerNorm(int g) {
    llvm::Type* i64 = b_.getInt64Ty();
    Value* row = pre_[g];
    llvm::AllocaInst* sum = e_.Alloca(i64, "ln_sum");
    llvm::AllocaInst* sum_sq = e_.Alloca(i64, "ln_sum_sq");
    b_.CreateStore(e_.I64(0), sum);
    b_.CreateStore(e_.I64(0), sum_sq);
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* v = Load32(DType::kInt16, row, j);
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, sum), b_.CreateSExt(v, i64)), sum);
      Value* sq = b_.CreateSExt(b_.CreateMul(v, v), i64);
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, sum_sq), sq), sum_sq);
    }, "ln_sums");
    Value* n = e_.I64(c_.cell);
    Value* mean = b_.CreateTrunc(
        b_.CreateSDiv(b_.CreateMul(b_.CreateLoad(i64, sum), e_.I64(1024)), n), b_.getInt32Ty());
    Value* mean64 = b_.CreateSExt(mean, i64);
    Value* temp = e_.I64((1 << 20) / c_.cell);
    Value* variance = b_.CreateSub(b_.CreateMul(b_.CreateLoad(i64, sum_sq), temp),
                                   b_.CreateMul(mean64, mean64));
    Value* variance2 = b_.CreateTrunc(b_.CreateSDiv(variance, e_.I64(1 << 20)), b_.getInt32Ty());
    variance2 = b_.CreateSelect(b_.CreateICmpSLT(variance2, I32(1)),
                                I32(q_.variance_guard[g]), variance2);
    auto [inv_a, inv_b] = InvSqrtMultiplier(variance2);
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* v = Load32(DType::kInt16, row, j);
      Value* shifted = b_.CreateSub(b_.CreateMul(v, I32(1024)), mean);
      Value* rescaled = EmitMultiplyByQuantizedMultiplier(b_, shifted, inv_a, inv_b);
      Value* coeff = Load32(DType::kInt16, e_.InputPtr(ops_.layer_norm + g), j);
      Value* bias = Load32(DType::kInt32, Ptr(kGateBias + g), j);
      Value* val3 = b_.CreateSExt(b_.CreateAdd(b_.CreateMul(rescaled, coeff), bias), i64);
      Value* rounded = b_.CreateSelect(b_.CreateICmpSGT(val3, e_.I64(0)),
                                       b_.CreateAdd(val3, e_.I64(512)),
                                       b_.CreateSub(val3, e_.I64(512)));
      Value* val4 = b_.CreateTrunc(b_.CreateSDiv(rounded, e_.I64(1024)), b_.getInt32Ty());
      Store(DType::kInt16, Sat16(Scaled(val4, q_.layer_norm[g])), row, j);
    }, "ln_apply");
  }

  // TFLite's GetInvSqrtQuantizedMultiplierExp(x, reverse_shift -1): a
  // multiplier and left shift for 1 / sqrt(x), x > 0 (i32 values).
  std::pair<Value*, Value*> InvSqrtMultiplier(Value* x) {
    llvm::Type* i32 = b_.getInt32Ty();
    llvm::AllocaInst* input = e_.Alloca(i32, "isqrt_in");
    llvm::AllocaInst* shift = e_.Alloca(i32, "isqrt_shift");
    b_.CreateStore(x, input);
    b_.CreateStore(I32(11), shift);
    // while (input >= 2^29) { input /= 4; ++shift; }: at most two rounds.
    for (int round = 0; round < 2; ++round) {
      Value* big = b_.CreateICmpSGE(b_.CreateLoad(i32, input), I32(1 << 29));
      e_.If(big, [&] {
        b_.CreateStore(b_.CreateSDiv(b_.CreateLoad(i32, input), I32(4)), input);
        b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i32, shift), I32(1)), shift);
      });
    }
    Value* in = b_.CreateLoad(i32, input);
    Value* clz = b_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, in, b_.getFalse());
    Value* pairs = b_.CreateSub(b_.CreateLShr(b_.CreateSub(clz, I32(1)), I32(1)), I32(1));
    Value* out_shift = b_.CreateSub(b_.CreateLoad(i32, shift), pairs);
    in = b_.CreateShl(in, b_.CreateMul(pairs, I32(2)));
    // Newton-Raphson on Q3.28 values: x = 1.5 x - (in / 2) x^3, five times.
    Value* half_input = EmitRoundingDivideByPOT(b_, b_.CreateAShr(in, I32(1)), I32(1));
    Value* half_three = I32((1 << 28) + (1 << 27));
    Value* est = I32(1 << 28);
    for (int i = 0; i < 5; ++i) {
      Value* x2 = EmitSaturatingRoundingDoublingHighMul(b_, est, est);
      Value* x3 = SatShiftLeft(EmitSaturatingRoundingDoublingHighMul(b_, x2, est), 6);
      Value* diff = b_.CreateSub(EmitSaturatingRoundingDoublingHighMul(b_, half_three, est),
                                 EmitSaturatingRoundingDoublingHighMul(b_, half_input, x3));
      est = SatShiftLeft(diff, 3);
    }
    Value* inv = EmitSaturatingRoundingDoublingHighMul(b_, est, I32(1518500250));  // sqrt(2)/2
    // A negative right shift becomes a left shift of the multiplier.
    Value* negative = b_.CreateICmpSLT(out_shift, I32(0));
    Value* left = b_.CreateSelect(negative, b_.CreateNeg(out_shift), I32(0));
    inv = b_.CreateShl(inv, left);
    out_shift = b_.CreateSelect(negative, I32(0), out_shift);
    // x <= 1: the largest multiplier, no shift.
    Value* tiny = b_.CreateICmpSLE(x, I32(1));
    inv = b_.CreateSelect(tiny, I32(std::numeric_limits<int32_t>::max()), inv);
    out_shift = b_.CreateSelect(tiny, I32(0), out_shift);
    return {inv, b_.CreateNeg(out_shift)};
  }

  // gemmlowp's saturating x * 2^exponent on i32.
  Value* SatShiftLeft(Value* x, int exponent) {
    const int32_t threshold = (1 << (31 - exponent)) - 1;
    Value* shifted = b_.CreateShl(x, I32(exponent));
    shifted = b_.CreateSelect(b_.CreateICmpSGT(x, I32(threshold)),
                              I32(std::numeric_limits<int32_t>::max()), shifted);
    return b_.CreateSelect(b_.CreateICmpSLT(x, I32(-threshold)),
                           I32(std::numeric_limits<int32_t>::min()), shifted);
  }

  // c = sat16(f .* c >> 15 + i .* g >> (30 + cell_scale)) (rounding shifts,
  // each product truncated to int16 as TFLite's CwiseMul), clipped; then the
  // output gate's peephole term of the new state.
  void UpdateCell(Value* c_off) {
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* f = Lookup(kSigmoidTable, Load32(DType::kInt16, pre_[kForgetGate], j));
      Value* g = Lookup(kGateTanhTable, Load32(DType::kInt16, pre_[kCellGate], j));
      Value* i = c_.cifg ? b_.CreateSub(I32(32767), f)
                         : Lookup(kSigmoidTable, Load32(DType::kInt16, pre_[kInputGate], j));
      Value* at = AddI(e_, c_off, j);
      Value* fc = Truncated16(EmitRoundingDivideByPOT(
          b_, b_.CreateMul(f, Load32(DType::kInt16, CellPtr(), at)), I32(15)));
      Value* ig = Truncated16(
          EmitRoundingDivideByPOT(b_, b_.CreateMul(i, g), I32(30 + q_.cell_scale)));
      Value* cell = Sat16(b_.CreateAdd(fc, ig));
      if (q_.cell_clip > 0) cell = EmitClampInt(b_, cell, {-q_.cell_clip, q_.cell_clip});
      Store(DType::kInt16, cell, CellPtr(), at);
      if (c_.peephole) {
        Value* o = PeepholeTerm(kOutputGate, j, cell, Load32(DType::kInt16, pre_[kOutputGate], j));
        Store(DType::kInt16, o, pre_[kOutputGate], j);
      }
    }, "update");
  }

  Value* Truncated16(Value* v) {
    return b_.CreateSExt(b_.CreateTrunc(v, b_.getInt16Ty()), b_.getInt32Ty());
  }

  // hidden = sat8(MBQM(o .* tanh(c)) + hidden_zp); the output state (and
  // output 0), or through the projection.
  void Output(Value* b, Value* t, Value* h_off, Value* c_off) {
    e_.For(0, c_.cell, 1, [&](Value* j) {
      Value* o = Lookup(kSigmoidTable, Load32(DType::kInt16, pre_[kOutputGate], j));
      Value* th = Lookup(kCellTanhTable, Load32(DType::kInt16, CellPtr(), AddI(e_, c_off, j)));
      Value* h = Sat8(b_.CreateAdd(Scaled(b_.CreateMul(o, th), q_.hidden), I32(q_.hidden_zp)));
      if (c_.projection) {
        Store(DType::kInt8, h, hidden_, j);
      } else {
        StoreHidden(h, b, t, h_off, j);
      }
    }, "hidden");
    if (!c_.projection) return;
    std::vector<Value*> weights = {Ptr(kProjectionWeights)};
    e_.For(0, c_.output, 1, [&](Value* m) {
      // TFLite folds -hidden_zp * row sum into the bias: sum (hidden - zp) * w.
      Value* acc = RowDots(weights, m, hidden_, e_.I64(0), c_.cell, q_.hidden_zp)[0];
      if (c_.projection_bias) {
        acc = b_.CreateAdd(Load32(DType::kInt32, Ptr(kProjectionBias), m), acc);
      }
      Value* v = Sat8(b_.CreateAdd(Scaled(acc, q_.projection), I32(q_.output_state_zp)));
      if (q_.proj_clip > 0) v = EmitClampInt(b_, v, {-q_.proj_clip, q_.proj_clip});
      StoreHidden(v, b, t, h_off, m);
    }, "project");
  }

  void StoreHidden(Value* h32, Value* b, Value* t, Value* h_off, Value* m) {
    Store(DType::kInt8, h32, HiddenPtr(), AddI(e_, h_off, m));
    Value* feature = ops_.output_offset ? AddI(e_, m, e_.I64(ops_.output_offset)) : m;
    e_.StoreOutput(b_.CreateTrunc(h32, b_.getInt8Ty()), seq_.OutputIndex(b, t, feature),
                   ops_.output);
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  const Cell& c_;
  const IntegerParams& q_;
  const Operands& ops_;
  const recurrent::Sequence& seq_;
  int first_table_;
  int64_t step_rows_ = 1;          // rows of the current step (all batch rows time-major)
  Value* row_in_step_ = nullptr;  // i64
  Value* pre_[4] = {nullptr, nullptr, nullptr, nullptr};
  Value* hidden_ = nullptr;
};

}  // namespace

StatusOr<IntegerParams> ResolveIntegerParams(const NodeContext& ctx, const Cell& cell) {
  return ParamResolver(ctx, cell).Run();
}

void PackIntegerTables(const IntegerParams& q, std::vector<AlignedBuffer>& out) {
  out.push_back(Table(fx16::Logistic, 3));
  out.push_back(Table(fx16::Tanh, 3));
  out.push_back(Table(fx16::Tanh, 15 + q.cell_scale));
}

void EmitIntegerLstm(jit::KernelEmitter& e, const Cell& cell, const IntegerParams& q,
                     const recurrent::Sequence& seq, int first_table) {
  IntegerLstmEmitter(e, cell, q, seq, first_table).Emit();
}

}  // namespace jitlite::ops::lstm
