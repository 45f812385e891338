// Lowering of fusion groups to LLVM IR (see jit/lowering.h).
//
// A group is either a kernel op followed by an elementwise epilogue, or a
// chain of elementwise ops. Elementwise values are composed per element
// (XLA's elemental emitter idea): each node's EmitElement gets the values of
// its operands, which are either loaded from memory at the broadcast index or
// are the in-register result of an earlier node of the same group.
#include "jit/lowering.h"

#include <map>
#include <optional>
#include <set>

#include "jit/emitters.h"
#include "jit/half_float.h"
#include "lib/kernel_abi.h"
#include "llvm/IR/IntrinsicsX86.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "ops/op.h"
#include "jit/vector_io.h"

namespace jitlite::jit {
namespace {

using llvm::Value;

// jl_frame: {tensors, begin, end, runtime}.
llvm::StructType* FrameType(llvm::LLVMContext& c) {
  auto* ptr = llvm::PointerType::get(c, 0);
  auto* i64 = llvm::Type::getInt64Ty(c);
  return llvm::StructType::get(c, {ptr, i64, i64, ptr});
}

// Elements below which an elementwise loop runs on one thread.
constexpr int64_t kMinParallelElements = 1 << 17;
// Float lanes of a flat elementwise group's explicit vectors.
constexpr unsigned kFlatVectorLanes = 16;
// Elements from which an 8-bit elementwise chain becomes a table lookup
// (building the table runs the chain 256 times).
constexpr int64_t kMinLookupTableElements = 1 << 12;

// Per-function state: the tensor table and the loaded buffer pointers.
class GroupLowering {
 public:
  GroupLowering(llvm::Module& m, const ShapedGraph& g, const FusionPlan& plan,
                const FusionGroup& group, const std::string& symbol, const TargetTraits& target)
      : m_(m), g_(g), plan_(plan), group_(group), symbol_(symbol), target_(target),
        b_(m.getContext()) {}

  StatusOr<llvm::Function*> Emit() {
    llvm::LLVMContext& c = m_.getContext();
    auto* fn_type = llvm::FunctionType::get(llvm::Type::getVoidTy(c),
                                            {llvm::PointerType::get(c, 0)}, false);
    fn_ = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, symbol_, m_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", fn_));
    Value* frame = fn_->getArg(0);
    tensors_ = b_.CreateLoad(b_.getPtrTy(), frame, "tensors");
    auto* frame_type = FrameType(c);
    begin_ = b_.CreateLoad(b_.getInt64Ty(), b_.CreateStructGEP(frame_type, frame, 1), "begin");
    end_ = b_.CreateLoad(b_.getInt64Ty(), b_.CreateStructGEP(frame_type, frame, 2), "end");
    runtime_ = b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(frame_type, frame, 3), "runtime");
    Status s = group_.kernel_anchor ? EmitKernelGroup() : EmitElementwiseGroup();
    JITLITE_RETURN_IF_ERROR(s);
    b_.CreateRetVoid();
    return fn_;
  }

 private:
  const Subgraph& sg() const { return *g_.subgraph; }
  const ops::OpDef& def(int node) const { return *ops::FindOp(sg().nodes[node]); }

  // Buffer pointer of a tensor, loaded once from the tensor table (in the
  // entry block, so loops see a loop-invariant value).
  Value* BufferPtr(int tensor) {
    auto it = ptrs_.find(tensor);
    if (it != ptrs_.end()) return it->second;
    Value* p = LoadArgument(plan_.buffer_root[tensor]);
    ptrs_[tensor] = p;
    return p;
  }

