"""num_threads > 1: kernels with a parallel loop (GEMM row tiles, long
elementwise loops) are split across the interpreter's thread pool. Each
output element is still computed by exactly one thread in the same order, so
results must equal the single-thread ones bit for bit, and match LiteRT."""
import numpy as np
import pytest

from shared_models import MODELS_DIR
from jitlite.testing import ModelBuilder, assert_outputs_match, random_inputs, run_model


def _interpreter(threads):
    import functools

    from jitlite import Interpreter
    return functools.partial(Interpreter, num_threads=threads)


def _check(model, rtol_of_range=None):
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    inputs = random_inputs(model, seed=9)
    single = run_model(_interpreter(1), model, inputs)
    for threads in (2, 3):
        multi = run_model(_interpreter(threads), model, inputs)
        for a, b in zip(multi, single):
            np.testing.assert_array_equal(a, b)
    assert_outputs_match(single, run_model(LiteRT, model, inputs), rtol_of_range=rtol_of_range)


def _big_elementwise_and_conv():
    """A long ADD -> RELU chain (split by elements) and a 1x1 conv (split by row tiles)."""
    rng = np.random.default_rng(1)
    mb = ModelBuilder(description="threads")
    x = mb.add_input("x", np.float32, [1, 64, 64, 24])
    y = mb.add_input("y", np.float32, [1, 64, 64, 24])
    s = mb.add_tensor("s", np.float32, [1, 64, 64, 24])
    mb.add_op("ADD", [x, y], [s], dict(fused_activation_function="RELU"))
    w = mb.add_constant("w", rng.uniform(-1, 1, (40, 1, 1, 24)).astype(np.float32))
    b = mb.add_constant("b", rng.uniform(-1, 1, (40,)).astype(np.float32))
    out = mb.add_tensor("out", np.float32, [1, 64, 64, 40])
    mb.add_op("CONV_2D", [s, w, b], [out], dict(padding="SAME", stride_w=1, stride_h=1))
    mb.mark_output(out)
    return mb.build()


def test_threads_split_gemm_and_elementwise_loops():
    _check(_big_elementwise_and_conv())


@pytest.mark.parametrize("relative", ["micro/hello_world_float.tflite",
                                      "ops/attn_vec_einsum.tflite"])
def test_threads_on_shared_models(relative):
    path = MODELS_DIR / relative
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    _check(path.read_bytes())


def test_threads_on_mobilenet_v2():
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras model")
    from jitlite.testing.keras_models import keras_model_path

    _check(keras_model_path("mobilenet_v2").read_bytes(), rtol_of_range=1e-4)
