// Shared checks and helpers behind NodeContext (ops/node_context.h).
#include "ops/node_context.h"

#include <algorithm>
#include <string>

namespace jitlite::ops {
namespace {

std::string TypeList(std::initializer_list<DType> types) {
  std::string s;
  for (DType t : types) {
    if (!s.empty()) s += ", ";
    s += DTypeName(t);
  }
  return s;
}

}  // namespace

Status NodeContext::ExpectInputCount(int min_count, int max_count) const {
  if (num_inputs() < min_count || num_inputs() > max_count) {
    return InvalidArgument("expected " + std::to_string(min_count) +
                           (min_count == max_count ? "" : ".." + std::to_string(max_count)) +
                           " inputs, got " + std::to_string(num_inputs()));
  }
  for (int i = 0; i < min_count; ++i) {
    if (!has_input(i)) {
      return InvalidArgument("required input " + std::to_string(i) + " is missing");
    }
  }
  return Status::Ok();
}

Status NodeContext::ExpectInputType(int i, std::initializer_list<DType> allowed) const {
  DType t = input(i).dtype;
  if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
    return Unimplemented("input " + std::to_string(i) + " has type " + DTypeName(t) +
                         "; supported: " + TypeList(allowed));
  }
  return Status::Ok();
}

Status NodeContext::ExpectRank(int i, int min_rank, int max_rank) const {
  int r = input(i).rank();
  if (r < min_rank || r > max_rank) {
    return InvalidArgument("input " + std::to_string(i) + " has rank " + std::to_string(r) +
                           " (shape " + ShapeToString(input(i).shape) + "); expected " +
                           (min_rank == max_rank ? std::to_string(min_rank)
                                                 : std::to_string(min_rank) + ".." +
                                                       std::to_string(max_rank)));
  }
  return Status::Ok();
}

StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      return InvalidArgument("shapes " + ShapeToString(a) + " and " + ShapeToString(b) +
                             " cannot be broadcast together");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Status RequireConstant(const TensorState& t, const std::string& what) {
  if (t.is_constant()) return Status::Ok();
  t.value_requested = true;
  return Unimplemented(what + " must be a constant tensor or a graph input (computed " + what +
                       " is not supported yet)");
}

StatusOr<std::vector<int64_t>> ReadConstInts(const TensorState& t, const std::string& what) {
  JITLITE_RETURN_IF_ERROR(RequireConstant(t, what));
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64) {
    return InvalidArgument(what + " must be INT32 or INT64, got " + DTypeName(t.dtype));
  }
  int64_t n = t.num_elements();
  size_t need = static_cast<size_t>(n) * DTypeSize(t.dtype);
  if (t.const_bytes < need) return InvalidArgument(what + ": constant data is too short");
  std::vector<int64_t> out(n);
  for (int64_t i = 0; i < n; ++i) {
    out[i] = t.dtype == DType::kInt32 ? t.const_as<int32_t>()[i] : t.const_as<int64_t>()[i];
  }
  return out;
}

}  // namespace jitlite::ops