  // The kernel's own argument for global table slot `slot`: kernels see only
  // their arguments, numbered in first-use order, so identical groups of
  // different layers lower to identical IR (and share one compiled kernel).
  Value* LoadArgument(int slot) {
    int arg = static_cast<int>(arg_slots_.size());
    arg_slots_.push_back(slot);
    llvm::BasicBlock& entry = fn_->getEntryBlock();
    llvm::IRBuilder<> eb(&entry, entry.getTerminator() ? entry.getTerminator()->getIterator()
                                                       : entry.end());
    std::string name = "arg" + std::to_string(arg);
    Value* addr = eb.CreateConstInBoundsGEP1_64(eb.getPtrTy(), tensors_, static_cast<uint64_t>(arg));
    auto* p = eb.CreateLoad(eb.getPtrTy(), addr, name);
    p->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_.getContext(), {}));
    return p;
  }

  // Index into `shape` (right-aligned broadcast) of the output index.
  Value* BroadcastOffset(const Shape& shape, std::span<Value* const> out_index) {
    std::vector<Value*> idx(shape.size());
    size_t lead = out_index.size() - shape.size();
    for (size_t d = 0; d < shape.size(); ++d) {
      idx[d] = shape[d] == 1 ? b_.getInt64(0) : out_index[lead + d];
    }
    return LinearOffsetOf(b_, shape, idx);
  }

  // Evaluates elementwise nodes [first, end) of the group at one output
  // element. `linear` is the flat offset when every external operand has the
  // output's element count (no broadcast), else null and `index` is used.
  Status EmitChain(size_t first, std::map<int, Value*>& values, std::span<Value* const> index,
                   Value* linear) {
    ElementEmitter ee(b_);
    ForwardAliases(values);
    for (size_t k = first; k < ChainEnd(); ++k) {
      const Node& node = sg().nodes[group_.nodes[k]];
      const std::vector<Value*> node_index = IndexIn(g_.tensors[node.outputs[0]].shape, index);
      ee.set_position(node_index, linear);
      std::vector<Value*> operands;
      for (int t : node.inputs) {
        if (t < 0) continue;
        auto it = values.find(t);
        if (it != values.end()) {
          operands.push_back(it->second);
          continue;
        }
        const ops::TensorState& ts = g_.tensors[t];
        Value* off = linear ? linear : BroadcastOffset(ts.shape, node_index);
        operands.push_back(LoadElement(b_, ts.dtype, BufferPtr(t), off));
      }
      ops::NodeContext ctx(node, const_cast<std::vector<ops::TensorState>&>(g_.tensors));
      Value* v = def(node.index).EmitElement(ee, ctx, operands);
      if (v == nullptr) {
        return Internal("node " + std::to_string(node.index) + " " + node.op_name +
                        ": no elementwise expression");
      }
      values[node.outputs[0]] = RoundToStorage(b_, g_.tensors[node.outputs[0]].dtype, v);
      ForwardAliases(values);
    }
    return Status::Ok();
  }

  // The elementwise epilogue: group nodes [anchor + 1, ChainEnd()) of a kernel group
  // (a row epilogue's kernel node comes after them).
  size_t ChainEnd() const { return group_.nodes.size() - (group_.row_epilogue ? 1 : 0); }

  // Row epilogue: the row kernel's input (the chain's value) is stored where
  // its output goes; the row kernel then runs there in place.
  void StoreRowKernelInput(const std::map<int, Value*>& values, std::span<Value* const> index,
                           Value* mask) {
    if (!group_.row_epilogue) return;
    const Node& rows = sg().nodes[group_.nodes.back()];
    auto it = values.find(rows.inputs[0]);
    if (it == values.end()) return;
    const ops::TensorState& out = g_.tensors[rows.outputs[0]];
    Value* ptr = b_.CreateInBoundsGEP(StorageType(b_.getContext(), out.dtype),
                                      BufferPtr(rows.outputs[0]), ChainOffset(out.shape, index));
    StoreLanes(b_, it->second, ptr, mask, llvm::Align(DTypeSize(out.dtype)));
  }

  // Epilogue aliases (FusionGroup::aliases): each output takes its input's value.
  void ForwardAliases(std::map<int, Value*>& values) const {
    for (const auto& [in, out] : group_.aliases) {
      auto it = values.find(in);
      if (it != values.end()) values[out] = it->second;
    }
  }

  // `index`, over the anchor's output shape, as the index of the same element
  // in `shape` (an epilogue alias's: same elements, same order). Groups
  // without aliases index every tensor of the chain by the loop's index.
  std::vector<Value*> IndexIn(const Shape& shape, std::span<Value* const> index) {
    if (anchor_shape_ == nullptr || shape == *anchor_shape_ || index.empty()) {
      return {index.begin(), index.end()};
    }
    Value* linear = LinearOffsetOf(b_, *anchor_shape_, index);
    std::vector<Value*> out(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
      out[d] = d == 0 ? linear : b_.CreateURem(linear, b_.getInt64(shape[d]));
      if (d > 0) linear = b_.CreateUDiv(linear, b_.getInt64(shape[d]));
    }
    return out;
  }

  // Offset of the element at `index` in chain tensor `shape` (an alias keeps
  // the element order: the anchor's offset).
  Value* ChainOffset(const Shape& shape, std::span<Value* const> index) {
    return LinearOffsetOf(b_, anchor_shape_ ? *anchor_shape_ : shape, index);
  }

  // The vector epilogue: like EmitChain for kernel groups, on `lanes` values
  // of output 0 at a time (floats or 8-bit quantized values), contiguous
  // along the last dimension.
  Status EmitVectorChain(std::map<int, Value*>& values, std::span<Value* const> index,
                         Value* mask, unsigned lanes) {
    return EmitVectorNodes(group_.anchor + 1, values, lanes, [&](int t, const Node& node) {
      return LoadVector(t, IndexIn(g_.tensors[node.outputs[0]].shape, index), mask, lanes);
    });
  }

  // Group nodes [first, ChainEnd()) on vectors of `lanes`; operands not in
  // `values` come from load(tensor, node).
  Status EmitVectorNodes(size_t first, std::map<int, Value*>& values, unsigned lanes,
                         const std::function<Value*(int, const Node&)>& load) {
    ElementEmitter ee(b_, lanes);
    ForwardAliases(values);
    for (size_t k = first; k < ChainEnd(); ++k) {
      const Node& node = sg().nodes[group_.nodes[k]];
      std::vector<Value*> operands;
      for (int t : node.inputs) {
        if (t < 0) continue;
        auto it = values.find(t);
        operands.push_back(it != values.end() ? it->second : load(t, node));
      }
      ops::NodeContext ctx(node, const_cast<std::vector<ops::TensorState>&>(g_.tensors));
      Value* v = def(node.index).EmitElement(ee, ctx, operands);
      if (v == nullptr) {
        return Internal("node " + std::to_string(node.index) + " " + node.op_name +
                        ": no vector expression");
      }
      values[node.outputs[0]] = v;
      ForwardAliases(values);
    }
    return Status::Ok();
  }

  // Lanes of tensor t (FLOAT32, INT8 or UINT8: stored as registers hold
  // them) at the broadcast index: a vector load when t varies along the last
  // dimension, else one value for every lane.
  Value* LoadVector(int t, std::span<Value* const> index, Value* mask, unsigned lanes) {
    const ops::TensorState& ts = g_.tensors[t];
    Value* off = BroadcastOffset(ts.shape, index);
    if (ts.shape.empty() || ts.shape.back() == 1) {
      return b_.CreateVectorSplat(lanes, LoadElement(b_, ts.dtype, BufferPtr(t), off));
    }
    llvm::Type* element = StorageType(b_.getContext(), ts.dtype);
    Value* ptr = b_.CreateInBoundsGEP(element, BufferPtr(t), off);
    return LoadLanes(b_, element, ptr, mask, lanes, llvm::Align(DTypeSize(ts.dtype)));
  }

  void StoreOutputVectors(const std::map<int, Value*>& values, std::span<Value* const> index,
                          Value* mask) {
    for (int t : group_.outputs) {
      auto it = values.find(t);
      if (it == values.end()) continue;
      const ops::TensorState& ts = g_.tensors[t];
      Value* ptr = b_.CreateInBoundsGEP(StorageType(b_.getContext(), ts.dtype), BufferPtr(t),
                                        ChainOffset(ts.shape, index));
      StoreLanes(b_, it->second, ptr, mask, llvm::Align(DTypeSize(ts.dtype)));
    }
  }

  // Whether the group's fused epilogue can run on vectors: every tensor of
  // it has the anchor's output type, FLOAT32 (ops vectorizable()) or INT8 /
  // UINT8 (ops vectorizable_quantized()).
  bool EpilogueVectorizable() const {
    const size_t anchor = group_.anchor;
    if (group_.nodes.size() < anchor + 2) return false;
    const DType lane = g_.tensors[sg().nodes[group_.nodes[anchor]].outputs[0]].dtype;
    const bool quantized = lane == DType::kInt8 || lane == DType::kUInt8;
    if (lane != DType::kFloat32 && !quantized) return false;
    for (size_t k = anchor; k < ChainEnd(); ++k) {
      const Node& node = sg().nodes[group_.nodes[k]];
      const ops::OpDef& op = def(node.index);
      if (k > anchor && !(quantized ? op.vectorizable_quantized() : op.vectorizable())) return false;
      for (int t : node.outputs) {
        if (g_.tensors[t].dtype != lane) return false;
      }
      if (k == anchor) continue;
      for (int t : node.inputs) {
        if (t >= 0 && g_.tensors[t].dtype != lane) return false;
      }
    }
    return true;
  }

  void StoreOutputs(const std::map<int, Value*>& values, std::span<Value* const> index,
                    Value* linear) {
    for (int t : group_.outputs) {
      auto it = values.find(t);
      if (it == values.end()) continue;
      const ops::TensorState& ts = g_.tensors[t];
      Value* off = linear ? linear : ChainOffset(ts.shape, index);
      StoreElement(b_, ts.dtype, it->second, BufferPtr(t), off);
    }
  }

  bool AllOperandsFlat(const Shape& out_shape) {
    int64_t n = NumElements(out_shape);
    for (int node : group_.nodes) {
      for (int t : sg().nodes[node].inputs) {
        if (t >= 0 && g_.tensors[t].num_elements() != n) return false;
      }
    }
    return true;
  }

  // The one 8-bit tensor a group's elementwise chain reads, when every other
  // operand is a one-element constant, every output is 8-bit with its
  // element count and no op depends on the element's position (per-channel
  // quantization): each output is then a function of that tensor's byte,
  // 256 values. -1 when not (or too small to pay for the table).
  int LookupTableInput() const {
    const Node& last = sg().nodes[group_.nodes.back()];
    const int64_t n = g_.tensors[last.outputs[0]].num_elements();
    if (n < kMinLookupTableElements) return -1;
    auto is_8bit = [&](int t) {
      DType d = g_.tensors[t].dtype;
      return d == DType::kInt8 || d == DType::kUInt8;
    };
    std::set<int> produced;
    int input = -1;
    for (int node : group_.nodes) {
      for (int t : sg().nodes[node].inputs) {
        if (t < 0 || produced.count(t)) continue;
        const ops::TensorState& ts = g_.tensors[t];
        if (ts.is_constant() && ts.num_elements() == 1) continue;
        if (!is_8bit(t) || ts.num_elements() != n || (input >= 0 && input != t)) return -1;
        input = t;
      }
      for (int t : sg().nodes[node].outputs) {
        const ops::TensorState& ts = g_.tensors[t];
        if (ts.quant && ts.quant->scales.size() > 1) return -1;
        produced.insert(t);
      }
    }
    for (int t : group_.outputs) {
      if (!is_8bit(t) || g_.tensors[t].num_elements() != n) return -1;
    }
    return input;
  }

  // Runs the chain once per byte value into a 256-entry table per output,
  // then maps every element through the tables: the same arithmetic as
  // per element, so the same bits, at a table lookup per element.
  Status EmitLookupTableGroup(int input) {
    llvm::Type* i8 = b_.getInt8Ty();
    auto* table_type = llvm::ArrayType::get(i8, 256);
    std::vector<std::pair<int, llvm::AllocaInst*>> tables;
    for (int t : group_.outputs) {
      llvm::AllocaInst* table = EmitEntryAlloca(b_, table_type, "table");
      table->setAlignment(llvm::Align(64));
      tables.push_back({t, table});
    }
    Status status;
    EmitFor(b_, b_.getInt64(0), b_.getInt64(256), 1, [&](Value* byte) {
      std::map<int, Value*> values{{input, b_.CreateTrunc(byte, i8)}};
      status = EmitChain(0, values, {}, b_.getInt64(0));  // constants: their one element
      for (auto& [t, table] : tables) {
        b_.CreateStore(values.at(t), b_.CreateInBoundsGEP(i8, table, byte));
      }
    }, "byte");
    JITLITE_RETURN_IF_ERROR(status);
    const int64_t n = g_.tensors[input].num_elements();
    bool split = n >= kMinParallelElements;
    if (split) parallel_.range = n;
    Value* begin = split ? begin_ : b_.getInt64(0);
    Value* end = split ? end_ : b_.getInt64(n);
    Value* vector_end = begin;
    const int64_t width = target_.avx512_vbmi ? 64 : target_.avx2 ? 32 : 0;
    if (width > 0) {
      Value* blocks = b_.CreateUDiv(b_.CreateSub(end, begin), b_.getInt64(width));
      vector_end = b_.CreateAdd(begin, b_.CreateMul(blocks, b_.getInt64(width)));
      EmitFor(b_, b_.getInt64(0), blocks, 1, [&](Value* block) {
        Value* i = b_.CreateAdd(begin, b_.CreateMul(block, b_.getInt64(width)));
        if (target_.avx512_vbmi) {
          LookUpVector(input, tables, i);
        } else {
          LookUpVectorAvx2(input, tables, i);
        }
      }, "block");
    }
    EmitFor(b_, vector_end, end, 1, [&](Value* i) {
      Value* byte = b_.CreateZExt(LoadElement(b_, g_.tensors[input].dtype, BufferPtr(input), i),
                                  b_.getInt64Ty());
      for (auto& [t, table] : tables) {
        Value* v = b_.CreateLoad(i8, b_.CreateInBoundsGEP(i8, table, byte));
        b_.CreateStore(v, b_.CreateInBoundsGEP(i8, BufferPtr(t), i));
      }
    }, "i");
    return Status::Ok();
  }

  // 64 elements from i through the tables with AVX-512 VBMI: vpermi2b looks
  // 64 bytes up in 128 (the low 7 bits index two table quarters), and the
  // index's top bit picks the upper or the lower half.
  void LookUpVector(int input, const std::vector<std::pair<int, llvm::AllocaInst*>>& tables,
                    Value* i) {
    llvm::Type* i8 = b_.getInt8Ty();
    auto* vec = llvm::FixedVectorType::get(i8, 64);
    Value* idx = b_.CreateAlignedLoad(vec, b_.CreateInBoundsGEP(i8, BufferPtr(input), i), llvm::Align(1));
    Value* upper = b_.CreateICmpSLT(idx, llvm::ConstantAggregateZero::get(vec));
    for (auto& [t, table] : tables) {
      Value* quarter[4];
      for (int q = 0; q < 4; ++q) {
        quarter[q] = b_.CreateAlignedLoad(vec, b_.CreateConstInBoundsGEP1_64(i8, table, q * 64),
                                          llvm::Align(64));
      }
      Value* lo = b_.CreateIntrinsic(llvm::Intrinsic::x86_avx512_vpermi2var_qi_512, {},
                                     {quarter[0], idx, quarter[1]});
      Value* hi = b_.CreateIntrinsic(llvm::Intrinsic::x86_avx512_vpermi2var_qi_512, {},
                                     {quarter[2], idx, quarter[3]});
      b_.CreateAlignedStore(b_.CreateSelect(upper, hi, lo),
                            b_.CreateInBoundsGEP(i8, BufferPtr(t), i), llvm::Align(1));
    }
  }

  // 32 elements from i through the tables with AVX2: vpshufb looks 32 bytes
  // up in a 16-byte row of the table (the index's low nibble), and each of
  // the 16 rows is blended in where the high nibble names it (EfficientNet
  // int8's swish kernels ran 1.5-2x faster than with the scalar loop).
  void LookUpVectorAvx2(int input, const std::vector<std::pair<int, llvm::AllocaInst*>>& tables,
                        Value* i) {
    llvm::Type* i8 = b_.getInt8Ty();
    auto* vec = llvm::FixedVectorType::get(i8, 32);
    auto* row_type = llvm::FixedVectorType::get(i8, 16);
    auto splat = [&](int v) { return llvm::ConstantInt::get(vec, v); };
    Value* idx = b_.CreateAlignedLoad(vec, b_.CreateInBoundsGEP(i8, BufferPtr(input), i), llvm::Align(1));
    Value* low = b_.CreateAnd(idx, splat(0x0F));
    Value* high = b_.CreateLShr(idx, splat(4));
    std::vector<int> both_lanes;
    for (int l = 0; l < 32; ++l) both_lanes.push_back(l % 16);
    for (auto& [t, table] : tables) {
      Value* result = llvm::ConstantAggregateZero::get(vec);
      for (int row = 0; row < 16; ++row) {
        Value* entries = b_.CreateAlignedLoad(
            row_type, b_.CreateConstInBoundsGEP1_64(i8, table, row * 16), llvm::Align(16));
        Value* looked_up = b_.CreateIntrinsic(llvm::Intrinsic::x86_avx2_pshuf_b, {},
                                              {b_.CreateShuffleVector(entries, both_lanes), low});
        result = b_.CreateSelect(b_.CreateICmpEQ(high, splat(row)), looked_up, result);
      }
      b_.CreateAlignedStore(result, b_.CreateInBoundsGEP(i8, BufferPtr(t), i), llvm::Align(1));
    }
  }

  Status EmitElementwiseGroup() {
    if (int input = LookupTableInput(); input >= 0) return EmitLookupTableGroup(input);
    const Node& last = sg().nodes[group_.nodes.back()];
    const Shape out_shape = g_.tensors[last.outputs[0]].shape;
    Status status;
    if (AllOperandsFlat(out_shape)) {
      // Long loops are split across threads; short ones are not worth waking them.
      int64_t n = NumElements(out_shape);
      bool split = n >= kMinParallelElements;
      if (split) parallel_.range = n;
      if (n >= kFlatVectorLanes && FlatChainVectorizable()) {
        return EmitFlatVectorGroup(split ? begin_ : b_.getInt64(0), split ? end_ : b_.getInt64(n));
      }
      EmitFor(b_, split ? begin_ : b_.getInt64(0), split ? end_ : b_.getInt64(n), 1, [&](Value* i) {
        std::map<int, Value*> values;
        status = EmitChain(0, values, {}, i);
        if (status.ok()) StoreOutputs(values, {}, i);
      }, "i");
      return status;
    }
    std::vector<Value*> index(out_shape.size());
    std::function<void(size_t)> nest = [&](size_t d) {
      if (d == out_shape.size()) {
        std::map<int, Value*> values;
        status = EmitChain(0, values, index, nullptr);
        if (status.ok()) StoreOutputs(values, index, nullptr);
        return;
      }
      EmitFor(b_, b_.getInt64(0), b_.getInt64(out_shape[d]), 1, [&](Value* iv) {
        index[d] = iv;
        nest(d + 1);
      }, ("d" + std::to_string(d)).c_str());
    };
    nest(0);
    return status;
  }

  // Whether a flat elementwise group (every operand has the output's
  // element count) can run on explicit float vectors: all its tensors
  // FLOAT32 and all its ops vectorizable(). LLVM's loop vectorizer leaves
  // chains with exp (LOGISTIC, SiLU) scalar.
  bool FlatChainVectorizable() const {
    for (int node_index : group_.nodes) {
      const Node& node = sg().nodes[node_index];
      if (!def(node.index).vectorizable()) return false;
      for (const std::vector<int>* ts : {&node.inputs, &node.outputs}) {
        for (int t : *ts) {
          if (t >= 0 && g_.tensors[t].dtype != DType::kFloat32) return false;
        }
      }
    }
    return true;
  }

  // A flat group over elements [begin, end) in vectors of kFlatVectorLanes,
  // the last one masked (a thread's chunk may end anywhere).
  Status EmitFlatVectorGroup(Value* begin, Value* end) {
    const unsigned lanes = kFlatVectorLanes;
    Value* count = b_.CreateSub(end, begin);
    Value* full_end = b_.CreateAdd(begin, b_.CreateAnd(count, b_.getInt64(~int64_t{lanes - 1})));
    Status status;
    auto body = [&](Value* i, Value* mask) {
      if (!status.ok()) return;
      auto element = [&](int t) { return b_.CreateInBoundsGEP(b_.getFloatTy(), BufferPtr(t), i); };
      std::map<int, Value*> values;
      status = EmitVectorNodes(0, values, lanes, [&](int t, const Node&) {
        return LoadLanes(b_, b_.getFloatTy(), element(t), mask, lanes, llvm::Align(4));
      });
      for (int t : group_.outputs) {
        auto it = values.find(t);
        if (status.ok() && it != values.end()) StoreLanes(b_, it->second, element(t), mask, llvm::Align(4));
      }
    };
    EmitFor(b_, begin, full_end, lanes, [&](Value* i) { body(i, nullptr); }, "v",
            kNoVectorize | kNoUnroll);
    EmitIf(b_, b_.CreateICmpULT(full_end, end), [&] {
      Value* left = b_.CreateTrunc(b_.CreateSub(end, full_end), b_.getInt32Ty());
      std::vector<llvm::Constant*> iota;
      for (unsigned l = 0; l < lanes; ++l) iota.push_back(b_.getInt32(l));
      Value* mask = b_.CreateICmpULT(llvm::ConstantVector::get(iota),
                                     b_.CreateVectorSplat(lanes, left));
      body(full_end, mask);
    });
    return status;
  }

  // Arguments for the buffers a node's OpDef::PackConstants made.
  std::vector<Value*> PackedPtrs(const Node& node) {
    std::vector<Value*> ptrs;
    for (size_t k = 0; k < g_.packed[node.index].size(); ++k) {
      ptrs.push_back(LoadArgument(g_.packed_first_slot[node.index] + static_cast<int>(k)));
    }
    return ptrs;
  }

  Status EmitKernelGroup() {
    const Node& anchor = sg().nodes[group_.nodes[group_.anchor]];
    const size_t epilogue = group_.anchor + 1;  // first node of the fused epilogue
    if (!group_.aliases.empty()) anchor_shape_ = &g_.tensors[anchor.outputs[0]].shape;
    std::vector<Value*> in_ptrs, out_ptrs;
    for (size_t i = 0; i < anchor.inputs.size(); ++i) {
      int t = anchor.inputs[i];
      bool fused = i == 0 && group_.anchor > 0;  // computed by the kernel, not in memory
      in_ptrs.push_back(t >= 0 && !fused ? BufferPtr(t) : nullptr);
    }
    for (int t : anchor.outputs) {
      out_ptrs.push_back(plan_.materialized[t] ? BufferPtr(t) : nullptr);
    }
    Status chain_status;
    auto store = [&](int output, Value* value, std::span<Value* const> index) {
      std::map<int, Value*> values;
      const int t = anchor.outputs.at(output);
      values[t] = RoundToStorage(b_, g_.tensors[t].dtype, value);  // as stored before the epilogue
      if (output == 0 && chain_status.ok()) chain_status = EmitChain(epilogue, values, index, nullptr);
      StoreOutputs(values, index, nullptr);
      if (output == 0) StoreRowKernelInput(values, index, nullptr);
    };
    ops::NodeContext ctx(anchor, const_cast<std::vector<ops::TensorState>&>(g_.tensors));
    KernelEmitter ke(b_, ctx, in_ptrs, out_ptrs, PackedPtrs(anchor), store);
    std::optional<ops::NodeContext> producer_ctx;
    FusedProducer producer;
    if (group_.anchor > 0) {
      const Node& node = sg().nodes[group_.nodes[group_.anchor - 1]];
      producer_ctx.emplace(node, const_cast<std::vector<ops::TensorState>&>(g_.tensors));
      producer.ctx = &*producer_ctx;
      for (int t : node.inputs) producer.input_ptrs.push_back(t >= 0 ? BufferPtr(t) : nullptr);
      producer.packed_ptrs = PackedPtrs(node);
      ke.set_producer(&producer);
    }
    if (g_.scratch_slot[anchor.index] >= 0) ke.set_scratch(LoadArgument(g_.scratch_slot[anchor.index]));
    ke.set_frame_range(begin_, end_);
    ke.set_runtime(runtime_);
    ke.set_target(target_);
    ke.set_stores_directly(group_.nodes.size() == epilogue && !out_ptrs.empty() && out_ptrs[0] != nullptr);
    if (EpilogueVectorizable()) {
      ke.set_vector_store([&](Value* value, std::span<Value* const> index, Value* mask) {
        std::map<int, Value*> values;
        values[anchor.outputs[0]] = value;
        unsigned lanes = llvm::cast<llvm::FixedVectorType>(value->getType())->getNumElements();
        if (chain_status.ok()) chain_status = EmitVectorChain(values, index, mask, lanes);
        StoreOutputVectors(values, index, mask);
        StoreRowKernelInput(values, index, mask);
      });
    }
    if (group_.row_epilogue) SetRowEpilogue(ke);
    JITLITE_RETURN_IF_ERROR(def(anchor.index).EmitKernel(ke, ctx));
    parallel_ = ke.parallel_split();
    return chain_status;
  }

  // The row kernel (group_.nodes.back()) on rows of its output, in place.
  void SetRowEpilogue(KernelEmitter& ke) {
    const Node& rows = sg().nodes[group_.nodes.back()];
    const int64_t n = g_.tensors[rows.outputs[0]].shape.back();
    ke.set_row_epilogue([this, &ke, &rows, n](Value* first_row, int64_t count) {
      ops::NodeContext ctx(rows, const_cast<std::vector<ops::TensorState>&>(g_.tensors));
      llvm::Type* element = StorageType(b_.getContext(), g_.tensors[rows.outputs[0]].dtype);
      Value* data = b_.CreateInBoundsGEP(element, BufferPtr(rows.outputs[0]),
                                         b_.CreateMul(first_row, b_.getInt64(n)));
      def(rows.index).EmitRowsInPlace(ke, ctx, data, count);
    });
  }

  llvm::Module& m_;
  const ShapedGraph& g_;
  const FusionPlan& plan_;
  const FusionGroup& group_;
  const std::string& symbol_;
  const TargetTraits& target_;
  llvm::IRBuilder<> b_;
  llvm::Function* fn_ = nullptr;
  Value* tensors_ = nullptr;
  Value* begin_ = nullptr;
  Value* end_ = nullptr;
  Value* runtime_ = nullptr;  // the frame's jl_runtime (may be null)
  ParallelSplit parallel_;
  const Shape* anchor_shape_ = nullptr;  // set when the epilogue has aliases (IndexIn)
  std::map<int, Value*> ptrs_;
  std::vector<int> arg_slots_;

 public:
  const std::vector<int>& arg_slots() const { return arg_slots_; }
  const ParallelSplit& parallel_split() const { return parallel_; }
};

