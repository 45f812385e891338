"""NOT_EQUAL against LiteRT: BOOL output over broadcasting (scalars to rank 8),
float32/int32/int64/int16 inputs, int8/uint8 with rescaling (bit-exact vs the reference
kernels) and bool, NaN/inf/signed zeros (NaN != anything is true), integer extremes, and the
models jitlite must refuse. The cases are shared by the six comparison ops
(comparison_cases.py)."""

import numpy as np
import pytest

from comparison_cases import B, I16, ComparisonCases, StringComparisonCases
from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             litert_interpreter, run_model)
from op_testing import I32, shape_id


class TestNotEqual(ComparisonCases):
    OP = "NOT_EQUAL"
    ALLOWS_BOOL = True

    @pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((1, 4, 4, 3), (1, 1, 1, 3)), ((7,), ())],
                             ids=shape_id)
    def test_int16(self, shapes):
        # LiteRT's NOT_EQUAL has no INT16 kernel (it accepts the model but leaves the output
        # unwritten), so the reference is its INT32 NOT_EQUAL on the same values.
        rng = np.random.default_rng(0)
        values = [rng.integers(-3, 3, s, endpoint=True).astype(I16) for s in shapes]
        out = [list(np.broadcast_shapes(*shapes))]
        model16 = build_op_model(self.OP, [(s, I16) for s in shapes], output_dtypes=B,
                                 output_shapes=out)
        model32 = build_op_model(self.OP, [(s, I32) for s in shapes], output_dtypes=B,
                                 output_shapes=out)
        actual = run_model(jitlite_interpreter(), model16, values)
        expected = run_model(litert_interpreter(), model32, [v.astype(I32) for v in values])
        assert_outputs_match(actual, expected)


class TestNotEqualStrings(StringComparisonCases):
    OP = "NOT_EQUAL"
