// Import-time decoding of packed and sparse constants (see the header).
//
// Sparse layout (TFLite SparsityParameters, as its FormatConverter reads it):
// a rank-R tensor with B blocked dimensions is walked as R + B "expanded"
// dimensions: d < R is original dimension d counted in blocks (its size
// divided by the block size when block_map names it), d = R + k is the
// position inside block k (of original dimension block_map[k]). Level l of
// the walk visits expanded dimension traversal_order[l] and is described by
// dim_metadata[l]: DENSE visits all dense_size positions; SPARSE_CSR visits
// array_indices[array_segments[p] .. array_segments[p + 1]) where p numbers
// the parent level's visited positions in order. Each complete path takes
// the next stored value.
#include "lib/constant_decoding.h"

#include <cstring>
#include <string>
#include <vector>

namespace jitlite {
namespace {

constexpr int kDense = 0;

std::string TensorLabel(int index, const Tensor& t) {
  return "tensor " + std::to_string(index) + " '" + t.name + "'";
}

int PackedBits(DType dtype) {
  switch (dtype) {
    case DType::kInt4: return 4;
    case DType::kInt2: return 2;
    default: return 0;
  }
}

// TFLite packs INT4 (INT2) constants two (four) to a byte, lowest bits
// first. Each element is sign-extended to one int8 byte, the layout every
// kernel reads (DTypeSize counts them as 1), so int8 kernels run unchanged.
// The import checked the data covers every element.
AlignedBuffer UnpackSubByte(const Tensor& t, int bits) {
  const int64_t n = NumElements(t.shape);
  const int per_byte = 8 / bits;
  AlignedBuffer out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int shift = bits * static_cast<int>(i % per_byte);
    // Move the field to the top of the byte, then shift back arithmetically.
    const uint8_t byte = t.data[i / per_byte];
    const auto top = static_cast<int8_t>(static_cast<uint8_t>(byte << (8 - bits - shift)));
    out.data()[i] = static_cast<uint8_t>(static_cast<int8_t>(top >> (8 - bits)));
  }
  return out;
}

// What the walk over a sparse tensor needs, derived and checked from its
// SparsityInfo: for each level, the expanded dimension's size and its
// element stride in the dense tensor.
struct SparseLayout {
  std::vector<int64_t> level_size;
  std::vector<int64_t> level_stride;
  int64_t num_values = 0;  // complete paths = stored values
};

Status CheckPermutation(const SparsityInfo& sp, int rank) {
  const int levels = static_cast<int>(sp.traversal_order.size());
  std::vector<bool> seen(levels, false);
  for (int l = 0; l < levels; ++l) {
    const int d = sp.traversal_order[l];
    if (seen[d]) {
      return InvalidArgument("sparsity traversal_order lists dimension " + std::to_string(d) +
                             " twice");
    }
    seen[d] = true;
    // Original dimensions come first: a block is always inside its dimension.
    if ((l < rank) != (d < rank)) {
      return InvalidArgument("sparsity traversal_order has " + std::string(d < rank ? "original" : "block") +
                             " dimension " + std::to_string(d) + " at position " + std::to_string(l) +
                             "; the first " + std::to_string(rank) +
                             " entries must be the original dimensions");
    }
  }
  std::vector<bool> blocked(rank, false);
  for (int32_t d : sp.block_map) {
    if (blocked[d]) {
      return InvalidArgument("sparsity block_map blocks dimension " + std::to_string(d) + " twice");
    }
    blocked[d] = true;
  }
  return Status::Ok();
}

// Sizes and dense strides of the R + B expanded dimensions.
Status ExpandedDimensions(const Tensor& t, std::vector<int64_t>* size, std::vector<int64_t>* stride) {
  const SparsityInfo& sp = t.sparsity;
  const int rank = static_cast<int>(t.shape.size());
  const int levels = static_cast<int>(sp.traversal_order.size());
  std::vector<int> level_of(levels);
  for (int l = 0; l < levels; ++l) level_of[sp.traversal_order[l]] = l;
  std::vector<int64_t> dense_stride(rank, 1);
  for (int d = rank - 2; d >= 0; --d) dense_stride[d] = dense_stride[d + 1] * t.shape[d + 1];
  size->assign(t.shape.begin(), t.shape.end());
  stride->assign(dense_stride.begin(), dense_stride.end());
  size->resize(levels);
  stride->resize(levels);
  for (size_t k = 0; k < sp.block_map.size(); ++k) {
    const int d = sp.block_map[k];
    const int e = rank + static_cast<int>(k);
    const SparseDimension& dm = sp.dim_metadata[level_of[e]];
    if (dm.format != kDense || dm.dense_size <= 0 || t.shape[d] % dm.dense_size != 0) {
      return InvalidArgument("sparsity block " + std::to_string(k) + " of dimension " +
                             std::to_string(d) + " (size " + std::to_string(t.shape[d]) +
                             ") must be a DENSE level whose dense_size divides it, got " +
                             (dm.format == kDense ? "dense_size " + std::to_string(dm.dense_size)
                                                  : std::string("a SPARSE_CSR level")));
    }
    (*size)[e] = dm.dense_size;
    (*stride)[e] = dense_stride[d];
    (*size)[d] = t.shape[d] / dm.dense_size;
    (*stride)[d] = dense_stride[d] * dm.dense_size;
  }
  return Status::Ok();
}

// A CSR level over `parents` visited positions: segments[0] = 0, never
// decreasing, one per parent plus the end; indices inside the dimension.
Status CheckCsrLevel(const SparseDimension& dm, int level, int64_t parents, int64_t dim_size) {
  const std::string where = "sparsity dim_metadata[" + std::to_string(level) + "]";
  const auto& seg = dm.array_segments;
  if (static_cast<int64_t>(seg.size()) != parents + 1) {
    return InvalidArgument(where + " has " + std::to_string(seg.size()) +
                           " array_segments, the level above visits " + std::to_string(parents) +
                           " positions (so " + std::to_string(parents + 1) + " are needed)");
  }
  if (seg[0] != 0) return InvalidArgument(where + " array_segments does not start at 0");
  for (size_t i = 1; i < seg.size(); ++i) {
    if (seg[i] < seg[i - 1]) {
      return InvalidArgument(where + " array_segments decreases at entry " + std::to_string(i));
    }
  }
  if (static_cast<size_t>(seg.back()) != dm.array_indices.size()) {
    return InvalidArgument(where + " array_segments ends at " + std::to_string(seg.back()) +
                           " but array_indices has " + std::to_string(dm.array_indices.size()) +
                           " entries");
  }
  for (size_t i = 0; i < dm.array_indices.size(); ++i) {
    const int32_t x = dm.array_indices[i];
    if (x < 0 || x >= dim_size) {
      return InvalidArgument(where + " array_indices[" + std::to_string(i) + "] = " +
                             std::to_string(x) + " is outside its dimension of size " +
                             std::to_string(dim_size));
    }
  }
  return Status::Ok();
}

StatusOr<SparseLayout> PlanSparseLayout(const Tensor& t) {
  const SparsityInfo& sp = t.sparsity;
  const int rank = static_cast<int>(t.shape.size());
  JITLITE_RETURN_IF_ERROR(CheckPermutation(sp, rank));
  std::vector<int64_t> size, stride;
  JITLITE_RETURN_IF_ERROR(ExpandedDimensions(t, &size, &stride));
  SparseLayout layout;
  int64_t positions = 1;  // visited positions of the level above
  for (size_t l = 0; l < sp.traversal_order.size(); ++l) {
    const int e = sp.traversal_order[l];
    const SparseDimension& dm = sp.dim_metadata[l];
    if (dm.format == kDense) {
      if (dm.dense_size != size[e]) {
        return InvalidArgument("sparsity dim_metadata[" + std::to_string(l) +
                               "] is DENSE of size " + std::to_string(dm.dense_size) +
                               " but walks a dimension of size " + std::to_string(size[e]));
      }
      positions *= size[e];  // bounded by the tensor's element count
    } else {
      JITLITE_RETURN_IF_ERROR(CheckCsrLevel(dm, static_cast<int>(l), positions, size[e]));
      positions = static_cast<int64_t>(dm.array_indices.size());
    }
    layout.level_size.push_back(size[e]);
    layout.level_stride.push_back(stride[e]);
  }
  layout.num_values = positions;
  return layout;
}

// Copies the stored values into their dense positions, level by level.
class SparseWalk {
 public:
  SparseWalk(const Tensor& t, const SparseLayout& layout, uint8_t* dense)
      : sp_(t.sparsity), layout_(layout), values_(t.data), dense_(dense),
        element_size_(DTypeSize(t.dtype)) {}

