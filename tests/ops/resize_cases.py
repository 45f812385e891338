"""The test cases RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: upscaling (integer and
fractional factors), downscaling, mixed, identity, 1x1 inputs and outputs, batches and odd sizes
under every option setting the op accepts, wide input values, and the models both refuse (wrong
ranks, a wrong size tensor, inputs without rows, a computed size). Each op's test file
subclasses ResizeCases as Test<Op> and sets OP and OPTIONS; pytest collects the subclass only."""

import numpy as np
import pytest

from op_testing import F32, I32, assert_rejected, check_op, shape_id

# (input shape, (new_height, new_width))
SHAPES = [
    ((1, 3, 4, 2), (5, 7)),     # fractional upscale, odd sizes
    ((1, 4, 6, 3), (8, 12)),    # exact 2x (TFLite's special case; Keras UpSampling2D)
    ((2, 7, 9, 3), (3, 4)),     # downscale, batch 2
    ((1, 5, 3, 1), (2, 8)),     # down in height, up in width
    ((3, 4, 4, 2), (4, 4)),     # identity size
    ((1, 5, 5, 2), (1, 1)),     # 1x1 output
    ((2, 1, 1, 3), (3, 2)),     # 1x1 input
    ((1, 2, 9, 5), (7, 1)),     # width 1 output
    ((1, 6, 10, 1), (4, 7)),    # rounding ties under align_corners
]


def size(h, w, dtype=I32):
    return np.array([h, w], dtype)


class ResizeCases:
    OP = None        # set by the subclass
    OPTIONS = None   # name -> options dict, every setting the op accepts (set by the subclass)

    def pytest_generate_tests(self, metafunc):
        if "option" in metafunc.fixturenames:
            metafunc.parametrize("option", sorted(self.OPTIONS))

    @pytest.mark.parametrize("shape, out", SHAPES, ids=[shape_id(s) for s, _ in SHAPES])
    def test_shapes(self, shape, out, option):
        check_op(self.OP, [(shape, F32)], [size(*out)], self.OPTIONS[option])

    def test_wide_values(self, option):
        check_op(self.OP, [((1, 6, 5, 4), F32)], [size(11, 3)], self.OPTIONS[option],
                 input_range=(-1e4, 1e4))

    # --- must-fail -----------------------------------------------------------------------------

    @pytest.mark.parametrize("shape, constants, match, litert_rejects", [
        ((3, 3, 1), [size(4, 4)], "has rank 3", True),
        ((1, 1, 3, 3, 1), [size(4, 4)], "has rank 5", True),
        ((1, 3, 3, 1), [np.array([4, 4, 1], I32)], r"expected \[2\]", True),
        ((1, 3, 3, 1), [size(4, 4, np.int64)], "needs INT32", True),
        ((1, 0, 3, 1), [size(4, 4)], "no rows or columns", False),  # TFLite would read outside
        ((1, 3, 0, 1), [size(4, 4)], "no rows or columns", False),
    ])
    def test_invalid(self, shape, constants, match, litert_rejects):
        assert_rejected(self.OP, [(shape, F32)], constants, match=match,
                        litert_rejects=litert_rejects, output_shapes=[[1, 4, 4, 1]])

    def test_computed_size_is_unimplemented(self):
        assert_rejected(self.OP, [((1, 3, 3, 1), F32), ((2,), I32)], match="not a constant tensor",
                        output_shapes=[[1, 4, 4, 1]])
