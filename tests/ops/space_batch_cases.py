"""The test cases SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND share: the op's shape cases (rank 4
and rank 3 inputs, block shapes 1..3, zero and non-zero paddings/crops), float32/int32/int64/bool
and quantized raw copies, constant (folded) data, and the models both refuse (bad block shapes or
paddings/crops, wrong ranks, float16, requantizing or non-zero-point int16 outputs, computed
parameters). Each op's test file subclasses SpaceBatchCases as Test<Op> and sets the class
attributes; pytest collects the subclass only."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, shape_id


def params(block, amounts):
    """block_shape and paddings/crops as the op's INT32 constants."""
    return [np.array(block, I32), np.array(amounts, I32).reshape(len(block), 2)]


class SpaceBatchCases:
    OP = None        # set by the subclass, as are:
    CASES = None     # (input shape, block_shape, paddings or crops)
    SAMPLE = None    # one case with a non-square block and non-zero amounts
    # A rank 4 input that block_shape [2, 2] with zero paddings/crops accepts.
    VALID_SHAPE = None
    # LiteRT refuses negative crops but, unlike TensorFlow, not negative paddings.
    LITERT_REJECTS_NEGATIVE = True

    def pytest_generate_tests(self, metafunc):
        if "case" in metafunc.fixturenames:
            metafunc.parametrize("case", self.CASES, ids=[shape_id(c[0]) for c in self.CASES])

    def test_shapes(self, case):
        shape, block, amounts = case
        check_op(self.OP, [(shape, F32)], params(block, amounts))

    @pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
    def test_dtypes(self, dtype):
        shape, block, amounts = self.SAMPLE
        check_op(self.OP, [(shape, dtype)], params(block, amounts))

    @pytest.mark.parametrize("dtype, zero_point", [(np.int8, -5), (np.uint8, 130), (np.int16, 0)])
    def test_quantized_raw_copy(self, dtype, zero_point):
        shape, block, amounts = self.SAMPLE
        check_op(self.OP, [(shape, dtype, dict(scale=0.5, zero_point=zero_point))],
                 params(block, amounts))

    @pytest.mark.parametrize("dtype", [I32, np.bool_])
    def test_constant_data_is_folded(self, dtype):
        shape, block, amounts = self.SAMPLE
        data = (np.arange(np.prod(shape)).reshape(shape) % 7).astype(dtype)
        check_op(self.OP, [data] + params(block, amounts))

    def test_quantized_constant_is_folded(self):
        shape, block, amounts = self.SAMPLE
        data = (np.arange(np.prod(shape)).reshape(shape) % 50 - 20).astype(np.int8)
        check_op(self.OP, [(data, dict(scale=0.5, zero_point=4))] + params(block, amounts))

    # --- must-fail -----------------------------------------------------------------------------

    def test_invalid_parameters(self):
        cases = [
            (params([0, 2], [[0, 0], [0, 0]]), "must be >= 1", True),
            (params([2, 2], [[0, 0], [-1, 1]]), "must be >= 0", self.LITERT_REJECTS_NEGATIVE),
            (params([2], [[0, 0]]), r"expected \[2\]", True),
            ([np.array([2, 2], I64), np.zeros((2, 2), I64)], "TFLite supports INT32", True),
        ]
        for constants, match, litert_rejects in cases:
            assert_rejected(self.OP, [(self.VALID_SHAPE, F32)], constants, match=match,
                            litert_rejects=litert_rejects, output_shapes=[[1]])

    @pytest.mark.parametrize("shape, constants", [
        ((4, 2), params([2], [[0, 0]])),
        ((4, 2, 2, 2, 1), params([2, 1, 1], [[0, 0]] * 3)),
    ], ids=["rank2", "rank5"])
    def test_invalid_rank(self, shape, constants):
        assert_rejected(self.OP, [(shape, F32)], constants, match=f"has rank {len(shape)}",
                        litert_rejects=True, output_shapes=[[1]])

    @pytest.mark.parametrize("dtype, tensor_args, output_quant, match, litert_rejects", [
        (np.int8, dict(scale=0.5, zero_point=1), dict(scale=0.25, zero_point=1),
         "quantized like input 0", True),
        (np.uint8, dict(scale=0.5, zero_point=1), dict(scale=0.5, zero_point=2),
         "quantized like input 0", True),
        (np.int16, dict(scale=0.5, zero_point=3), None, "needs zero point 0", True),
    ], ids=["int8_scale", "uint8_zero_point", "int16_zero_point"])
    def test_invalid_types(self, dtype, tensor_args, output_quant, match, litert_rejects):
        assert_rejected(self.OP, [(self.VALID_SHAPE, dtype, tensor_args)],
                        params([2, 2], [[0, 0], [0, 0]]), match=match, output_quant=output_quant,
                        litert_rejects=litert_rejects, output_shapes=[[1]])

    def test_computed_block_shape_is_unimplemented(self):
        assert_rejected(self.OP, [(self.VALID_SHAPE, F32), ((2,), I32)], [np.zeros((2, 2), I32)],
                        match="block_shape .* not a constant tensor", output_shapes=[[1]])

    def test_computed_amounts_are_unimplemented(self):
        assert_rejected(self.OP, [(self.VALID_SHAPE, F32), np.array([2, 2], I32), ((2, 2), I32)],
                        match=r"\(input 2\) is not a constant tensor", output_shapes=[[1]])
