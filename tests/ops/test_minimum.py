"""MINIMUM against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, NaN and signed-
zero handling, and the models jitlite must refuse.
The cases are shared with the other op of the pair (min_max_cases.py)."""

from min_max_cases import MinMaxCases


class TestMinimum(MinMaxCases):
    OP = "MINIMUM"
