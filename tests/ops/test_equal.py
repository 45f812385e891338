"""EQUAL against LiteRT: BOOL output over broadcasting (scalars to rank 8),
float32/int32/int64/int16 inputs, int8/uint8 with rescaling (bit-exact vs the reference kernels)
and bool, NaN/inf/signed zeros, integer extremes, and the models jitlite must refuse. The cases
are shared by the six comparison ops (comparison_cases.py)."""

from comparison_cases import ComparisonCases, StringComparisonCases


class TestEqual(ComparisonCases):
    OP = "EQUAL"
    ALLOWS_BOOL = True


class TestEqualStrings(StringComparisonCases):
    OP = "EQUAL"
