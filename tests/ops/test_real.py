"""REAL against LiteRT: the real part of COMPLEX64 tensors (complex_cases.ComplexToFloatCases:
shapes to rank 8, special values bit-exact, fusion, refusals)."""

from complex_cases import ComplexToFloatCases


class TestReal(ComplexToFloatCases):
    OP = "REAL"
