"""L2_POOL_2D against LiteRT: sqrt of the mean of squares over the in-bounds taps of each window
(padding is neither read nor counted), SAME/VALID, strides, filter shapes, fused activations;
errors. The cases are shared with the other pools (pool_2d_cases.py); TFLite has no quantized
L2 pool, so quantized inputs are rejected as TFLite rejects them."""

import numpy as np
import pytest

from pool_2d_cases import Pool2DCases, pool


class TestL2Pool2D(Pool2DCases):
    OP = "L2_POOL_2D"

    # TFLite has no quantized L2 pool: the shared quantized cases do not apply.
    test_quantized_windows = test_quantized_activations = None
    test_quantized_many_channels = test_quantized_rounds_half_away_from_zero = None
    test_quantized_output_type_must_match = None

    # The shared cases expect Unimplemented for quantized types; L2_POOL_2D has none in TFLite.
    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
    def test_quantized_types_are_unimplemented(self, dtype):
        name = np.dtype(dtype).name.upper()
        with pytest.raises(RuntimeError,
                           match=f"type {name}, which TFLite's L2_POOL_2D does not accept"):
            self.allocate((1, 4, 4, 3), pool(), dtype, dict(scale=0.1, zero_point=0))

    def test_rejects_int32_input(self):
        with pytest.raises(RuntimeError, match="type INT32, which TFLite's L2_POOL_2D does not "
                                               "accept; supported: FLOAT32"):
            self.allocate((1, 4, 4, 3), pool(), np.int32)
