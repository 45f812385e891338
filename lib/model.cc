// Model loading: gets the bytes of a .tflite file into memory (a private
// copy-on-write mapping, or an aligned copy of a caller's buffer), proves they
// are a well-formed TFLite flatbuffer, and imports them into a Graph.
//
// Verification happens in two layers. The flatbuffers Verifier proves every
// offset, vector and string lies inside the buffer, so the generated accessors
// are safe to call. Our own checks then prove what the format cannot express:
// tensor/buffer/opcode/subgraph indices in range, shapes whose byte sizes fit,
// constant data large enough for its tensor, consistent quantization and
// sparsity. After Import() succeeds the rest of jitlite can index freely; any
// failure is an InvalidArgument naming the offending subgraph/tensor/node.
#include "lib/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "lib/composite.h"
#include "lib/constant_decoding.h"
#include "lib/float16.h"
#include "lib/resource_variables.h"
#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

constexpr uint32_t kSchemaVersion = 3;
constexpr int kMaxBuiltinCode = 209;
constexpr int kCustomCode = 32;
constexpr size_t kStorageAlignment = 64;
// Buffer.offset values 0 and 1 are placeholders; only larger values are real
// absolute file offsets (data stored after the flatbuffer in >2 GB models).
constexpr uint64_t kMinExternalOffset = 2;

template <typename T>
using FbVector = flatbuffers::Vector<T>;

std::string Quoted(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

// Escapes non-printable bytes so a garbage identifier prints readably.
std::string PrintableBytes(const uint8_t* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '\'') {
      out += static_cast<char>(p[i]);
    } else {
      out += "\\x";
      out += kHex[p[i] >> 4];
      out += kHex[p[i] & 15];
    }
  }
  return out;
}

std::string TensorLabel(int index, const std::string& name) {
  return "tensor " + std::to_string(index) + " '" + name + "'";
}

// ---------------------------------------------------------------------------
// Layer 1: identifier + flatbuffers Verifier.
// ---------------------------------------------------------------------------

