"""8-bit elementwise chains on large tensors run as 256-entry table lookups
(jit/lowering.cc: the chain is evaluated once per byte value, then every
element is looked up; 64 at a time with AVX-512 VBMI, 32 with AVX2). Results
must stay bit-exact against LiteRT's reference kernels: with the host's vector
lookup, AVX2's, the scalar one (an x86-64 target), split over threads, with
element counts that are not a multiple of 64, and below the size where the
table pays (per element)."""
import functools

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, litert_interpreter, run_model
from jitlite.testing.model_builder import ModelBuilder

REFERENCE = litert_interpreter("BUILTIN_REF")


def _swish_chain(dtype, shape):
    """x -> LOGISTIC -> MUL(x, .) -> ADD(., constant scalar): EfficientNet's int8 swish, then a
    bias; also outputs the LOGISTIC result, so the group has two tables."""
    zp = 0 if dtype == np.int8 else 128
    mb = ModelBuilder(description="lookup tables")
    x = mb.add_input("x", dtype, shape, scale=0.07, zero_point=zp - 5)
    sig = mb.add_tensor("sig", dtype, shape, scale=1 / 256, zero_point=-128 if dtype == np.int8 else 0)
    mb.add_op("LOGISTIC", [x], [sig])
    swish = mb.add_tensor("swish", dtype, shape, scale=0.05, zero_point=zp - 3)
    mb.add_op("MUL", [x, sig], [swish])
    c = mb.add_constant("c", np.array([17], dtype), scale=0.02, zero_point=zp + 1)
    out = mb.add_tensor("out", dtype, shape, scale=0.06, zero_point=zp + 2)
    mb.add_op("ADD", [swish, c], [out])
    mb.mark_output(out)
    mb.mark_output(sig)
    return mb.build()


def _every_byte(dtype, shape):
    info = np.iinfo(dtype)
    values = np.arange(int(np.prod(shape))) % 256 + info.min
    return [np.random.default_rng(3).permutation(values).astype(dtype).reshape(shape)]


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("shape", [[1, 67, 65, 3], [1, 128, 128, 8], [1, 8, 8, 4]],
                         ids=["odd", "threads_split", "small"])
@pytest.mark.parametrize("target", ["", "x86-64-v3", "x86-64"], ids=["host", "avx2", "scalar"])
@pytest.mark.parametrize("threads", [1, 2])
def test_table_lookup_matches_reference(dtype, shape, target, threads):
    from jitlite import Interpreter

    model = _swish_chain(dtype, shape)
    inputs = _every_byte(dtype, shape)
    ours = functools.partial(Interpreter, num_threads=threads, experimental_target_cpu=target or None)
    assert_outputs_match(run_model(ours, model, inputs), run_model(REFERENCE, model, inputs))
