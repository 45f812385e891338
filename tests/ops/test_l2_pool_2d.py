"""L2_POOL_2D against LiteRT: sqrt of the mean of squares over the in-bounds taps of each window
(padding is neither read nor counted), SAME/VALID, strides, filter shapes, fused activations;
errors. The cases are shared with the other pools (pool_2d_cases.py); TFLite has no quantized
L2 pool, so quantized inputs are rejected as TFLite rejects them."""

import numpy as np
import pytest

from pool_2d_cases import Pool2DCases, pool


class TestL2Pool2D(Pool2DCases):
    OP = "L2_POOL_2D"

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
    def test_quantized_types_are_unimplemented(self, dtype):
        name = np.dtype(dtype).name.upper()
        with pytest.raises(RuntimeError, match=f"type {name}; L2_POOL_2D supports FLOAT32 only "
                                               r"\(TFLite has no quantized L2 pool\)"):
            self.allocate((1, 4, 4, 3), pool(), dtype, dict(scale=0.1, zero_point=0))
