"""COMPLEX_ABS against LiteRT: |x| (hypotf) of COMPLEX64 tensors (complex_cases.ComplexToFloatCases:
shapes to rank 8, special values bit-exact, fusion, refusals)."""

import numpy as np

from complex_cases import C64, ComplexToFloatCases, check_exact
from op_testing import F32


class TestComplexAbs(ComplexToFloatCases):
    OP = "COMPLEX_ABS"


def test_large_and_tiny_magnitudes():
    # Squares of 1e30 overflow float and of 1e-30 underflow it: hypotf must not.
    x = np.array([1e30 + 1e30j, 3e-30 - 4e-30j, 3e38 + 3e38j, 1e-45 + 1e-45j], C64)
    check_exact("COMPLEX_ABS", [x], F32)
