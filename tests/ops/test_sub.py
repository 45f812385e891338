"""SUB against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, and the models jitlite must refuse.
The cases are shared with the other arithmetic ops (arithmetic_cases.py)."""

from arithmetic_cases import ArithmeticCases


class TestSub(ArithmeticCases):
    OP = "SUB"
