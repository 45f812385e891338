"""Real models against LiteRT: every model of ../shared/models whose ops jitlite
supports, and Keras MobileNetV2 / MobileNetV3Small converted with tensorflow-cpu
(random weights, cached outside git). Same seeded inputs on both runtimes;
float outputs within the check_op tolerance of the output's range.
"""
import numpy as np
import pytest

from shared_models import MODELS_DIR
from jitlite.testing import assert_outputs_match, random_inputs, run_both

# Every model of ../shared/models that jitlite runs (float32, int32, bool).
FLOAT_MODELS = [
    "api/2_subgraphs.bin",
    "api/2_subgraphs_dont_delegate_name.bin",
    "api/add.bin",
    "api/call_once_mul.bin",
    "api/conv_huge_im2col.bin",
    "api/empty_model.bin",
    "api/multi_add.bin",
    "api/multi_signatures.bin",
    "api/multi_subgraphs_while.bin",
    "api/nested_while.bin",
    "api/no_signatures.bin",
    "api/no_signatures_no_tensor_names.bin",
    "api/reverse_signature_model.bin",
    "api/sub.bin",
    "api/test_min_runtime.bin",
    "api/test_model_redux_precision.bin",
    "api/two_subgraphs.bin",
    "api/zero_size_constant.bin",
    "micro/hello_world_float.tflite",
    "ops/attn_vec_einsum.tflite",
    "ops/constant_output_tensor.tflite",
    "ops/ff.tflite",
    "ops/group_norm_2_groups_op.tflite",  # STABLEHLO_COMPOSITE (decomposition inlined)
    "ops/island_partial.tflite",
    "ops/k_einsum.tflite",
    "ops/l2_norm_composite.tflite",
    "ops/norm.tflite",
    "ops/q_einsum.tflite",
    "ops/reverse_signature_model.tflite",
    "ops/rope.tflite",
    "ops/simple_add_dynamic_shape.tflite",
    "ops/simple_atan2_op.tflite",
    "ops/simple_ceil_op.tflite",
    "ops/simple_elu_op.tflite",
    "ops/simple_floor_mod.tflite",
    "ops/simple_floor_op.tflite",
    "ops/simple_group_norm_op.tflite",
    "ops/simple_l2_norm.tflite",
    "ops/simple_log_softmax_op.tflite",
    "ops/simple_logical_or_op.tflite",
    "ops/simple_mirror_pad_reflect_op.tflite",
    "ops/simple_mirror_pad_symmetric_op.tflite",
    "ops/simple_reduceall_op.tflite",
    "ops/simple_reduceany_op.tflite",
    "ops/simple_reducemin_op.tflite",
    "ops/simple_relu0to1_op.tflite",
    "ops/simple_relu1_op.tflite",
    "ops/simple_round_op.tflite",
    "ops/simple_sign_op.tflite",
    "ops/simple_tile_op.tflite",
    "ops/sqrt_mean_mul_multiple.tflite",
    "ops/sqrt_mean_mul_ops.tflite",
    "ops/topo_sort_fork.tflite",
    "ops/topo_sort_fork_split.tflite",
    "ops/topo_sort_fork_violation.tflite",
    "ops/topo_sort_interleaved.tflite",
    "ops/torchaudio_conformer.tflite",
    "ops/v_einsum.tflite",
]


def _model_bytes(relative):
    path = MODELS_DIR / relative
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    return path.read_bytes()


# Models LiteRT loads but refuses at allocate_tensors; jitlite must refuse them
# the same way (RuntimeError), not run them.
INCONSISTENT_MODELS = {
    "api/add_shared_tensors.bin": "is both input 0 and output 0",  # an in-place ADD
    "ops/simple_squeeze.tflite": "squeeze",  # squeezes a dim of a rank-0 tensor
}


@pytest.mark.parametrize("relative", sorted(INCONSISTENT_MODELS))
def test_inconsistent_model_fails_at_allocate_like_litert(relative):
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from jitlite import Interpreter

    model = _model_bytes(relative)
    with pytest.raises(RuntimeError):
        LiteRT(model_content=model).allocate_tensors()
    interpreter = Interpreter(model_content=model)
    with pytest.raises(RuntimeError, match=INCONSISTENT_MODELS[relative]):
        interpreter.allocate_tensors()


