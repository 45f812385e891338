"""IMAG against LiteRT: the imaginary part of COMPLEX64 tensors (complex_cases.ComplexToFloatCases:
shapes to rank 8, special values bit-exact, fusion, refusals)."""

from complex_cases import ComplexToFloatCases


class TestImag(ComplexToFloatCases):
    OP = "IMAG"