std::string NodeLabel(const Node& n) { return "node " + std::to_string(n.index) + " " + n.op_name; }

}  // namespace

Status Verify(const llvm::Module& module) {
  std::string err;
  llvm::raw_string_ostream os(err);
  if (llvm::verifyModule(module, &os)) return Internal("generated IR is invalid: " + os.str());
  return Status::Ok();
}

Status LowerKernel(llvm::Module& module, const ShapedGraph& g, const FusionPlan& plan,
                   const FusionGroup& group, const std::string& symbol,
                   const TargetTraits& target, std::vector<int>& arg_slots,
                   ParallelSplit& parallel) {
  GroupLowering lowering(module, g, plan, group, symbol, target);
  auto fn = lowering.Emit();
  if (!fn.ok()) return fn.status().Annotate(NodeLabel(g.subgraph->nodes[group.nodes[0]]));
  arg_slots = lowering.arg_slots();
  parallel = lowering.parallel_split();
  return Status::Ok();
}

namespace {

// The entry function's state while its steps are emitted: the frame it got,
// the frame it passes kernels, and the open loops and branches.
class EntryLowering {
 public:
  EntryLowering(llvm::Module& module, const std::vector<std::string>& kernel_symbols,
                const std::vector<int64_t>& arg_offsets, const std::vector<ParallelSplit>& parallel_splits)
      : m_(module), c_(module.getContext()), b_(c_), symbols_(kernel_symbols),
        arg_offsets_(arg_offsets), splits_(parallel_splits) {}

