"""Broadcasting elementwise chains (x[n, h, w, c] * scale[n, 1, 1, c], as in
squeeze-and-excitation blocks) fused into one kernel: float within tolerance
and 8-bit bit-exact against LiteRT's reference kernels, with channel counts
that are and are not multiples of 16 (the vector width)."""
import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, jitlite_interpreter, litert_interpreter, run_model
from jitlite.testing.model_builder import ModelBuilder

REFERENCE = litert_interpreter("BUILTIN_REF")


def _scale_and_shift(dtype, channels):
    """MUL(x, scale[1, 1, 1, c]) then ADD(., shift[1, 1, c]) with a RELU."""
    shape, small = [1, 5, 7, channels], [1, 1, 1, channels]
    offset = 128 if dtype == np.uint8 else 0  # uint8 zero points are 0..255
    q = ((lambda s, z: dict(scale=s, zero_point=z + offset)) if dtype != np.float32
         else (lambda s, z: {}))
    mb = ModelBuilder(description="broadcast vectors")
    x = mb.add_input("x", dtype, shape, **q(0.05, 3))
    scale = mb.add_input("scale", dtype, small, **q(0.02, -7))
    prod = mb.add_tensor("prod", dtype, shape, **q(0.03, 1))
    mb.add_op("MUL", [x, scale], [prod])
    rng = np.random.default_rng(5)
    shift_values = (rng.uniform(-1, 1, [1, 1, channels]) if dtype == np.float32
                    else rng.integers(-100, 100, [1, 1, channels]) + offset)
    shift = mb.add_constant("shift", shift_values.astype(dtype), **q(0.04, 2))
    out = mb.add_tensor("out", dtype, shape, **q(0.06, -4))
    mb.add_op("ADD", [prod, shift], [out], dict(fused_activation_function="RELU"))
    mb.mark_output(out)
    return mb.build(), shape, small


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.uint8])
@pytest.mark.parametrize("channels", [16, 37, 96])
def test_broadcast_chain_matches_reference(dtype, channels):
    model, shape, small = _scale_and_shift(dtype, channels)
    rng = np.random.default_rng(channels)
    if dtype == np.float32:
        inputs = [rng.uniform(-2, 2, s).astype(dtype) for s in (shape, small)]
    else:
        info = np.iinfo(dtype)
        inputs = [rng.integers(info.min, info.max + 1, s).astype(dtype) for s in (shape, small)]
    ours = run_model(jitlite_interpreter(), model, inputs)
    assert_outputs_match(ours, run_model(REFERENCE, model, inputs))
