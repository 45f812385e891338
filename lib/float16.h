// IEEE binary16 (FLOAT16 tensors) to float, exactly: every half is a float.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace jitlite {

inline float HalfToFloat(uint16_t h) {
  const bool negative = (h & 0x8000u) != 0;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    float f = std::ldexp(static_cast<float>(mantissa), -24);
    return negative ? -f : f;
  }
  if (exponent == 0x1f) {
    bits = 0x7f800000u | (mantissa << 13);  // inf / NaN (payload kept)
  } else {
    bits = ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 -> 127
  }
  if (negative) bits |= 0x80000000u;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace jitlite
