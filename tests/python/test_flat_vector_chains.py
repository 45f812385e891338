"""Flat float elementwise chains (every operand has the output's element
count: SiLU x * LOGISTIC(x), as in EfficientNet) run on explicit 16-lane
vectors with a masked tail (jit/lowering.cc EmitFlatVectorGroup; LOGISTIC's
vector division is a reciprocal estimate plus a Newton step). Compared with
LiteRT within the float tolerance, at sizes on and off the vector width, over
the thread split, and with inputs that saturate exp."""
import functools

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, jitlite_interpreter, litert_interpreter, run_model
from jitlite.testing.model_builder import ModelBuilder


def _silu_plus(shape):
    """x * LOGISTIC(x) + y: one flat group reading two inputs."""
    mb = ModelBuilder(description="flat silu")
    x = mb.add_input("x", np.float32, shape)
    y = mb.add_input("y", np.float32, shape)
    sig = mb.add_tensor("sig", np.float32, shape)
    prod = mb.add_tensor("prod", np.float32, shape)
    out = mb.add_tensor("out", np.float32, shape)
    mb.add_op("LOGISTIC", [x], [sig])
    mb.add_op("MUL", [x, sig], [prod])
    mb.add_op("ADD", [prod, y], [out])
    mb.mark_output(out)
    return mb.build()


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", [[16], [37], [3, 5, 7], [1, 64, 64, 32], [1, 131072 + 21]])
def test_flat_silu_matches_litert(shape, threads):
    model = _silu_plus(shape)
    rng = np.random.default_rng(len(shape) * 7 + threads)
    x = rng.uniform(-12, 12, shape).astype(np.float32)
    x.flat[:4] = [-100.0, 100.0, 0.0, -88.0]  # exp saturates at both ends
    y = rng.uniform(-1, 1, shape).astype(np.float32)
    interpreter = functools.partial(jitlite_interpreter(), num_threads=threads)
    ours = run_model(interpreter, model, [x, y])
    assert_outputs_match(ours, run_model(litert_interpreter(), model, [x, y]))


def test_flat_silu_is_one_kernel():
    Interpreter = jitlite_interpreter()
    interp = Interpreter(model_content=_silu_plus([1, 40, 40, 24]))
    interp.allocate_tensors()
    symbols = [k["symbol"] for k in interp.get_jit_details()["kernels"]]
    assert len(symbols) == 1 and "logistic_mul_add" in symbols[0], symbols