  Status Emit(const std::vector<EntryStep>& steps, const std::string& entry_name) {
    fn_type_ = llvm::FunctionType::get(llvm::Type::getVoidTy(c_), {llvm::PointerType::get(c_, 0)},
                                       false);
    fn_ = llvm::Function::Create(fn_type_, llvm::Function::ExternalLinkage, entry_name, m_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(c_, "entry", fn_));
    EmitPrologue();
    for (const EntryStep& step : steps) JITLITE_RETURN_IF_ERROR(EmitStep(step));
    if (!loops_.empty() || !branches_.empty()) return Internal("entry steps leave a loop or branch open");
    b_.CreateRetVoid();
    return Status::Ok();
  }

 private:
  using Kind = EntryStep::Kind;

  Status EmitStep(const EntryStep& step) {
    switch (step.kind) {
      case Kind::kKernel:
        if (step.kernel < 0 || step.kernel >= static_cast<int>(symbols_.size())) {
          return Internal("entry step calls kernel " + std::to_string(step.kernel));
        }
        CallKernel(step.kernel);
        return Status::Ok();
      case Kind::kCopy:
        if (step.bytes > 0) {
          b_.CreateMemCpy(ArgumentPtr(step.dst), llvm::MaybeAlign(1), ArgumentPtr(step.src),
                          llvm::MaybeAlign(1), static_cast<uint64_t>(step.bytes));
        }
        return Status::Ok();
      case Kind::kFill:
        if (step.bytes > 0) {
          b_.CreateMemSet(ArgumentPtr(step.dst), b_.getInt8(step.value),
                          static_cast<uint64_t>(step.bytes), llvm::MaybeAlign(1));
        }
        return Status::Ok();
      case Kind::kLoop: {
        auto* header = llvm::BasicBlock::Create(c_, "loop", fn_);
        auto* exit = llvm::BasicBlock::Create(c_, "loop_exit", fn_);
        b_.CreateBr(header);
        b_.SetInsertPoint(header);
        loops_.push_back({header, exit});
        return Status::Ok();
      }
      case Kind::kBreakUnless: {
        if (loops_.empty()) return Internal("entry step breaks outside a loop");
        auto* next = llvm::BasicBlock::Create(c_, "loop_body", fn_);
        b_.CreateCondBr(BoolAt(step.src), next, loops_.back().second);
        b_.SetInsertPoint(next);
        return Status::Ok();
      }
      case Kind::kEndLoop:
        if (loops_.empty()) return Internal("entry step ends no loop");
        b_.CreateBr(loops_.back().first);
        b_.SetInsertPoint(loops_.back().second);
        loops_.pop_back();
        return Status::Ok();
      case Kind::kIf: {
        auto* then_bb = llvm::BasicBlock::Create(c_, "then", fn_);
        auto* else_bb = llvm::BasicBlock::Create(c_, "else", fn_);
        auto* end_bb = llvm::BasicBlock::Create(c_, "end_if", fn_);
        b_.CreateCondBr(BoolAt(step.src), then_bb, else_bb);
        b_.SetInsertPoint(then_bb);
        branches_.push_back({else_bb, end_bb});
        return Status::Ok();
      }
      case Kind::kElse:
        if (branches_.empty()) return Internal("entry step: else outside a branch");
        b_.CreateBr(branches_.back().second);
        b_.SetInsertPoint(branches_.back().first);
        return Status::Ok();
      case Kind::kEndIf:
        if (branches_.empty()) return Internal("entry step ends no branch");
        b_.CreateBr(branches_.back().second);
        b_.SetInsertPoint(branches_.back().second);
        branches_.pop_back();
        return Status::Ok();
    }
    return Internal("unknown entry step");
  }