@pytest.mark.parametrize("relative", FLOAT_MODELS)
def test_shared_model_matches_litert(relative):
    model = _model_bytes(relative)
    inputs = random_inputs(model, seed=1)
    actual, expected = run_both(model, inputs)
    assert_outputs_match(actual, expected, context=relative)


def test_call_once_mul_keeps_its_variable_across_invokes_and_resets():
    """CALL_ONCE initializes a resource variable on the first invoke; each invoke multiplies by
    the previous invoke's input; reset_all_variables keeps the variable, as LiteRT."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT, OpResolverType
    from jitlite import Interpreter

    model = _model_bytes("api/call_once_mul.bin")
    outputs = []
    for interpreter in (Interpreter(model_content=model),
                        LiteRT(model_content=model,
                               experimental_op_resolver_type=OpResolverType.BUILTIN_REF)):
        interpreter.allocate_tensors()
        seen = []
        for step, x in enumerate([2.0, 3.0, -5.0, 7.0]):
            interpreter.set_tensor(0, np.array(x, np.float32))
            interpreter.invoke()
            seen.append(float(interpreter.get_tensor(interpreter.get_output_details()[0]["index"])))
            if step == 1:
                interpreter.reset_all_variables()
        outputs.append(seen)
    assert outputs[0] == outputs[1]


def test_composite_shows_the_model_graph():
    """A STABLEHLO_COMPOSITE is compiled as its decomposition, but the tensor and op lists stay
    the model's subgraph 0, as LiteRT shows them."""
    from jitlite import Interpreter
    from jitlite.testing import litert_interpreter

    model = _model_bytes("ops/simple_group_norm_op.tflite")
    ours = Interpreter(model_content=model)
    theirs = litert_interpreter()(model_content=model)
    ours.allocate_tensors()
    theirs.allocate_tensors()
    assert [t["name"] for t in ours.get_tensor_details()] == \
        [t["name"] for t in theirs.get_tensor_details()]
    assert [o["op_name"] for o in ours._get_ops_details()] == ["STABLEHLO_COMPOSITE"]
    with pytest.raises(ValueError):
        ours.get_tensor(len(theirs.get_tensor_details()))


def test_hello_world_approximates_sine():
    from jitlite import Interpreter

    interpreter = Interpreter(model_content=_model_bytes("micro/hello_world_float.tflite"))
    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    errors = []
    for x in np.linspace(0.1, 6.0, 12, dtype=np.float32):
        interpreter.set_tensor(inp["index"], np.array([[x]], np.float32))
        interpreter.invoke()
        errors.append(abs(float(interpreter.get_tensor(out["index"])[0, 0]) - np.sin(x)))
    assert max(errors) < 0.25, errors


@pytest.mark.parametrize("name", ["mobilenet_v2", "mobilenet_v3_small"])
def test_keras_mobilenet_matches_litert(name):
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing.keras_models import keras_model_path

    model = keras_model_path(name).read_bytes()
    inputs = random_inputs(model, seed=2, input_range=(-1.0, 1.0))
    actual, expected = run_both(model, inputs)
    # Deep float graphs accumulate rounding differences (different summation
    # orders in 50+ layers): 1e-4 of the output range.
    assert_outputs_match(actual, expected, rtol_of_range=1e-4, context=name)
    assert int(np.argmax(actual[0])) == int(np.argmax(expected[0]))


