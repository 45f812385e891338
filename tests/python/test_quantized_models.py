"""Quantized real models of ../shared/models against LiteRT's reference kernels (BUILTIN_REF),
bit-exact on seeded random inputs; person_detect also classifies the two sample images, and the
integer LSTM MNIST classifier (trained_lstm_int8) the ten digit samples.

micro/person_detect.tflite is refused by LiteRT's loader (its rank-1 bias tensors declare
quantized_dimension 3, which TFLite Micro ignores); jitlite runs it as TFLite Micro does, and the
reference runs a copy whose field is patched to 0 in memory (tensorflow's schema module)."""
import struct

import numpy as np
import pytest

from shared_models import MODELS_DIR
from jitlite.testing import (assert_outputs_match, jitlite_interpreter, litert_interpreter,
                             random_inputs, read_gray_png, run_model)

REFERENCE = litert_interpreter("BUILTIN_REF")

# Quantized models jitlite runs bit-exactly (every output, several seeds).
EXACT_MODELS = [
    "api/pc_conv.bin",
    "micro/hello_world_int8.tflite",
    "micro/micro_speech_quantized.tflite",
    "micro/mobilenet_v2_quantized_1x3x224x224.tflite",
    "ops/matmul_quant.tflite",
    # Integer UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's 8x8_16 kernel).
    "micro/micro_speech_lstm.tflite",
    "micro/trained_lstm_int8.tflite",
    "micro/dtln_noise_suppression.tflite",
]


def _model_bytes(relative_path):
    path = MODELS_DIR / relative_path
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    return path.read_bytes()


def _check_exact(model, reference_model, seed, context):
    values = random_inputs(model, seed, interpreter_cls=jitlite_interpreter())
    expected = run_model(REFERENCE, reference_model, values)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, context=f"{context} seed={seed}")


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("relative_path", EXACT_MODELS)
def test_matches_reference_kernels_exactly(relative_path, seed):
    model = _model_bytes(relative_path)
    _check_exact(model, model, seed, relative_path)


def _person_detect_reference_copy(model):
    """person_detect with each quantized_dimension past its tensor's rank set to 0 (LiteRT loads it)."""
    schema = pytest.importorskip("tensorflow.lite.python.schema_py_generated",
                                 reason="tensorflow-cpu's schema module patches the model")
    import flatbuffers
    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    for subgraph in tree.subgraphs:
        for tensor in subgraph.tensors:
            q = tensor.quantization
            rank = 0 if tensor.shape is None else len(tensor.shape)
            if q is not None and q.quantizedDimension >= max(rank, 1):
                q.quantizedDimension = 0
    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _read_gray_bmp(path):
    """An 8-bit palette BMP (the TFLite Micro sample images) as a [rows, cols] uint8 array."""
    data = path.read_bytes()
    offset = struct.unpack_from("<I", data, 10)[0]
    width, height, _, bits = struct.unpack_from("<iiHH", data, 18)
    assert bits == 8, f"{path.name}: {bits}-bit BMP, expected 8-bit"
    header = struct.unpack_from("<I", data, 14)[0]
    palette = np.frombuffer(data, np.uint8, 256 * 4, 14 + header).reshape(256, 4)[:, 0]
    stride = (width + 3) // 4 * 4
    rows = np.frombuffer(data, np.uint8, stride * abs(height), offset).reshape(abs(height), stride)
    image = palette[rows[:, :width]]
    return image[::-1] if height > 0 else image  # positive height: stored bottom-up


@pytest.mark.parametrize("seed", [0, 1])
def test_person_detect_matches_reference_kernels(seed):
    model = _model_bytes("micro/person_detect.tflite")
    _check_exact(model, _person_detect_reference_copy(model), seed, "micro/person_detect.tflite")


def test_person_detect_scores_person_higher_on_the_person_image():
    model = _model_bytes("micro/person_detect.tflite")
    reference_model = _person_detect_reference_copy(model)
    scores = {}
    for name in ("person", "no_person"):
        pixels = _read_gray_bmp(MODELS_DIR / "inputs" / f"{name}.bmp")
        # The sample BMPs hold the int8 input bytes themselves (TFLite Micro's test images).
        image = pixels.view(np.int8).reshape(1, 96, 96, 1)
        got = run_model(jitlite_interpreter(), model, [image])[0]
        expected = run_model(REFERENCE, reference_model, [image])[0]
        np.testing.assert_array_equal(got, expected)
        scores[name] = got.reshape(-1).astype(int)  # [no person, person]
    assert scores["person"][1] > scores["person"][0]
    assert scores["no_person"][0] > scores["no_person"][1]