  void Run() { Visit(0, 0, 0); }

 private:
  void Visit(size_t level, int64_t position, int64_t offset) {
    if (level == layout_.level_size.size()) {
      std::memcpy(dense_ + offset * element_size_, values_ + next_value_ * element_size_,
                  element_size_);
      ++next_value_;
      return;
    }
    const SparseDimension& dm = sp_.dim_metadata[level];
    const int64_t stride = layout_.level_stride[level];
    if (dm.format == kDense && stride == 1 && level + 1 == layout_.level_size.size()) {
      // A contiguous innermost run (a row, a 1xN block): one copy.
      const int64_t n = layout_.level_size[level];
      std::memcpy(dense_ + offset * element_size_, values_ + next_value_ * element_size_,
                  n * element_size_);
      next_value_ += n;
      return;
    }
    if (dm.format == kDense) {
      const int64_t n = layout_.level_size[level];
      for (int64_t i = 0; i < n; ++i) Visit(level + 1, position * n + i, offset + i * stride);
      return;
    }
    for (int32_t p = dm.array_segments[position]; p < dm.array_segments[position + 1]; ++p) {
      Visit(level + 1, p, offset + dm.array_indices[p] * stride);
    }
  }

  const SparsityInfo& sp_;
  const SparseLayout& layout_;
  const uint8_t* values_;
  uint8_t* dense_;
  size_t element_size_;
  int64_t next_value_ = 0;
};

bool CanDensify(DType dtype) {
  return PackedBits(dtype) == 0 && DTypeSize(dtype) > 0 && dtype != DType::kResource;
}

StatusOr<AlignedBuffer> Densify(const Tensor& t) {
  JITLITE_ASSIGN_OR_RETURN(SparseLayout layout, PlanSparseLayout(t));
  const size_t element_size = DTypeSize(t.dtype);
  if (static_cast<uint64_t>(layout.num_values) * element_size > t.data_size) {
    return InvalidArgument("sparse data holds " + std::to_string(t.data_size / element_size) +
                           " values but its sparsity metadata describes " +
                           std::to_string(layout.num_values));
  }
  AlignedBuffer dense(static_cast<size_t>(NumElements(t.shape)) * element_size);
  std::memset(dense.data(), 0, dense.size());  // zero is all-zero bytes in every type here
  SparseWalk(t, layout, dense.data()).Run();
  return dense;
}

}  // namespace

Status DecodeConstants(Subgraph& sg, Graph& graph) {
  for (size_t i = 0; i < sg.tensors.size(); ++i) {
    Tensor& t = sg.tensors[i];
    if (!t.is_constant() || t.is_variable) continue;
    if (t.is_sparse()) {
      // Left undecoded (the op using it refuses it): sub-byte and variable-size types.
      if (!CanDensify(t.dtype)) continue;
      StatusOr<AlignedBuffer> dense = Densify(t);
      if (!dense.ok()) return dense.status().Annotate(TensorLabel(static_cast<int>(i), t));
      graph.owned_constants.push_back(std::move(*dense));
    } else if (const int bits = PackedBits(t.dtype); bits > 0) {
      graph.owned_constants.push_back(UnpackSubByte(t, bits));
    } else {
      continue;
    }
    t.decoded_data = graph.owned_constants.back().data();
    t.decoded_size = graph.owned_constants.back().size();
  }
  return Status::Ok();
}

}  // namespace jitlite