Status VerifyFlatbuffer(const uint8_t* bytes, size_t size) {
  const std::string prefix = "The model is not a valid Flatbuffer buffer: ";
  if (size < 8) {
    return InvalidArgument(prefix + std::to_string(size) +
                           " bytes is too small to be a TFLite model");
  }
  if (!flatbuffers::BufferHasIdentifier(bytes, tflite::ModelIdentifier())) {
    return InvalidArgument(prefix + "file identifier is '" +
                           PrintableBytes(bytes + 4, 4) + "', expected '" +
                           tflite::ModelIdentifier() + "'");
  }
  flatbuffers::Verifier::Options options;
  // Big models (LLMs) hold far more tables than the default 1M allows; the
  // depth of a TFLite model is small, but leave room for nested unions.
  options.max_depth = 128;
  options.max_tables = 1u << 28;
  // Offsets are 32-bit, so the flatbuffer itself lies in the first 2 GB;
  // anything after that is external constant data, checked separately.
  const size_t fb_size =
      std::min<size_t>(size, FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  flatbuffers::Verifier verifier(bytes, fb_size, options);
  if (!tflite::VerifyModelBuffer(verifier)) {
    return InvalidArgument(prefix +
                           "the flatbuffer verifier rejected it (corrupt or "
                           "truncated file)");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Layer 2: structural checks while importing.
// ---------------------------------------------------------------------------

// Reads a list of tensor indices; -1 (omitted optional tensor) only where the
// format allows it (operator inputs).
Status ReadTensorIndices(const FbVector<int32_t>* list, int num_tensors,
                         bool allow_optional, const char* what,
                         std::vector<int>* out) {
  out->clear();
  if (!list) return Status::Ok();
  out->reserve(list->size());
  for (uint32_t i = 0; i < list->size(); ++i) {
    const int32_t index = list->Get(i);
    const bool optional = allow_optional && index == -1;
    if (!optional && (index < 0 || index >= num_tensors)) {
      return InvalidArgument(std::string(what) + "[" + std::to_string(i) +
                             "] is tensor " + std::to_string(index) +
                             ", out of range (the subgraph has " +
                             std::to_string(num_tensors) + " tensors)");
    }
    out->push_back(index);
  }
  return Status::Ok();
}

Status ReadShape(const FbVector<int32_t>* dims, int32_t min_dim,
                 const char* what, Shape* out) {
  out->clear();
  if (!dims) return Status::Ok();
  out->assign(dims->begin(), dims->end());
  for (int32_t d : *out) {
    if (d < min_dim) {
      return InvalidArgument(std::string(what) + " " + ShapeToString(*out) +
                             " has an invalid dimension " + std::to_string(d));
    }
  }
  return Status::Ok();
}

// Element count of a verified (non-negative) shape; false on int64 overflow.
bool CheckedElementCount(const Shape& shape, int64_t* count) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (__builtin_mul_overflow(n, static_cast<int64_t>(d), &n)) return false;
  }
  *count = n;
  return true;
}

// Bytes a constant of `count` elements occupies in the file: sub-byte types
// are packed there (two INT4/UINT4 or four INT2 per byte).
int64_t PackedByteSize(DType dtype, int64_t count) {
  switch (dtype) {
    case DType::kInt4:
    case DType::kUInt4:
      return (count + 1) / 2;
    case DType::kInt2:
      return (count + 3) / 4;
    default:
      return count * static_cast<int64_t>(DTypeSize(dtype));
  }
}

// Types whose constant byte size follows from the shape.
bool HasFixedSize(DType dtype) {
  return dtype != DType::kString && dtype != DType::kVariant &&
         dtype != DType::kResource;
}

Status CheckByteSizeFits(const Tensor& t) {
  int64_t count = 0;
  int64_t bytes = 0;
  const int64_t elem = std::max<int64_t>(1, DTypeSize(t.dtype));
  if (!CheckedElementCount(t.shape, &count) ||
      __builtin_mul_overflow(count, elem, &bytes) ||
      static_cast<uint64_t>(bytes) > std::numeric_limits<size_t>::max()) {
    return InvalidArgument("shape " + ShapeToString(t.shape) + " " +
                           DTypeName(t.dtype) +
                           " is too large (its byte size overflows)");
  }
  return Status::Ok();
}

// A constant STRING tensor is [count][count+1 offsets][chars] with int32
// fields and offsets from the start of the buffer. Kernels walk the offsets,
// so prove they stay inside the data.
Status CheckStringData(const Tensor& t) {
  auto read = [&](size_t i) {
    int32_t v;
    std::memcpy(&v, t.data + 4 * i, sizeof(v));
    return v;
  };
  if (t.data_size < 4) {
    return InvalidArgument("string buffer holds " +
                           std::to_string(t.data_size) + " bytes, too few");
  }
  const int32_t count = read(0);
  int64_t elements = 0;
  CheckedElementCount(t.shape, &elements);
  if (count < 0 || count != elements ||
      t.data_size / 4 < static_cast<size_t>(count) + 2) {
    return InvalidArgument("string buffer of " + std::to_string(t.data_size) +
                           " bytes claims " + std::to_string(count) +
                           " strings, shape " + ShapeToString(t.shape) +
                           " needs " + std::to_string(elements));
  }
  int64_t previous = 4 * (static_cast<int64_t>(count) + 2);
  for (int32_t i = 0; i <= count; ++i) {
    const int64_t offset = read(1 + i);
    if (offset < previous || offset > static_cast<int64_t>(t.data_size)) {
      return InvalidArgument("string buffer offset " + std::to_string(i) +
                             " is out of order or past the end");
    }
    previous = offset;
  }
  return Status::Ok();
}

// Per-tensor or per-axis affine parameters. Block-wise / multi-axis details
// name other tensors of the subgraph; only their indices are checked here.
Status CheckQuantizationDetails(const tflite::QuantizationParameters* q,
                                int num_tensors) {
  auto in_range = [&](int32_t index, bool allow_none) {
    return (allow_none && index == -1) || (index >= 0 && index < num_tensors);
  };
  if (const auto* b = q->details_as_BlockwiseQuantization()) {
    if (!in_range(b->scales(), false) || !in_range(b->zero_points(), true)) {
      return InvalidArgument(
          "blockwise quantization names scale/zero-point tensors " +
          std::to_string(b->scales()) + "/" +
          std::to_string(b->zero_points()) + ", out of range");
    }
  }
  if (const auto* m = q->details_as_MultiAxisQuantization()) {
    if (!in_range(m->scales(), false) || !in_range(m->zero_points(), true)) {
      return InvalidArgument(
          "multi-axis quantization names scale/zero-point tensors " +
          std::to_string(m->scales()) + "/" +
          std::to_string(m->zero_points()) + ", out of range");
    }
  }
  return Status::Ok();
}

Status ImportQuantization(const tflite::QuantizationParameters* q,
                          const Shape& shape, int num_tensors,
                          QuantizationInfo* out) {
  *out = QuantizationInfo();
  if (!q) return Status::Ok();
  JITLITE_RETURN_IF_ERROR(CheckQuantizationDetails(q, num_tensors));
  const auto* scale = q->scale();
  const auto* zero_point = q->zero_point();
  // Zero points without scales describe nothing we can use: not quantized.
  if (!scale || scale->size() == 0) return Status::Ok();
  const size_t n = scale->size();
  const size_t nz = zero_point ? zero_point->size() : 0;
  if (nz != 0 && nz != n) {
    return InvalidArgument("quantization has " + std::to_string(n) +
                           " scales but " + std::to_string(nz) +
                           " zero points");
  }
  out->scales.assign(scale->begin(), scale->end());
  if (nz == n) {
    out->zero_points.assign(zero_point->begin(), zero_point->end());
  } else {
    out->zero_points.assign(n, 0);  // symmetric: scales only
  }
  const int32_t dim = q->quantized_dimension();
  const int rank = static_cast<int>(shape.size());
  if (n == 1) {
    // Per-tensor: the dimension is meaningless and some real models (TFLM's
    // person_detect) carry stale values; keep it only when it is in range.
    out->quantized_dimension = (dim >= 0 && dim < rank) ? dim : 0;
    return Status::Ok();
  }
  if ((dim < 0 || dim >= rank) && rank == 1 &&
      static_cast<int64_t>(shape[0]) == static_cast<int64_t>(n)) {
    // Old converters copied a depthwise filter's axis (3) onto its 1-D bias
    // (TFLM's person_detect). The only axis a vector has is 0; TFLM accepts
    // these files (LiteRT does not), and we want to run them.
    out->quantized_dimension = 0;
    return Status::Ok();
  }
  if (dim < 0 || dim >= rank) {
    return InvalidArgument("per-axis quantization dimension " +
                           std::to_string(dim) + " is out of range for shape " +
                           ShapeToString(shape));
  }
  if (static_cast<int64_t>(shape[dim]) != static_cast<int64_t>(n)) {
    return InvalidArgument("per-axis quantization has " + std::to_string(n) +
                           " scales but dimension " + std::to_string(dim) +
                           " of shape " + ShapeToString(shape) + " is " +
                           std::to_string(shape[dim]));
  }
  out->quantized_dimension = dim;
  return Status::Ok();
}

// Copies one SparseIndexVector (int32/uint16/uint8 flavours) as int32.
Status ReadSparseIndexVector(tflite::SparseIndexVector type, const void* table,
                             const char* what, std::vector<int32_t>* out) {
  out->clear();
  switch (type) {
    case tflite::SparseIndexVector::Int32Vector: {
      const auto* v = static_cast<const tflite::Int32Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    case tflite::SparseIndexVector::Uint16Vector: {
      const auto* v = static_cast<const tflite::Uint16Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    case tflite::SparseIndexVector::Uint8Vector: {
      const auto* v = static_cast<const tflite::Uint8Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    default:
      return InvalidArgument(std::string("sparse dimension has no ") + what);
  }
}

Status ImportDimensionMetadata(const tflite::DimensionMetadata* dm,
                               SparseDimension* out) {
  out->format = static_cast<int>(dm->format());
  out->dense_size = dm->dense_size();
  if (dm->format() == tflite::DimensionType::DENSE) {
    if (out->dense_size < 0) {
      return InvalidArgument("dense sparse dimension has size " +
                             std::to_string(out->dense_size));
    }
    return Status::Ok();
  }
  if (dm->format() != tflite::DimensionType::SPARSE_CSR) {
    return InvalidArgument("unknown sparse dimension format " +
                           std::to_string(out->format));
  }
  const void* segments = dm->array_segments();
  const void* indices = dm->array_indices();
  if (!segments || !indices) {
    return InvalidArgument("CSR dimension lacks array_segments/array_indices");
  }
  JITLITE_RETURN_IF_ERROR(ReadSparseIndexVector(
      dm->array_segments_type(), segments, "array_segments",
      &out->array_segments));
  return ReadSparseIndexVector(dm->array_indices_type(), indices,
                               "array_indices", &out->array_indices);
}

Status ImportSparsity(const tflite::SparsityParameters* sp, int rank,
                      SparsityInfo* out) {
  *out = SparsityInfo();
  if (!sp) return Status::Ok();
  if (sp->traversal_order()) {
    out->traversal_order.assign(sp->traversal_order()->begin(),
                                sp->traversal_order()->end());
  }
  if (sp->block_map()) {
    out->block_map.assign(sp->block_map()->begin(), sp->block_map()->end());
  }
  const int dims = static_cast<int>(out->traversal_order.size());
  const int num_dim_metadata =
      sp->dim_metadata() ? static_cast<int>(sp->dim_metadata()->size()) : 0;
  if (dims != rank + static_cast<int>(out->block_map.size()) ||
      num_dim_metadata != dims) {
    return InvalidArgument(
        "sparsity has " + std::to_string(dims) + " traversal dims, " +
        std::to_string(out->block_map.size()) + " block dims and " +
        std::to_string(num_dim_metadata) + " dim_metadata for rank " +
        std::to_string(rank));
  }
  for (int32_t d : out->traversal_order) {
    if (d < 0 || d >= dims) {
      return InvalidArgument("sparsity traversal_order has dimension " +
                             std::to_string(d));
    }
  }
  for (int32_t d : out->block_map) {
    if (d < 0 || d >= rank) {
      return InvalidArgument("sparsity block_map has dimension " +
                             std::to_string(d));
    }
  }
  out->dim_metadata.resize(dims);
  for (int i = 0; i < dims; ++i) {
    JITLITE_RETURN_IF_ERROR(ImportDimensionMetadata(sp->dim_metadata()->Get(i),
                                                    &out->dim_metadata[i]));
  }
  return Status::Ok();
}

// Subgraph references inside control-flow options must name real subgraphs,
// or the compiler would index past the end.
Status CheckSubgraphRef(int64_t index, int num_subgraphs, const char* what) {
  if (index < 0 || index >= num_subgraphs) {
    return InvalidArgument(std::string(what) + " is subgraph " +
                           std::to_string(index) + ", out of range (the model has " +
                           std::to_string(num_subgraphs) + " subgraphs)");
  }
  return Status::Ok();
}

Status CheckControlFlowOptions(const tflite::Operator* op, int builtin_code,
                               int num_subgraphs) {
  using BO = tflite::BuiltinOperator;
  switch (static_cast<BO>(builtin_code)) {
    case BO::WHILE:
      if (const auto* o = op->builtin_options_as_WhileOptions()) {
        JITLITE_RETURN_IF_ERROR(CheckSubgraphRef(
            o->cond_subgraph_index(), num_subgraphs, "WHILE condition"));
        return CheckSubgraphRef(o->body_subgraph_index(), num_subgraphs,
                                "WHILE body");
      }
      return InvalidArgument("WHILE has no WhileOptions");
    case BO::IF:
      if (const auto* o = op->builtin_options_as_IfOptions()) {
        JITLITE_RETURN_IF_ERROR(CheckSubgraphRef(
            o->then_subgraph_index(), num_subgraphs, "IF then-branch"));
        return CheckSubgraphRef(o->else_subgraph_index(), num_subgraphs,
                                "IF else-branch");
      }
      return InvalidArgument("IF has no IfOptions");
    case BO::CALL_ONCE:
      if (const auto* o = op->builtin_options_as_CallOnceOptions()) {
        return CheckSubgraphRef(o->init_subgraph_index(), num_subgraphs,
                                "CALL_ONCE init");
      }
      return InvalidArgument("CALL_ONCE has no CallOnceOptions");
    case BO::STABLEHLO_COMPOSITE:
      if (const auto* o = op->builtin_options_2_as_StableHLOCompositeOptions()) {
        return CheckSubgraphRef(o->decomposition_subgraph_index(),
                                num_subgraphs, "composite decomposition");
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

// ---------------------------------------------------------------------------
// The importer: walks the verified flatbuffer and fills a Graph.
// ---------------------------------------------------------------------------

class Importer {
 public:
  Importer(const tflite::Model* model, const uint8_t* bytes, size_t size,
           Graph* graph)
      : model_(model), bytes_(bytes), size_(size), graph_(graph) {}

  Status Run() {
    JITLITE_RETURN_IF_ERROR(CheckModelHeader());
    JITLITE_RETURN_IF_ERROR(ImportOperatorCodes());
    JITLITE_RETURN_IF_ERROR(CheckMetadata());
    const auto* subgraphs = model_->subgraphs();
    graph_->subgraphs.resize(subgraphs->size());
    for (uint32_t i = 0; i < subgraphs->size(); ++i) {
      Status status = ImportSubgraph(subgraphs->Get(i), &graph_->subgraphs[i]);
      if (status.ok()) status = DecodeConstants(graph_->subgraphs[i], *graph_);
      if (!status.ok()) return status.Annotate("subgraph " + std::to_string(i));
    }
    graph_->description = Quoted(model_->description());
    return ImportSignatures();
  }

 private:
  struct OpCode {
    int builtin_code = 0;
    std::string custom_code;
    int version = 1;
  };

  int num_buffers() const {
    return model_->buffers() ? static_cast<int>(model_->buffers()->size()) : 0;
  }
  int num_subgraphs() const {
    return static_cast<int>(model_->subgraphs()->size());
  }

  Status CheckModelHeader() {
    // TFLite refuses every other schema version; so do we.
    if (model_->version() != kSchemaVersion) {
      return InvalidArgument("Model provided is schema version " +
                             std::to_string(model_->version()) +
                             " not equal to supported version 3.");
    }
    if (!model_->subgraphs() || model_->subgraphs()->size() == 0) {
      return InvalidArgument("No subgraph in the model: the model has no "
                             "subgraphs.");
    }
    return Status::Ok();
  }

  Status ImportOperatorCodes() {
    const auto* codes = model_->operator_codes();
    if (!codes) return Status::Ok();
    opcodes_.resize(codes->size());
    for (uint32_t i = 0; i < codes->size(); ++i) {
      JITLITE_RETURN_IF_ERROR(ImportOperatorCode(codes->Get(i), &opcodes_[i])
                                  .Annotate("operator code " +
                                            std::to_string(i)));
    }
    return Status::Ok();
  }

  static Status ImportOperatorCode(const tflite::OperatorCode* code,
                                   OpCode* out) {
    // Old files fill only the int8 field, codes >= 127 only the int32 one.
    out->builtin_code = std::max<int>(code->deprecated_builtin_code(),
                                      static_cast<int>(code->builtin_code()));
    out->version = code->version();
    if (out->builtin_code < 0 || out->builtin_code > kMaxBuiltinCode) {
      return InvalidArgument("builtin code " +
                             std::to_string(out->builtin_code) +
                             " is out of range (0.." +
                             std::to_string(kMaxBuiltinCode) + ")");
    }
    if (out->builtin_code == kCustomCode) {
      if (!code->custom_code() || code->custom_code()->size() == 0) {
        return InvalidArgument("CUSTOM operator code has no custom_code");
      }
      out->custom_code = code->custom_code()->str();
    }
    return Status::Ok();
  }

  Status CheckMetadata() {
    const auto* metadata = model_->metadata();
    if (!metadata) return Status::Ok();
    for (uint32_t i = 0; i < metadata->size(); ++i) {
      const uint32_t buffer = metadata->Get(i)->buffer();
      if (buffer >= static_cast<uint32_t>(num_buffers())) {
        return InvalidArgument("metadata " + std::to_string(i) + " '" +
                               Quoted(metadata->Get(i)->name()) +
                               "' names buffer " + std::to_string(buffer) +
                               ", out of range (the model has " +
                               std::to_string(num_buffers()) + " buffers)");
      }
    }
    return Status::Ok();
  }

  Status ImportSubgraph(const tflite::SubGraph* fb, Subgraph* out) {
    out->name = Quoted(fb->name());
    const auto* tensors = fb->tensors();
    const int num_tensors = tensors ? static_cast<int>(tensors->size()) : 0;
    out->tensors.resize(num_tensors);
    for (int i = 0; i < num_tensors; ++i) {
      Status status = ImportTensor(tensors->Get(i), num_tensors,
                                   &out->tensors[i]);
      if (!status.ok()) {
        return status.Annotate(TensorLabel(i, out->tensors[i].name));
      }
    }
    JITLITE_RETURN_IF_ERROR(ReadTensorIndices(fb->inputs(), num_tensors, false,
                                              "inputs", &out->inputs));
    JITLITE_RETURN_IF_ERROR(ReadTensorIndices(fb->outputs(), num_tensors,
                                              false, "outputs", &out->outputs));
    for (int i = 0; i < num_tensors; ++i) {
      Status status = ResolveBlockwiseQuantization(tensors->Get(i), &out->tensors[i], *out);
      if (!status.ok()) return status.Annotate(TensorLabel(i, out->tensors[i].name));
    }
    const auto* ops = fb->operators();
    const int num_ops = ops ? static_cast<int>(ops->size()) : 0;
    out->nodes.resize(num_ops);
    for (int i = 0; i < num_ops; ++i) {
      Node& node = out->nodes[i];
      Status status = ImportNode(i, ops->Get(i), num_tensors, &node);
      if (!status.ok()) {
        // op_name is known once the opcode resolved: "node 4 CONV_2D: ...".
        std::string label = "node " + std::to_string(i);
        if (!node.op_name.empty()) label += " " + node.op_name;
        return status.Annotate(label);
      }
    }
    return Status::Ok();
  }

  Status ImportTensor(const tflite::Tensor* fb, int num_tensors, Tensor* out) {
    out->name = Quoted(fb->name());
    const int type = static_cast<int>(fb->type());
    if (!IsValidDTypeCode(type)) {
      return InvalidArgument("unknown tensor type " + std::to_string(type));
    }
    out->dtype = static_cast<DType>(type);
    out->is_variable = fb->is_variable();
    JITLITE_RETURN_IF_ERROR(ReadShape(fb->shape(), 0, "shape", &out->shape));
    JITLITE_RETURN_IF_ERROR(CheckByteSizeFits(*out));
    JITLITE_RETURN_IF_ERROR(ReadShapeSignature(fb, out));
    JITLITE_RETURN_IF_ERROR(ImportQuantization(fb->quantization(), out->shape,
                                               num_tensors,
                                               &out->quantization));
    JITLITE_RETURN_IF_ERROR(ImportSparsity(
        fb->sparsity(), static_cast<int>(out->shape.size()), &out->sparsity));
    return ResolveConstantData(fb, out);
  }

  // Blockwise quantization keeps its scales (and zero points) in other
  // tensors of the subgraph. Once every tensor is imported, a constant
  // FLOAT16/FLOAT32 scales tensor (and INT32/INT64 zero points, zeros when
  // absent) become the tensor's scales/zero_points, one per block in the
  // scales tensor's order, with block_size set. Anything else leaves the
  // scales empty: the op using the tensor refuses it then.
  static Status ResolveBlockwiseQuantization(const tflite::Tensor* fb, Tensor* out,
                                             const Subgraph& sg) {
    const tflite::QuantizationParameters* q = fb->quantization();
    const auto* b = q ? q->details_as_BlockwiseQuantization() : nullptr;
    if (b == nullptr) return Status::Ok();
    if (b->block_size() <= 0) {
      return InvalidArgument("blockwise quantization has block size " +
                             std::to_string(b->block_size()));
    }
    const Tensor* scales = &sg.tensors[b->scales()];
    const Tensor* zero_points = b->zero_points() >= 0 ? &sg.tensors[b->zero_points()] : nullptr;
    const int64_t count = NumElements(scales->shape);
    QuantizationInfo info;
    info.block_size = b->block_size();
    if (!ReadBlockScales(*scales, &info.scales) ||
        !ReadBlockZeroPoints(zero_points, count, &info.zero_points)) {
      info.scales.clear();
      info.zero_points.clear();
    }
    out->quantization = std::move(info);
    return Status::Ok();
  }

  static bool ReadBlockScales(const Tensor& t, std::vector<float>* out) {
    const int64_t n = NumElements(t.shape);
    if (!t.is_constant() || n <= 0) return false;
    out->resize(n);
    if (t.dtype == DType::kFloat16) {
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, sizeof h);
        (*out)[i] = HalfToFloat(h);
      }
      return true;
    }
    if (t.dtype != DType::kFloat32) return false;
    std::memcpy(out->data(), t.data, n * sizeof(float));
    return true;
  }

  static bool ReadBlockZeroPoints(const Tensor* t, int64_t count, std::vector<int64_t>* out) {
    out->assign(count, 0);
    if (t == nullptr) return true;
    if (!t->is_constant() || NumElements(t->shape) != count) return false;
    for (int64_t i = 0; i < count; ++i) {
      if (t->dtype == DType::kInt32) {
        int32_t v;
        std::memcpy(&v, t->data + 4 * i, sizeof v);
        (*out)[i] = v;
      } else if (t->dtype == DType::kInt64) {
        std::memcpy(&(*out)[i], t->data + 8 * i, sizeof(int64_t));
      } else {
        return false;
      }
    }
    return true;
  }

  static Status ReadShapeSignature(const tflite::Tensor* fb, Tensor* out) {
    // Some writers emit an empty vector instead of omitting the field.
    if (!fb->shape_signature() || fb->shape_signature()->size() == 0) {
      out->shape_signature = out->shape;
      return Status::Ok();
    }
    out->has_shape_signature = true;
    JITLITE_RETURN_IF_ERROR(ReadShape(fb->shape_signature(), -1,
                                      "shape_signature",
                                      &out->shape_signature));
    if (out->shape_signature.size() != out->shape.size()) {
      return InvalidArgument("shape_signature " +
                             ShapeToString(out->shape_signature) +
                             " and shape " + ShapeToString(out->shape) +
                             " differ in rank");
    }
    return Status::Ok();
  }

  // Finds the tensor's constant bytes: inline Buffer.data, or (>2 GB models)
  // an absolute file range Buffer.offset/size. Never copies.
  Status ResolveConstantData(const tflite::Tensor* fb, Tensor* out) {
    if (fb->external_buffer() != 0) {
      // Schema "3d": weights in a separate file we are not given.
      return InvalidArgument("tensor data lives in external buffer " +
                             std::to_string(fb->external_buffer()) +
                             " (separate weight files are not supported)");
    }
    const uint32_t index = fb->buffer();
    if (index >= static_cast<uint32_t>(std::max(num_buffers(), 1))) {
      return InvalidArgument("buffer " + std::to_string(index) +
                             " is out of range (the model has " +
                             std::to_string(num_buffers()) + " buffers)");
    }
    // Variables get their initial value (zeros) from the runtime, never from
    // the model, whatever their buffer holds.
    if (num_buffers() == 0 || out->is_variable) return Status::Ok();
    const tflite::Buffer* buffer = model_->buffers()->Get(index);
    if (buffer->data() && buffer->data()->size() > 0) {
      out->data = buffer->data()->data();
      out->data_size = buffer->data()->size();
    } else if (buffer->offset() >= kMinExternalOffset && buffer->size() > 0) {
      JITLITE_RETURN_IF_ERROR(CheckFileRange(buffer->offset(), buffer->size())
                                  .Annotate("buffer " + std::to_string(index)));
      out->data = bytes_ + buffer->offset();
      out->data_size = static_cast<size_t>(buffer->size());
    } else {
      return Status::Ok();  // not a constant
    }
    return CheckConstantSize(index, *out);
  }

  Status CheckFileRange(uint64_t offset, uint64_t size) const {
    if (offset > size_ || size > size_ - offset) {
      return InvalidArgument("data at file offset " + std::to_string(offset) +
                             " (" + std::to_string(size) +
                             " bytes) lies past the end of the " +
                             std::to_string(size_) + "-byte model");
    }
    return Status::Ok();
  }

  static Status CheckConstantSize(uint32_t buffer_index, const Tensor& t) {
    // Sparse data is compressed; its size follows from the metadata.
    if (!t.sparsity.traversal_order.empty()) return Status::Ok();
    if (t.dtype == DType::kString) {
      return CheckStringData(t).Annotate("buffer " +
                                         std::to_string(buffer_index));
    }
    if (!HasFixedSize(t.dtype)) return Status::Ok();
    int64_t count = 0;
    CheckedElementCount(t.shape, &count);
    const int64_t needed = PackedByteSize(t.dtype, count);
    if (static_cast<uint64_t>(needed) > t.data_size) {
      return InvalidArgument("buffer " + std::to_string(buffer_index) +
                             " holds " + std::to_string(t.data_size) +
                             " bytes, shape " + ShapeToString(t.shape) + " " +
                             DTypeName(t.dtype) + " needs " +
                             std::to_string(needed));
    }
    return Status::Ok();
  }

  Status ImportNode(int index, const tflite::Operator* op, int num_tensors,
                    Node* out) {
    out->index = index;
    out->op = op;
    const uint32_t opcode_index = op->opcode_index();
    if (opcode_index >= opcodes_.size()) {
      return InvalidArgument("opcode_index " + std::to_string(opcode_index) +
                             " is out of range (the model has " +
                             std::to_string(opcodes_.size()) +
                             " operator codes)");
    }
    const OpCode& code = opcodes_[opcode_index];
    out->builtin_code = code.builtin_code;
    out->custom_code = code.custom_code;
    out->version = code.version;
    out->op_name = code.builtin_code == kCustomCode
                       ? code.custom_code
                       : std::string(BuiltinOpName(code.builtin_code));
    JITLITE_RETURN_IF_ERROR(ReadTensorIndices(op->inputs(), num_tensors, true,
                                              "inputs", &out->inputs));
    JITLITE_RETURN_IF_ERROR(ReadTensorIndices(op->outputs(), num_tensors,
                                              false, "outputs", &out->outputs));
    JITLITE_RETURN_IF_ERROR(ReadTensorIndices(op->intermediates(), num_tensors,
                                              false, "intermediates",
                                              &out->intermediates));
    if (op->large_custom_options_offset() >= kMinExternalOffset) {
      JITLITE_RETURN_IF_ERROR(
          CheckFileRange(op->large_custom_options_offset(),
                         op->large_custom_options_size())
              .Annotate("large custom options"));
    }
    return CheckControlFlowOptions(op, code.builtin_code, num_subgraphs());
  }

  Status ImportSignatures() {
    const auto* defs = model_->signature_defs();
    if (!defs) return Status::Ok();
    graph_->signatures.resize(defs->size());
    for (uint32_t i = 0; i < defs->size(); ++i) {
      JITLITE_RETURN_IF_ERROR(
          ImportSignature(defs->Get(i), &graph_->signatures[i])
              .Annotate("signature " + std::to_string(i)));
    }
    return Status::Ok();
  }

  Status ImportSignature(const tflite::SignatureDef* def, SignatureInfo* out) {
    out->key = Quoted(def->signature_key());
    const uint32_t sg = def->subgraph_index();
    if (sg >= static_cast<uint32_t>(num_subgraphs())) {
      return InvalidArgument("'" + out->key + "' names subgraph " +
                             std::to_string(sg) + ", out of range (the model "
                             "has " + std::to_string(num_subgraphs()) +
                             " subgraphs)");
    }
    out->subgraph_index = static_cast<int>(sg);
    const auto num_tensors = graph_->subgraphs[sg].tensors.size();
    JITLITE_RETURN_IF_ERROR(
        ReadTensorMaps(def->inputs(), num_tensors, "input", &out->inputs));
    return ReadTensorMaps(def->outputs(), num_tensors, "output", &out->outputs);
  }

  static Status ReadTensorMaps(
      const FbVector<flatbuffers::Offset<tflite::TensorMap>>* maps,
      size_t num_tensors, const char* what,
      std::vector<std::pair<std::string, int>>* out) {
    out->clear();
    if (!maps) return Status::Ok();
    for (uint32_t i = 0; i < maps->size(); ++i) {
      const tflite::TensorMap* map = maps->Get(i);
      const uint32_t tensor = map->tensor_index();
      if (tensor >= num_tensors) {
        return InvalidArgument(std::string(what) + " '" + Quoted(map->name()) +
                               "' is tensor " + std::to_string(tensor) +
                               ", out of range (the subgraph has " +
                               std::to_string(num_tensors) + " tensors)");
      }
      out->emplace_back(Quoted(map->name()), static_cast<int>(tensor));
    }
    return Status::Ok();
  }

  const tflite::Model* model_;
  const uint8_t* bytes_;
  size_t size_;
  Graph* graph_;
  std::vector<OpCode> opcodes_;
};

}  // namespace

// ---------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------

StatusOr<std::shared_ptr<const Model>> Model::FromFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return InvalidArgument("Could not open '" + path + "'.");
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("Could not open '" + path +
                           "': not a regular file.");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return InvalidArgument("The model file '" + path + "' is empty.");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  // Private and writable: pages are copy-on-write, so code that pokes at a
  // constant tensor view never faults, and the file is never modified.
  void* mapping = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                         fd, 0);
  const int mmap_errno = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) {
    return InvalidArgument("Could not map '" + path + "': " +
                           std::strerror(mmap_errno) + ".");
  }
  std::shared_ptr<Model> model(new Model());
  model->mapping_ = mapping;
  model->bytes_ = static_cast<const uint8_t*>(mapping);
  model->size_ = size;
  JITLITE_RETURN_IF_ERROR(model->Import());
  return std::shared_ptr<const Model>(std::move(model));
}

StatusOr<std::shared_ptr<const Model>> Model::FromBuffer(const void* data,
                                                         size_t size) {
  if (size == 0) {
    return InvalidArgument("The model buffer is empty (0 bytes).");
  }
  if (data == nullptr) {
    return InvalidArgument("The model buffer is null.");
  }
  // Flatbuffer data is aligned relative to the buffer start (constant
  // buffers to 16 bytes); a 64-byte aligned copy keeps every such promise.
  const size_t rounded =
      (size + kStorageAlignment - 1) / kStorageAlignment * kStorageAlignment;
  if (rounded < size) {
    return InvalidArgument("The model buffer is too large.");
  }
  auto* storage =
      static_cast<uint8_t*>(std::aligned_alloc(kStorageAlignment, rounded));
  if (storage == nullptr) {
    return InvalidArgument("Could not allocate " + std::to_string(size) +
                           " bytes for the model.");
  }
  std::memcpy(storage, data, size);
  std::memset(storage + size, 0, rounded - size);
  std::shared_ptr<Model> model(new Model());
  model->owned_ = storage;
  model->bytes_ = storage;
  model->size_ = size;
  JITLITE_RETURN_IF_ERROR(model->Import());
  return std::shared_ptr<const Model>(std::move(model));
}

Model::~Model() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
  std::free(owned_);
}