def _keras_int8(name):
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing.keras_models import keras_model_path

    return keras_model_path(name, quantization="int8").read_bytes()


# Converter full-integer models (int8 in and out, calibrated on random data) that BUILTIN_REF
# runs: bit-exact. transformer_encoder: INT8 BATCH_MATMUL, GELU, SOFTMAX (reference regime);
# lstm_classifier: 64 unrolled steps whose FULLY_CONNECTEDs share packed weights.
@pytest.mark.parametrize("name", ["small_cnn", "transformer_encoder", "lstm_classifier"])
def test_keras_full_integer_model_matches_reference_kernels(name):
    model = _keras_int8(name)
    for seed in (0, 1):
        _check_exact(model, model, seed, f"{name} int8")


def _without_final_softmax(model):
    """The model with its final SOFTMAX removed, the softmax's input becoming the output, and
    the indices of its operators' outputs."""
    schema = pytest.importorskip("tensorflow.lite.python.schema_py_generated",
                                 reason="tensorflow-cpu's schema module edits the model")
    import flatbuffers
    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    graph = tree.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in tree.operatorCodes]
    softmax = [i for i, op in enumerate(graph.operators)
               if codes[op.opcodeIndex] == 25 and list(op.outputs) == list(graph.outputs)]
    assert len(softmax) == 1, "expected one SOFTMAX producing the model's output"
    op = graph.operators[softmax[0]]
    beta_times_scale = op.builtinOptions.beta * graph.tensors[op.inputs[0]].quantization.scale[0]
    assert beta_times_scale <= 2.0 ** -26, f"beta * input scale {beta_times_scale}: REF runs it"
    graph.outputs = list(graph.operators[softmax[0]].inputs)
    del graph.operators[softmax[0]]
    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), [t for op in graph.operators for t in op.outputs]


def _op_outputs(interpreter_cls, model, tensors, values):
    """The given tensors after one invoke (index -> array)."""
    interpreter = interpreter_cls(model_content=model, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    for detail, value in zip(interpreter.get_input_details(), values):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return {t: interpreter.get_tensor(t) for t in tensors}


# Converter models with random weights whose final SOFTMAX has beta * input scale below 2^-26:
# BUILTIN_REF aborts the process on it (never run here), so every operator output of the model
# without that SOFTMAX is compared with BUILTIN_REF, and the full model with TFLite's optimized
# kernels (the regime jitlite's SOFTMAX follows there).
@pytest.mark.parametrize("name", ["mobilenet_v3_small", "efficientnet_b0"])
def test_keras_full_integer_model_with_tiny_softmax_scale(name):
    import warnings
    model = _keras_int8(name)
    truncated, tensors = _without_final_softmax(model)
    values = random_inputs(model, 0, interpreter_cls=jitlite_interpreter())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # preserve_all_tensors is a debugging mode
        expected = _op_outputs(REFERENCE, truncated, tensors, values)
        actual = _op_outputs(jitlite_interpreter(), truncated, tensors, values)
    for index, value in expected.items():
        assert_outputs_match([actual[index]], [value], context=f"{name} int8 tensor {index}")
    optimized = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(optimized, model, values), context=f"{name} int8 full")


def test_keras_float16_model_matches_litert():
    """Float16 weights (DEQUANTIZE of FLOAT16 constants, folded once) within the float
    tolerance of LiteRT."""
    pytest.importorskip("tensorflow", reason="tensorflow-cpu converts the Keras models")
    from jitlite.testing.keras_models import keras_model_path

    model = keras_model_path("small_cnn", quantization="float16").read_bytes()
    values = random_inputs(model, 0, input_range=(-1.0, 1.0))
    expected = run_model(litert_interpreter(), model, values)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, context="small_cnn float16")


def _op_tensors(interpreter, op_name):
    """Indices of the outputs and variable inputs (the states) of every `op_name` node."""
    indices = []
    for op in interpreter._get_ops_details():
        if op["op_name"] == op_name:
            indices += [int(op["outputs"][0]), int(op["inputs"][4])]
    return indices


