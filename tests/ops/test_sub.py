"""SUB against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, quantized int8/uint8/int16 (general and power-of-two int16
paths) bit-exact against the reference kernels, and the models jitlite must refuse.
The cases are shared with the other arithmetic ops (arithmetic_cases.py); the seanet int16
goldens are here."""

import pytest

from arithmetic_cases import ArithmeticCases
from quantized_models import check_golden_csvs, seanet_models


class TestSub(ArithmeticCases):
    OP = "SUB"
    POT_INT16 = True


@pytest.mark.parametrize("n", seanet_models("sub") or [0])
def test_seanet_golden(n):
    check_golden_csvs("sub", n)
