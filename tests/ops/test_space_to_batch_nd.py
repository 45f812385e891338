"""SPACE_TO_BATCH_ND against LiteRT: rank 4 and rank 3 inputs, block shapes 1..3 (square and
not), zero and non-zero paddings (also wider than a block, so whole rows of a batch group are
padding), batches and odd sizes; float32/int32/int64/bool and quantized raw copies (padded with
the zero point); constant (folded) data; plus the rejected cases. All but the padded-size rule
are shared with BATCH_TO_SPACE_ND (space_batch_cases.SpaceBatchCases)."""

from op_testing import F32, assert_rejected
from space_batch_cases import SpaceBatchCases, params

OP = "SPACE_TO_BATCH_ND"


class TestSpaceToBatchNd(SpaceBatchCases):
    OP = OP
    CASES = [
        ((1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]]),
        ((2, 3, 5, 2), [2, 3], [[1, 0], [0, 1]]),
        ((1, 5, 7, 3), [3, 3], [[2, 2], [1, 1]]),
        ((3, 2, 2, 1), [1, 1], [[1, 2], [0, 3]]),
        ((1, 1, 1, 2), [3, 2], [[1, 1], [0, 1]]),
        ((2, 4, 6, 1), [2, 1], [[2, 0], [0, 0]]),
        ((1, 2, 2, 3), [2, 2], [[3, 1], [2, 4]]),   # groups of padding only
        ((2, 5, 3), [3], [[1, 0]]),
        ((1, 4, 2), [2], [[0, 0]]),
        ((3, 1, 4), [3], [[0, 2]]),
    ]
    SAMPLE = ((2, 3, 5, 2), [2, 3], [[1, 0], [0, 1]])
    VALID_SHAPE = (1, 4, 4, 1)
    LITERT_REJECTS_NEGATIVE = False


def test_padded_size_must_be_a_multiple_of_the_block():
    assert_rejected(OP, [((1, 3, 3, 1), F32)], params([2, 2], [[0, 0], [0, 1]]),
                    match="padded size 3 of input dim 1 .* not a multiple of block_shape",
                    litert_rejects=True, output_shapes=[[1]])
