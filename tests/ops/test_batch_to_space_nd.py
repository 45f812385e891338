"""BATCH_TO_SPACE_ND against LiteRT: rank 4 and rank 3 inputs, block shapes 1..3 (square and
not), zero and non-zero crops (also wider than a block, so a whole batch group is cropped away,
and everything cropped), output batches > 1 and odd sizes; float32/int32/int64/bool and quantized
raw copies; constant (folded) data; a SPACE_TO_BATCH_ND round trip; plus the rejected cases. All
but the batch and crop rules and the round trip are shared with SPACE_TO_BATCH_ND
(space_batch_cases.SpaceBatchCases)."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, run_both
from jitlite.testing.model_builder import ModelBuilder
from op_testing import F32, I32, assert_rejected
from space_batch_cases import SpaceBatchCases, params

OP = "BATCH_TO_SPACE_ND"


class TestBatchToSpaceNd(SpaceBatchCases):
    OP = OP
    CASES = [
        ((4, 2, 2, 1), [2, 2], [[0, 0], [0, 0]]),
        ((12, 3, 2, 2), [2, 3], [[1, 0], [0, 2]]),
        ((9, 3, 3, 3), [3, 3], [[2, 2], [1, 1]]),
        ((3, 2, 2, 1), [1, 1], [[1, 0], [0, 1]]),
        ((6, 1, 1, 2), [3, 2], [[1, 1], [0, 1]]),
        ((4, 3, 6, 1), [2, 1], [[2, 0], [0, 0]]),
        ((4, 3, 4, 1), [2, 2], [[3, 1], [2, 3]]),
        ((4, 1, 2, 1), [2, 2], [[1, 0], [0, 0]]),   # a whole group cropped away
        ((4, 1, 1, 1), [2, 2], [[1, 1], [0, 0]]),   # everything cropped: empty output
        ((6, 5, 3), [3], [[1, 0]]),
        ((2, 4, 2), [2], [[0, 0]]),
        ((6, 1, 4), [3], [[0, 2]]),
    ]
    SAMPLE = ((12, 3, 2, 2), [2, 3], [[1, 0], [0, 2]])
    VALID_SHAPE = (4, 2, 2, 1)


@pytest.mark.parametrize("shape, constants, match", [
    ((6, 2, 2, 1), params([2, 2], [[0, 0], [0, 0]]), "batch 6 .* not a multiple of the block"),
    ((4, 2, 2, 1), params([2, 2], [[3, 2], [0, 0]]), "do not fit"),
])
def test_batch_and_crop_rules(shape, constants, match):
    assert_rejected(OP, [(shape, F32)], constants, match=match, litert_rejects=True,
                    output_shapes=[[1]])


def test_round_trip_with_space_to_batch():
    mb = ModelBuilder()
    block = mb.add_constant("block", np.array([2, 3], I32))
    pads = mb.add_constant("pads", np.array([[1, 0], [2, 2]], I32))
    x = mb.add_input("x", F32, [2, 3, 5, 2])
    batched = mb.add_tensor("batched", F32, [12, 2, 3, 2])
    mb.add_op("SPACE_TO_BATCH_ND", [x, block, pads], [batched])
    y = mb.add_tensor("y", F32, [2, 3, 5, 2])
    mb.add_op(OP, [batched, block, pads], [y])
    mb.mark_output(y)
    values = [np.random.default_rng(0).uniform(-2, 2, (2, 3, 5, 2)).astype(F32)]
    actual, expected = run_both(mb.build(), values)
    assert_outputs_match(actual, expected)
    np.testing.assert_array_equal(actual[0], values[0])