@pytest.mark.filterwarnings("ignore:experimental_preserve_all_tensors")
def test_keyword_scrambled_svdf_stack_matches_reference_over_invokes():
    """micro/keyword_scrambled: QUANTIZE, 7 integer SVDFs (int8 activations, int16 state and
    time weights), FULLY_CONNECTED, SOFTMAX. The graph output saturates on this scrambled model,
    so every SVDF output and activation state is compared too (all tensors preserved), over
    consecutive invokes (the states carry over) and after reset_all_variables."""
    model = _model_bytes("micro/keyword_scrambled.tflite")
    runtimes = [cls(model_content=model, experimental_preserve_all_tensors=True)
                for cls in (REFERENCE, jitlite_interpreter())]
    for runtime in runtimes:
        runtime.allocate_tensors()
    checked = _op_tensors(runtimes[0], "SVDF") + [d["index"] for d in
                                                  runtimes[0].get_output_details()]
    assert len(checked) == 2 * 7 + 1
    rng = np.random.default_rng(3)
    inputs = [rng.integers(-20000, 20000, (1, 96)).astype(np.int16) for _ in range(6)]
    inputs[4] = inputs[0]
    for k, x in enumerate(inputs):
        values = []
        for runtime in runtimes:
            if k == 4:
                runtime.reset_all_variables()
            runtime.set_tensor(runtime.get_input_details()[0]["index"], x)
            runtime.invoke()
            values.append([np.array(runtime.get_tensor(t)) for t in checked])
        assert_outputs_match(values[1], values[0], context=f"keyword_scrambled invoke {k}")
        assert np.any(values[0][1] != 0), "the first SVDF state should hold activations"


def test_keyword_scrambled_8bit_is_refused():
    """keyword_scrambled_8bit's SVDFs keep INT8 time weights and state (TFLite Micro's 8-bit
    variant). TFLite's kernel reads those buffers as INT16 (its BUILTIN_REF run corrupts memory),
    so there is nothing to match: jitlite refuses the model with a clear error."""
    model = _model_bytes("micro/keyword_scrambled_8bit.tflite")
    with pytest.raises(RuntimeError, match="SVDF with INT8 weights_time and activation state"):
        jitlite_interpreter()(model_content=model).allocate_tensors()
def _quantize(values, detail):
    scale, zero_point = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    q = np.round(values / scale) + zero_point
    return np.clip(q, info.min, info.max).astype(detail["dtype"])


def test_trained_lstm_int8_classifies_mnist_samples_as_litert():
    model = _model_bytes("micro/trained_lstm_int8.tflite")
    samples = [MODELS_DIR / "inputs" / f"sample{d}.png" for d in range(10)]
    if not all(p.is_file() for p in samples):
        pytest.skip("MNIST samples not available")
    detail = REFERENCE(model_content=model).get_input_details()[0]
    images = [_quantize(read_gray_png(p).astype(np.float32)[None] / 255.0, detail)
              for p in samples]
    # run_model makes a fresh interpreter per image: every sequence starts from zero states.
    expected = [run_model(REFERENCE, model, [x])[0] for x in images]
    actual = [run_model(jitlite_interpreter(), model, [x])[0] for x in images]
    for k, (got, want) in enumerate(zip(actual, expected)):
        assert_outputs_match([got], [want], context=f"trained_lstm_int8 sample{k}")
    predicted = [int(np.argmax(o)) for o in expected]
    assert [int(np.argmax(o)) for o in actual] == predicted
    assert predicted == list(range(10))  # every sample is its digit


@pytest.mark.parametrize("relative_path", ["micro/dtln_noise_suppression.tflite",
                                           "micro/micro_speech_lstm.tflite"])
