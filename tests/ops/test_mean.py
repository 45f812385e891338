"""MEAN against LiteRT: single, multiple, negative, duplicate, unordered and empty axis lists,
keep_dims both ways, float32/int32/int64 data, scalars and rank 6 inputs, the kept-innermost-dims
(NHWC spatial) form and long rows, and the models jitlite must refuse.
The cases are shared with the other op of the pair (reduce_cases.MeanSumCases)."""

from reduce_cases import MeanSumCases


class TestMean(MeanSumCases):
    OP = "MEAN"
