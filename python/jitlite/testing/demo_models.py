"""Small demo models built with ModelBuilder, so model-level tests need no downloads.

`small_cnn` is a MobileNet-flavoured image classifier: input [1, 32, 32, 3] float32, output
[1, 10] class probabilities. Weights are deterministic (He-normal from a seeded generator), so a
given seed always yields the same bytes.
"""

import numpy as np

from .model_builder import ModelBuilder


class _Layers:
    """Thin helpers over ModelBuilder that create weights and the output tensor of each layer."""

    def __init__(self, mb, rng):
        self.mb = mb
        self.rng = rng

    def he_normal(self, name, shape, fan_in):
        # He init keeps activations at a similar scale through the ReLU layers, so outputs
        # are neither all zero nor huge and differences between engines stay visible.
        weights = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), shape).astype(np.float32)
        return self.mb.add_constant(name, weights)

    def bias(self, name, size):
        # Non-zero biases, so a runtime that drops a bias input fails the comparison.
        return self.mb.add_constant(name, self.rng.normal(0.0, 0.1, size).astype(np.float32))

    def op(self, op, name, inputs, shape, **options):
        out = self.mb.add_tensor(name, np.float32, shape)
        self.mb.add_op(op, inputs, [out], options)
        return out


def small_cnn(seed=0):
    """Returns .tflite bytes of a 7-op CNN classifier: [1,32,32,3] float32 -> [1,10] softmax."""
    mb = ModelBuilder(description=f"jitlite small_cnn seed={seed}")
    layers = _Layers(mb, np.random.default_rng(seed))
    x = mb.add_input("image", np.float32, [1, 32, 32, 3])

    w1 = layers.he_normal("conv1/weights", (16, 3, 3, 3), fan_in=3 * 3 * 3)
    x = layers.op("CONV_2D", "conv1", [x, w1, layers.bias("conv1/bias", 16)], [1, 16, 16, 16],
                  padding="SAME", stride_w=2, stride_h=2, fused_activation_function="RELU6")

    w2 = layers.he_normal("dw2/weights", (1, 3, 3, 16), fan_in=3 * 3)
    x = layers.op("DEPTHWISE_CONV_2D", "dw2", [x, w2, layers.bias("dw2/bias", 16)],
                  [1, 16, 16, 16], padding="SAME", stride_w=1, stride_h=1, depth_multiplier=1,
                  fused_activation_function="RELU6")

    # A per-channel shift as a separate ADD (like an unfolded batch-norm) broadcasts a [32]
    # constant over [1,16,16,32]. The conv keeps its own bias: LiteRT's CONV_2D rejects an
    # omitted bias (-1) and its DEPTHWISE_CONV_2D reads out of bounds without one.
    w3 = layers.he_normal("pw3/weights", (32, 1, 1, 16), fan_in=16)
    x = layers.op("CONV_2D", "pw3", [x, w3, layers.bias("pw3/bias", 32)], [1, 16, 16, 32],
                  padding="VALID")
    x = layers.op("ADD", "pw3/shift", [x, layers.bias("pw3/shift", 32)], [1, 16, 16, 32],
                  fused_activation_function="RELU")

    axes = mb.add_constant("pool/axes", np.array([1, 2], np.int32))
    x = layers.op("MEAN", "pool", [x, axes], [1, 32], keep_dims=False)

    w4 = layers.he_normal("logits/weights", (10, 32), fan_in=32)
    x = layers.op("FULLY_CONNECTED", "logits", [x, w4, layers.bias("logits/bias", 10)], [1, 10])
    probs = layers.op("SOFTMAX", "probs", [x], [1, 10], beta=1.0)

    mb.mark_output(probs)
    return mb.build()