@pytest.mark.parametrize("name", ["mobilenet_v2", "efficientnet_b0"])
def test_short_pipeline_matches_full_pipeline_and_litert(name, monkeypatch):
    """The fp32 GEMM and depthwise kernels and the entry take a short pass pipeline
    (jit/engine.cc); JITLITE_FULL_PIPELINE=1 forces the default one. Both builds
    of the code give the same outputs, and those match LiteRT."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing import jitlite_interpreter, run_model
    from jitlite.testing.keras_models import keras_model_path

    monkeypatch.setenv("JITLITE_CACHE_DIR", "off")
    model = keras_model_path(name).read_bytes()
    inputs = random_inputs(model, seed=4, input_range=(-1.0, 1.0))
    short, expected = run_both(model, inputs)
    monkeypatch.setenv("JITLITE_FULL_PIPELINE", "1")
    full = run_model(jitlite_interpreter(), model, inputs)
    assert_outputs_match(short, full, rtol_of_range=1e-5, context=f"{name} short vs full")
    assert_outputs_match(short, expected, rtol_of_range=1e-4, context=name)


# Families of the op set beyond the MobileNets: attention (BATCH_MATMUL, GELU, layer norm through
# MEAN / SQUARED_DIFFERENCE / RSQRT), unrolled LSTM and GRU cells, and a U-Net (TRANSPOSE_CONV,
# RESIZE_BILINEAR, CONCATENATION skips, per-pixel SOFTMAX).
@pytest.mark.parametrize("name", ["transformer_encoder", "lstm_classifier", "gru_classifier", "unet"])
def test_keras_model_families_match_litert(name):
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing.keras_models import keras_model_path

    model = keras_model_path(name).read_bytes()
    for seed in range(2):
        inputs = random_inputs(model, seed=seed, input_range=(-1.0, 1.0))
        actual, expected = run_both(model, inputs)
        assert_outputs_match(actual, expected, rtol_of_range=1e-4, context=f"{name} seed {seed}")


def test_keras_dynamic_batch_model_follows_resizes():
    """A Keras model with a dynamic batch (shape_signature -1, Flatten through SHAPE ->
    STRIDED_SLICE -> PACK -> RESHAPE): each batch size matches LiteRT resized the same way, and
    shapes seen before come from the compile cache."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite import Interpreter
    from jitlite.testing import litert_interpreter
    from jitlite.testing.keras_models import keras_model_path

    model = keras_model_path("dynamic_batch_cnn").read_bytes()
    ours = Interpreter(model_content=model)
    theirs = litert_interpreter()(model_content=model)
    assert list(ours.get_input_details()[0]["shape_signature"]) == [-1, 32, 32, 3]
    compilations = []
    for batch in (1, 3, 1, 3):
        x = np.random.default_rng(batch).uniform(-1, 1, (batch, 32, 32, 3)).astype(np.float32)
        outputs = []
        for interpreter in (ours, theirs):
            index = interpreter.get_input_details()[0]["index"]
            interpreter.resize_tensor_input(index, list(x.shape))
            interpreter.allocate_tensors()
            interpreter.set_tensor(index, x)
            interpreter.invoke()
            outputs.append(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]))
        assert outputs[0].shape == (batch, 10)
        assert_outputs_match([outputs[0]], [outputs[1]], context=f"batch {batch}")
        compilations.append(ours.get_jit_details()["compilations"])
    assert compilations == [1, 2, 2, 2]
@pytest.mark.parametrize("name", ["lstm_while", "gru_while", "stacked_rnn_while"])
def test_keras_recurrent_while_loop_matches_litert(name):
    """Keras LSTM/GRU/SimpleRNN without unroll: a WHILE over the time steps with the cell in its
    body (return_sequences: the body writes a TensorList, see lib/tensor_list_rewrite.h)."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite import Interpreter
    from jitlite.testing.keras_models import keras_model_path

    model = keras_model_path(name).read_bytes()
    interpreter = Interpreter(model_content=model)
    loops = [op["op_name"] for op in interpreter._get_ops_details()].count("WHILE")
    assert interpreter.num_subgraphs() == 1 + 2 * loops and loops >= 1
    for seed in range(3):
        inputs = random_inputs(model, seed=seed, input_range=(-1.0, 1.0))
        actual, expected = run_both(model, inputs)
        assert_outputs_match(actual, expected, context=f"{name} seed {seed}")


def test_keras_dynamic_range_model_matches_litert():
    """A Keras model converted with dynamic-range quantization (INT8 weights, float
    activations): hybrid DEPTHWISE_CONV_2D, CONV_2D and FULLY_CONNECTED."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing import litert_interpreter, run_model
    from jitlite.testing.keras_models import keras_model_path
    from jitlite import Interpreter

    model = keras_model_path("small_cnn", dynamic_range=True).read_bytes()
    litert = litert_interpreter()(model_content=model)
    int8_weights = [t for t in litert.get_tensor_details() if t["dtype"] == np.int8]
    assert len(int8_weights) >= 3, "the converter left the weights in float"
    for seed in range(3):
        inputs = random_inputs(model, seed=seed, input_range=(-1.0, 1.0))
        actual = run_model(Interpreter, model, inputs)
        # TFLite's own hybrid kernels (reference and optimized): check_op's float tolerance.
        for resolver in ("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"):
            expected = run_model(litert_interpreter(resolver), model, inputs)
            assert_outputs_match(actual, expected, context=f"{resolver} seed {seed}")
        # The default resolver runs these layers in XNNPACK, which quantizes activations its own
        # way (see tests/ops/hybrid_cases.py): within 2% of the output range.
        default = run_model(litert_interpreter(), model, inputs)
        assert_outputs_match(actual, default, rtol_of_range=2e-2,
                             context=f"default resolver seed {seed}")