  // Loads the frame, makes the kernels' frame, and reads the runtime's
  // parallel_for and ctx once (null without a runtime).
  void EmitPrologue() {
    // jl_runtime is {kernel_done, ctx, parallel_for, report_error}.
    frame_type_ = FrameType(c_);
    llvm::Value* frame = fn_->getArg(0);
    args_ = b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(frame_type_, frame, 0), "args");
    runtime_ = b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(frame_type_, frame, 3), "runtime");
    // Each kernel gets a frame whose tensors are its own arguments.
    kernel_frame_ = b_.CreateAlloca(frame_type_, nullptr, "kernel_frame");
    for (unsigned f = 1; f < 4; ++f) {
      llvm::Type* t = frame_type_->getElementType(f);
      b_.CreateStore(b_.CreateLoad(t, b_.CreateStructGEP(frame_type_, frame, f)),
                     b_.CreateStructGEP(frame_type_, kernel_frame_, f));
    }
    llvm::BasicBlock* start = b_.GetInsertBlock();
    llvm::Value* pf = nullptr;
    llvm::Value* cx = nullptr;
    EmitIf(b_, b_.CreateIsNotNull(runtime_), [&] {
      cx = b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), runtime_, 1));
      pf = b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), runtime_, 2));
    });
    llvm::BasicBlock* then_end = llvm::cast<llvm::Instruction>(pf)->getParent();
    llvm::PHINode* pf_phi = b_.CreatePHI(b_.getPtrTy(), 2, "parallel_for");
    pf_phi->addIncoming(pf, then_end);
    pf_phi->addIncoming(llvm::ConstantPointerNull::get(b_.getPtrTy()), start);
    llvm::PHINode* cx_phi = b_.CreatePHI(b_.getPtrTy(), 2, "ctx");
    cx_phi->addIncoming(cx, then_end);
    cx_phi->addIncoming(llvm::ConstantPointerNull::get(b_.getPtrTy()), start);
    parallel_for_ = pf_phi;
    ctx_ = cx_phi;
  }

  llvm::Value* ArgumentPtr(int64_t arg) {
    return b_.CreateLoad(b_.getPtrTy(),
                         b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), args_, static_cast<uint64_t>(arg)));
  }

  // A BOOL tensor's first element (i8 in memory) as i1.
  llvm::Value* BoolAt(int64_t arg) {
    return b_.CreateIsNotNull(b_.CreateLoad(b_.getInt8Ty(), ArgumentPtr(arg)), "cond");
  }

  void CallKernel(int i) {
    llvm::FunctionCallee kernel = m_.getOrInsertFunction(symbols_[i], fn_type_);
    b_.CreateStore(b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), args_, static_cast<uint64_t>(arg_offsets_[i])),
                   b_.CreateStructGEP(frame_type_, kernel_frame_, 0));
    const int64_t range = splits_[i].range;
    b_.CreateStore(b_.getInt64(0), b_.CreateStructGEP(frame_type_, kernel_frame_, 1));
    b_.CreateStore(b_.getInt64(static_cast<uint64_t>(range)), b_.CreateStructGEP(frame_type_, kernel_frame_, 2));
    if (range > 1) {
      // parallel_for ? parallel_for(ctx, kernel, frame, range, parts) : kernel(frame)
      auto* parallel_type = llvm::FunctionType::get(
          b_.getVoidTy(),
          {b_.getPtrTy(), b_.getPtrTy(), b_.getPtrTy(), b_.getInt64Ty(), b_.getInt64Ty()}, false);
      auto* split = llvm::BasicBlock::Create(c_, "split", fn_);
      auto* whole = llvm::BasicBlock::Create(c_, "whole", fn_);
      auto* next = llvm::BasicBlock::Create(c_, "next", fn_);
      b_.CreateCondBr(b_.CreateIsNotNull(parallel_for_), split, whole);
      b_.SetInsertPoint(split);
      b_.CreateCall(parallel_type, parallel_for_,
                    {ctx_, kernel.getCallee(), kernel_frame_, b_.getInt64(static_cast<uint64_t>(range)),
                     b_.getInt64(static_cast<uint64_t>(splits_[i].parts_per_thread))});
      b_.CreateBr(next);
      b_.SetInsertPoint(whole);
      b_.CreateCall(kernel, {kernel_frame_});
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
    } else {
      b_.CreateCall(kernel, {kernel_frame_});
    }
    // if (runtime && runtime->kernel_done) runtime->kernel_done(runtime->ctx, i)
    auto* done_type = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getInt32Ty()}, false);
    EmitIf(b_, b_.CreateIsNotNull(runtime_), [&] {
      llvm::Value* done_fn = b_.CreateLoad(b_.getPtrTy(), runtime_, "kernel_done");
      EmitIf(b_, b_.CreateIsNotNull(done_fn), [&] {
        b_.CreateCall(done_type, done_fn, {ctx_, b_.getInt32(static_cast<uint32_t>(i))});
      });
    });
  }

  llvm::Module& m_;
  llvm::LLVMContext& c_;
  llvm::IRBuilder<> b_;
  const std::vector<std::string>& symbols_;
  const std::vector<int64_t>& arg_offsets_;
  const std::vector<ParallelSplit>& splits_;
  llvm::FunctionType* fn_type_ = nullptr;
  llvm::StructType* frame_type_ = nullptr;
  llvm::Function* fn_ = nullptr;
  llvm::Value* args_ = nullptr;
  llvm::Value* runtime_ = nullptr;
  llvm::Value* kernel_frame_ = nullptr;
  llvm::Value* parallel_for_ = nullptr;
  llvm::Value* ctx_ = nullptr;
  std::vector<std::pair<llvm::BasicBlock*, llvm::BasicBlock*>> loops_;     // header, exit
  std::vector<std::pair<llvm::BasicBlock*, llvm::BasicBlock*>> branches_;  // else, end
};

}  // namespace

Status LowerEntry(llvm::Module& module, const std::vector<std::string>& kernel_symbols,
                  const std::vector<int64_t>& arg_offsets,
                  const std::vector<ParallelSplit>& parallel_splits,
                  const std::vector<EntryStep>& steps, const std::string& entry_name) {
  EntryLowering lowering(module, kernel_symbols, arg_offsets, parallel_splits);
  return lowering.Emit(steps, entry_name);
}

}  // namespace jitlite::jit