def test_lstm_states_carry_across_invokes_as_reference(relative_path):
    """The LSTM states carry from one invoke to the next (DTLN streams one frame per invoke
    through its two LSTMs) until reset_all_variables; every invoke matches the reference."""
    model = _model_bytes(relative_path)
    runtimes = [REFERENCE(model_content=model), jitlite_interpreter()(model_content=model)]
    for runtime in runtimes:
        runtime.allocate_tensors()
    frames = [random_inputs(model, seed) for seed in range(5)]
    for k, frame in enumerate(frames + frames[:1]):
        outputs = []
        for runtime in runtimes:
            if k == len(frames):
                runtime.reset_all_variables()
            for detail, value in zip(runtime.get_input_details(), frame):
                runtime.set_tensor(detail["index"], value)
            runtime.invoke()
            outputs.append([runtime.get_tensor(d["index"]) for d in runtime.get_output_details()])
        assert_outputs_match(outputs[1], outputs[0], context=f"{relative_path} invoke {k}")


# ops/qwen_fc_blockwise_quantized.tflite: FULLY_CONNECTED, float input [1, 1, 1024], INT4 weights
# [1024, 1024] quantized blockwise (blocks of 32 inputs, FLOAT16 scales [1024, 32]). LiteRT's
# reference kernels have no blockwise path (they return zeros), so the references are:
#  - TFLite's optimized kernel (EvalBlockwise4Bit: each input row quantized asymmetrically to
#    int8, i32 block sums times the FLOAT16 scales): the scheme jitlite computes, so within the
#    ordinary float tolerance (1e-5 of the output range; the sums only round differently);
#  - the default resolver (XNNPACK's qd8 x qb4w GEMM): the same activation quantization, but it
#    rounds the block scales to bfloat16 (8 significant bits, relative error up to 2^-9 ~ 0.2%
#    per scale), which moved outputs by up to 0.27% of the range on these inputs (simulating
#    bf16 scales in numpy reproduces XNNPACK to 2e-8). Allowed: 1% of the range.
#  - the float product of the input with the dequantized weights, as a sanity bound on both:
#    int8 activation rounding costs well under 1% of the range.
BLOCKWISE_MODEL = "ops/qwen_fc_blockwise_quantized.tflite"
XNNPACK_BF16_SCALES_RTOL = 1e-2


def _dequantized_blockwise_weights(model):
    """The model's INT4 weights times their block scales (float32 [1024, 1024])."""
    schema = pytest.importorskip("ai_edge_litert.schema_py_generated")
    root = schema.Model.GetRootAsModel(model, 0)
    tensors = root.Subgraphs(0)

    def data(index):
        return root.Buffers(tensors.Tensors(index).Buffer()).DataAsNumpy()
    packed = data(1).view(np.int8)
    low = (packed << 4).astype(np.int8) >> 4
    weights = np.stack([low, packed >> 4], axis=-1).reshape(1024, 1024).astype(np.float32)
    scales = data(3).view(np.float16).reshape(1024, 32).astype(np.float32)
    return weights * np.repeat(scales, 32, axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blockwise_int4_fully_connected(seed):
    model = _model_bytes(BLOCKWISE_MODEL)
    values = random_inputs(model, seed, interpreter_cls=jitlite_interpreter())
    actual = run_model(jitlite_interpreter(), model, values)
    tflite = run_model(litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES"), model, values)
    assert_outputs_match(actual, tflite, context=f"vs TFLite EvalBlockwise4Bit seed={seed}")
    xnnpack = run_model(litert_interpreter(), model, values)
    assert_outputs_match(actual, xnnpack, rtol_of_range=XNNPACK_BF16_SCALES_RTOL,
                         context=f"vs default resolver (XNNPACK) seed={seed}")
    exact = (values[0].reshape(1, 1024) @ _dequantized_blockwise_weights(model).T).reshape(1, 1, 1024)
    assert_outputs_match(actual, [exact.astype(np.float32)], rtol_of_range=1e-2,
                         context=f"vs float weights seed={seed}")


def test_blockwise_quantized_add_is_refused():
    # ops/blockwise_quantized.tflite: ADD of an INT8 input and a non-constant INT8 tensor with
    # blockwise details (FLOAT32 scales, INT32 zero points) and no per-tensor scale. LiteRT
    # aborts the process in allocate_tensors, so there is nothing to compare with; jitlite
    # refuses it with a message naming the tensor.
    model = _model_bytes("ops/blockwise_quantized.tflite")
    interpreter = jitlite_interpreter()(model_content=model)
    with pytest.raises(RuntimeError, match="node 0 ADD: input 1 \\(tensor 2 'quantized_tensor'\\) "
                                           "has blockwise quantization"):
        interpreter.allocate_tensors()
