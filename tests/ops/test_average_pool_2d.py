"""AVERAGE_POOL_2D against LiteRT: the mean over the in-bounds taps of each window (padding is
neither read nor counted), SAME/VALID, strides, filter shapes, fused activations; errors.
The cases are shared with MAX_POOL_2D (pool_2d_cases.py)."""

from pool_2d_cases import Pool2DCases


class TestAveragePool2D(Pool2DCases):
    OP = "AVERAGE_POOL_2D"