namespace {

// Import-time rewrites of subgraph 0 into graph.rewritten_main, each on the
// result of the one before: composites inlined, then resource variables
// made static.
Status RewriteMainForCompiling(Graph& graph) {
  JITLITE_ASSIGN_OR_RETURN(std::unique_ptr<Subgraph> inlined, InlineComposites(graph, 0));
  if (inlined) graph.rewritten_main = std::move(inlined);
  std::vector<InitProgram> init_programs;
  std::map<int, Subgraph> rewritten;
  JITLITE_ASSIGN_OR_RETURN(std::unique_ptr<Subgraph> lowered,
                           LowerResourceVariables(graph, &init_programs, &rewritten));
  graph.init_programs = std::move(init_programs);
  if (!rewritten.empty()) {
    graph.rewritten_subgraphs = graph.subgraphs;
    for (auto& [index, sg] : rewritten) graph.rewritten_subgraphs[index] = std::move(sg);
  }
  if (lowered) graph.rewritten_main = std::move(lowered);
  return Status::Ok();
}

}  // namespace

Status Model::Import() {
  JITLITE_RETURN_IF_ERROR(VerifyFlatbuffer(bytes_, size_));
  const tflite::Model* model = tflite::GetModel(bytes_);
  graph_ = Graph();
  Status status = Importer(model, bytes_, size_, &graph_).Run();
  if (status.ok() && !graph_.subgraphs.empty()) {
    status = RewriteMainForCompiling(graph_).Annotate("subgraph 0");
  }
  if (!status.ok()) graph_ = Graph();
  return status;
}

}  // namespace jitlite
