"""MAX_POOL_2D against LiteRT: the max over the in-bounds taps of each window (padding is never
read), SAME/VALID, strides, filter shapes, fused activations; errors.
The cases are shared with AVERAGE_POOL_2D (pool_2d_cases.py)."""

from pool_2d_cases import Pool2DCases


class TestMaxPool2D(Pool2DCases):
    OP = "MAX_POOL_2D"
