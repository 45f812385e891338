"""Code generated for a lower CPU than the host must still be right: the same
models with experimental_target_cpu set to AVX2-only and to baseline x86-64
(the microkernels' 16-lane vectors are split by the backend there)."""
import functools

import numpy as np
import pytest

from shared_models import MODELS_DIR
from jitlite.testing import assert_outputs_match, random_inputs, run_model
from jitlite.testing.check_op import litert_interpreter

TARGETS = ["x86-64-v3", "x86-64"]  # AVX2 + FMA, no AVX-512; SSE2 only


def _model(relative):
    path = MODELS_DIR / relative
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    return path.read_bytes()


def _check(model, target, rtol_of_range=None):
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from jitlite import Interpreter

    inputs = random_inputs(model, seed=5)
    runner = functools.partial(Interpreter, experimental_target_cpu=target)
    actual = run_model(runner, model, inputs)
    assert_outputs_match(actual, run_model(LiteRT, model, inputs), rtol_of_range=rtol_of_range)
    interpreter = Interpreter(model_content=model, experimental_target_cpu=target)
    interpreter.allocate_tensors()
    assert interpreter.get_jit_details()["target_cpu"] == target


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("relative", ["micro/hello_world_float.tflite", "ops/norm.tflite",
                                      "ops/attn_vec_einsum.tflite"])
def test_shared_model_on_lower_target(target, relative):
    _check(_model(relative), target)


@pytest.mark.parametrize("target", TARGETS)
def test_mobilenet_v2_on_lower_target(target):
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras model")
    from jitlite.testing.keras_models import keras_model_path

    _check(keras_model_path("mobilenet_v2").read_bytes(), target, rtol_of_range=1e-4)


# The int8 GEMM takes its AVX2 (vpmaddwd) kernel on x86-64-v3 and the loop nests on x86-64
# (no AVX2: the AVX2 intrinsic must not be emitted there); both bit-exact with the reference.
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("relative", ["micro/hello_world_int8.tflite",
                                      "micro/micro_speech_quantized.tflite"])
def test_int8_model_on_lower_target(target, relative):
    from jitlite import Interpreter

    model = _model(relative)
    inputs = random_inputs(model, seed=5)
    runner = functools.partial(Interpreter, experimental_target_cpu=target)
    actual = run_model(runner, model, inputs)
    expected = run_model(litert_interpreter("BUILTIN_REF"), model, inputs)
    for got, want in zip(actual, expected):
        np.testing.assert_array_equal(got, want)


def test_unknown_target_cpu_is_a_clear_error():
    from jitlite import Interpreter

    interpreter = Interpreter(model_content=_model("api/add.bin"),
                              experimental_target_cpu="no-such-cpu")
    with pytest.raises(RuntimeError, match="'no-such-cpu' is not a CPU"):
        interpreter.allocate_tensors()