def test_keras_dynamic_range_lstm_matches_litert():
    """lstm_classifier with dynamic-range quantization. TF 2.21's converter keeps Keras 3's
    unrolled LSTM as separate ops: hybrid FULLY_CONNECTED (INT8 weights) for the gate products,
    float LOGISTIC / TANH / MUL / ADD for the rest; no (hybrid) UNIDIRECTIONAL_SEQUENCE_LSTM.
    jitlite matches TFLite's reference kernels and the default resolver at check_op's tolerance
    (TFLite's optimized kernels are left out: over the 32 steps they drift from the reference
    ones by about the tolerance, seen 1.1e-6 on outputs of range 0.109 with seed 1)."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing import litert_interpreter, run_model
    from jitlite.testing.keras_models import keras_model_path
    from jitlite import Interpreter

    model = keras_model_path("lstm_classifier", quantization="dynamic_range").read_bytes()
    litert = litert_interpreter()(model_content=model)
    ops = {op["op_name"] for op in litert._get_ops_details()}
    assert "FULLY_CONNECTED" in ops
    int8_weights = [t for t in litert.get_tensor_details() if t["dtype"] == np.int8]
    assert len(int8_weights) >= 3, "the converter left the weights in float"
    for seed in range(3):
        inputs = random_inputs(model, seed=seed, input_range=(-1.0, 1.0))
        actual = run_model(Interpreter, model, inputs)
        for resolver in ("BUILTIN_REF", None):
            expected = run_model(litert_interpreter(resolver), model, inputs)
            assert_outputs_match(actual, expected, context=f"{resolver} seed {seed}")


def test_runs_with_tensorflow_imported_first(tmp_path):
    """TensorFlow exports its own LLVM's symbols; jitlite's JIT must still use
    its own (a researcher's script imports tensorflow before swapping in
    jitlite). Runs in a fresh process so that tensorflow really loads first."""
    import subprocess
    import sys

    pytest.importorskip("tensorflow", reason="needs tensorflow-cpu")
    model = MODELS_DIR / "api/add.bin"
    if not model.is_file():
        pytest.skip(f"model corpus not available: {model} is missing")
    script = (
        "import tensorflow, numpy as np, jitlite\n"
        f"i = jitlite.Interpreter(model_path={str(model)!r})\n"
        "i.allocate_tensors()\n"
        "x = np.arange(192, dtype=np.float32).reshape(1, 8, 8, 3)\n"
        "i.set_tensor(i.get_input_details()[0]['index'], x)\n"
        "i.invoke()\n"
        "y = i.get_tensor(i.get_output_details()[0]['index'])\n"
        "assert np.array_equal(y, 3 * x), y\n"
        "print('ok')\n")
    import os
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")


def test_output_dtype_that_contradicts_the_op_is_a_clear_error():
    from jitlite import Interpreter
    from jitlite.testing.check_op import build_op_model

    # RELU keeps its declared output type (LiteRT refuses the model too); ADD would retype it.
    model = build_op_model(op="RELU", inputs=[((2, 3), np.float32)],
                           constants=(), options=None, output_dtypes=[np.int32],
                           output_quant=None, output_shapes=[[2, 3]])
    interpreter = Interpreter(model_content=model)
    with pytest.raises(RuntimeError, match="declared INT32 in the model, but the op computes FLOAT32"):
        interpreter.allocate_tensors()


def test_arithmetic_output_declared_with_another_type_is_retyped_like_litert():
    from jitlite.testing import litert_interpreter
    from jitlite.testing.check_op import build_op_model

    model = build_op_model(op="ADD", inputs=[((2, 3), np.float32), ((2, 3), np.float32)],
                           constants=(), options=None, output_dtypes=[np.int32],
                           output_quant=None, output_shapes=[[2, 3]])
    inputs = random_inputs(model, seed=0)
    actual, expected = run_both(model, inputs)
    assert actual[0].dtype == expected[0].dtype == np.float32
    assert_outputs_match(actual, expected)
