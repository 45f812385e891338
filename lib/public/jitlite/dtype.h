// Tensor element types. The numeric values are TFLite's TensorType codes, so a
// model's type field converts by a cast once it has been range-checked.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jitlite {

enum class DType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUInt64 = 12,
  kResource = 13,
  kVariant = 14,
  kUInt32 = 15,
  kUInt16 = 16,
  kInt4 = 17,
  kBFloat16 = 18,
  kInt2 = 19,
  kUInt4 = 20,
  kFloat8E4M3FN = 21,
  kFloat8E5M2 = 22,
};

constexpr int kMaxDTypeCode = 22;

inline bool IsValidDTypeCode(int code) {
  return code >= 0 && code <= kMaxDTypeCode;
}

// Bytes per element as stored in the arena (sub-byte types count as 1: they
// are unpacked on load). 0 for types without fixed size (STRING, VARIANT).
inline size_t DTypeSize(DType t) {
  switch (t) {
    case DType::kFloat32: case DType::kInt32: case DType::kUInt32: return 4;
    case DType::kFloat16: case DType::kInt16: case DType::kUInt16:
    case DType::kBFloat16: return 2;
    case DType::kInt64: case DType::kUInt64: case DType::kFloat64:
    case DType::kComplex64: return 8;
    case DType::kComplex128: return 16;
    case DType::kUInt8: case DType::kInt8: case DType::kBool:
    case DType::kInt4: case DType::kUInt4: case DType::kInt2:
    case DType::kFloat8E4M3FN: case DType::kFloat8E5M2: return 1;
    case DType::kResource: return 4;
    case DType::kString: case DType::kVariant: return 0;
  }
  return 0;
}

// TFLite's spelling: "FLOAT32", "INT8", ...
inline const char* DTypeName(DType t) {
  switch (t) {
    case DType::kFloat32: return "FLOAT32";
    case DType::kFloat16: return "FLOAT16";
    case DType::kInt32: return "INT32";
    case DType::kUInt8: return "UINT8";
    case DType::kInt64: return "INT64";
    case DType::kString: return "STRING";
    case DType::kBool: return "BOOL";
    case DType::kInt16: return "INT16";
    case DType::kComplex64: return "COMPLEX64";
    case DType::kInt8: return "INT8";
    case DType::kFloat64: return "FLOAT64";
    case DType::kComplex128: return "COMPLEX128";
    case DType::kUInt64: return "UINT64";
    case DType::kResource: return "RESOURCE";
    case DType::kVariant: return "VARIANT";
    case DType::kUInt32: return "UINT32";
    case DType::kUInt16: return "UINT16";
    case DType::kInt4: return "INT4";
    case DType::kBFloat16: return "BFLOAT16";
    case DType::kInt2: return "INT2";
    case DType::kUInt4: return "UINT4";
    case DType::kFloat8E4M3FN: return "FLOAT8_E4M3FN";
    case DType::kFloat8E5M2: return "FLOAT8_E5M2";
  }
  return "UNKNOWN";
}

}  // namespace jitlite
