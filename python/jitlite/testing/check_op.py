"""One-line op tests: build a one-op model, run it in jitlite and in LiteRT, compare.

    check_op("ADD", inputs=[((1, 4, 4, 3), np.float32), ((3,), np.float32)],
             options=dict(fused_activation_function="RELU"))
    check_op("CONV_2D", inputs=[((1, 9, 9, 3), np.float32)],
             constants=[rand((8, 3, 3, 3)), rand((8,))],
             options=dict(padding="VALID", stride_w=2, stride_h=2))

Interpreters are pluggable: anything constructible as `cls(model_content=bytes)` with the
tf.lite.Interpreter methods works as `runner` or `reference`, which is how the harness tests
itself (LiteRT against LiteRT, or against a deliberately wrong fake) before jitlite exists.

Float outputs are compared with one tolerance rule (`float_tolerance`); integer and bool outputs
must match exactly. Output shapes and dtypes must match too.
"""

import functools
from typing import NamedTuple

import numpy as np

from .model_builder import ModelBuilder, bfloat16, dtype_of

# The float tolerance, in one place: absolute error allowed = factor * max|reference output|,
# never below FLOAT_ATOL_MIN. Scaling by the output's range keeps the rule meaningful for both
# tiny and large outputs; ops whose math legitimately differs more pass `rtol_of_range=`.
FLOAT_ATOL_FACTOR = 1e-5
FLOAT_ATOL_MIN = 1e-6
# float16 outputs carry only 11 significant bits, so 1e-5 of the range is below their resolution;
# bfloat16 ones carry 8.
FLOAT16_ATOL_FACTOR = 1e-3
BFLOAT16_ATOL_FACTOR = 8e-3

DEFAULT_FLOAT_RANGE = (-2.0, 2.0)
DEFAULT_WIDE_INT_RANGE = (-100, 100)  # int32/int64: small enough that ADD/MUL cannot overflow

# Ops whose output dtype is not their first input's dtype.
_OUTPUT_DTYPE_BY_OP = {"DEQUANTIZE": np.float32}


class CheckResult(NamedTuple):
    """What check_op ran, returned so a test can look further or save the model."""
    model: bytes
    inputs: list
    actual: list
    expected: list


# --- interpreters ------------------------------------------------------------------------------

def litert_interpreter(op_resolver_type=None):
    """The reference: LiteRT's interpreter, by default with its default op resolver.

    The default (AUTO) lets the XNNPACK delegate claim the ops it supports, and XNNPACK does not
    always behave like TFLite's kernels (it runs CONCATENATION with a fused activation that the
    kernel rejects, ignoring the activation). Pass "BUILTIN_REF" for the reference kernels
    (bit-exact quantized goldens) or "BUILTIN_WITHOUT_DEFAULT_DELEGATES" for the optimized ones.
    """
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    if op_resolver_type is None:
        return Interpreter
    resolver = OpResolverType[op_resolver_type]
    return functools.partial(Interpreter, experimental_op_resolver_type=resolver)


def jitlite_interpreter():
    """jitlite's interpreter, imported only when a test needs it (the package may not exist)."""
    try:
        from jitlite import Interpreter
    except ImportError as error:
        raise ImportError(f"jitlite.Interpreter is not importable ({error}); build the "
                          "extension, or pass runner= to check against another interpreter"
                          ) from error
    return Interpreter


def run_model(interpreter_cls, model_bytes, inputs):
    """Runs a model once and returns copies of its outputs, in model output order.

    Inputs whose shape differs from the declared one are resized first (for models with
    dynamic dimensions), as a tf.lite user would.
    """
    interpreter = interpreter_cls(model_content=model_bytes)
    details = interpreter.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"model has {len(details)} inputs, got {len(inputs)} arrays")
    for detail, value in zip(details, inputs):
        if tuple(detail["shape"]) != np.shape(value):
            interpreter.resize_tensor_input(detail["index"], list(np.shape(value)))
    interpreter.allocate_tensors()
    for detail, value in zip(details, inputs):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return [np.array(interpreter.get_tensor(d["index"]))
            for d in interpreter.get_output_details()]


def run_both(model_bytes, inputs, runner=None, reference=None):
    """Runs a model in jitlite (or `runner`) and LiteRT (or `reference`).

    Returns (jitlite_outputs, litert_outputs).
    """
    runner = runner or jitlite_interpreter()
    reference = reference or litert_interpreter()
    return run_model(runner, model_bytes, inputs), run_model(reference, model_bytes, inputs)


# --- comparison --------------------------------------------------------------------------------

def float_tolerance(expected, rtol_of_range=None):
    """Absolute tolerance for a float output, from the reference output's range."""
    return max(_tolerance_factor(expected, rtol_of_range) * _value_range(expected),
               FLOAT_ATOL_MIN)


def _tolerance_factor(expected, rtol_of_range):
    if rtol_of_range is not None:
        return rtol_of_range
    if expected.dtype == np.float16:
        return FLOAT16_ATOL_FACTOR
    return BFLOAT16_ATOL_FACTOR if is_bfloat16(expected.dtype) else FLOAT_ATOL_FACTOR


def is_bfloat16(dtype):
    return bfloat16 is not None and np.dtype(dtype) == np.dtype(bfloat16)


def is_float_dtype(dtype):
    """numpy floats and ml_dtypes' bfloat16 (which numpy does not count as np.floating)."""
    return np.issubdtype(dtype, np.floating) or is_bfloat16(dtype)


def _value_range(expected):
    """max|x| over the finite values (inf/NaN would make every tolerance meaningless)."""
    finite = np.abs(expected[np.isfinite(expected)].astype(np.float64))
    return float(finite.max()) if finite.size else 0.0


def assert_outputs_match(actual, expected, rtol_of_range=None, context=""):
    """Raises AssertionError unless every output matches the reference in shape, dtype, values."""
    prefix = f"{context}: " if context else ""
    if len(actual) != len(expected):
        raise AssertionError(f"{prefix}got {len(actual)} outputs, reference has {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        _assert_output_matches(np.asarray(a), np.asarray(e), rtol_of_range,
                               f"{prefix}output {i}")


def _assert_output_matches(actual, expected, rtol_of_range, what):
    if actual.dtype != expected.dtype:
        raise AssertionError(f"{what}: dtype {actual.dtype}, reference {expected.dtype}")
    if actual.shape != expected.shape:
        raise AssertionError(f"{what}: shape {actual.shape}, reference {expected.shape}")
    if expected.size == 0:
        return
    if np.iscomplexobj(expected):
        # Real and imaginary parts as one float array: one tolerance over both.
        actual, expected = _real_imag_pairs(actual), _real_imag_pairs(expected)
    if is_float_dtype(expected.dtype):
        tolerance = float_tolerance(expected, rtol_of_range)
        diff = _float_diff(actual, expected)
        rule = (f"tolerance {tolerance:.3g} = max({_tolerance_factor(expected, rtol_of_range):g}"
                f" * max|ref| {_value_range(expected):.6g}, {FLOAT_ATOL_MIN:g})")
    else:
        tolerance = 0
        diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
        rule = "integer/bool outputs must match exactly"
    bad = diff > tolerance
    if bad.any():
        raise AssertionError(_mismatch_message(actual, expected, diff, bad, rule, what))


def _real_imag_pairs(values):
    """complex [..] -> float [.., 2] (real, imag)."""
    return np.stack([values.real, values.imag], axis=-1)


def _float_diff(actual, expected):
    """|actual - expected| with NaN/inf treated as equal only to themselves (inf diff otherwise)."""
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    same_special = (np.isnan(a) & np.isnan(e)) | (np.isinf(e) & (a == e))
    with np.errstate(invalid="ignore"):
        # np.array: a 0-d (rank-0 tensor) difference must stay an array to be indexable.
        diff = np.array(np.abs(a - e))
    diff[np.isnan(diff)] = np.inf
    diff[same_special] = 0.0
    return diff


def _mismatch_message(actual, expected, diff, bad, rule, what):
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"{what} differs from the reference: max |diff| {diff[where]:.6g} at index "
            f"{tuple(int(i) for i in where)} (got {_scalar(actual[where])}, expected "
            f"{_scalar(expected[where])}); "
            f"{int(bad.sum())} of {bad.size} elements off; {rule}; shape {expected.shape}, "
            f"dtype {expected.dtype}")


def _scalar(value):
    value = value.item()
    return f"{value:.9g}" if isinstance(value, float) else repr(value)


# --- one-op models -----------------------------------------------------------------------------

def _split_spec(spec):
    """(shape, dtype) or (shape, dtype, tensor_args) -> (shape, dtype, tensor_args)."""
    if len(spec) == 2:
        return tuple(spec[0]), dtype_of(spec[1]), {}
    shape, dtype, tensor_args = spec
    return tuple(shape), dtype_of(dtype), dict(tensor_args)


def _split_constant(constant):
    """array or (array, tensor_args) -> (array, tensor_args)."""
    if isinstance(constant, tuple):
        return np.asarray(constant[0]), dict(constant[1])
    return np.asarray(constant), {}


def build_op_model(op, inputs, constants=(), options=None, *, output_shapes=None,
                   output_dtypes=None, output_quant=None, intermediates=()):
    """Builds a model holding one `op` and returns its bytes.

    `inputs` entries are runtime inputs given as (shape, dtype) or (shape, dtype, tensor_args)
    (tensor_args: add_tensor keywords such as scale/zero_point/shape_signature); an entry may
    also be a numpy array (a constant in that position) or None (omitted optional input).
    A spec whose tensor_args hold is_variable=True is a variable tensor (the state of LSTM/RNN
    ops): neither a graph input nor a constant; runtimes zero it and keep it across invokes.
    `constants` (arrays, (array, tensor_args) or None) follow the runtime inputs.
    Output shapes default to [] (LiteRT recomputes them; check_op rebuilds with the real ones).
    Output dtypes default to the first input's dtype; output quantization (add_tensor keywords)
    defaults to the first input's when the output has its dtype.
    `intermediates` ((dtype, tensor_args) pairs) become the operator's intermediate tensors.
    """
    mb = ModelBuilder(description=f"one-op {op} test model")
    operands = []
    first = None  # (dtype, tensor_args) of the first operand, for output defaults
    for i, entry in enumerate(list(inputs) + list(constants)):
        if entry is None:
            operands.append(-1)
            continue
        if not _is_spec(entry):
            value, tensor_args = _split_constant(entry)
            operands.append(mb.add_constant(f"const{i}", value, **tensor_args))
            dtype = value.dtype
        else:
            shape, dtype, tensor_args = _split_spec(entry)
            add = mb.add_tensor if tensor_args.get("is_variable") else mb.add_input
            operands.append(add(f"input{i}", dtype, shape, **tensor_args))
        if first is None:
            first = (dtype, tensor_args)

    dtypes = _output_dtypes(op, output_dtypes, first)
    shapes = output_shapes or [[]] * len(dtypes)
    outputs = []
    for i, (shape, dtype) in enumerate(zip(shapes, dtypes)):
        quant = _output_quant(output_quant, first, dtype)
        outputs.append(mb.add_tensor(f"output{i}", dtype, shape, **quant))
    extra = [mb.add_tensor(f"intermediate{i}", dtype, [0], **args)
             for i, (dtype, args) in enumerate(intermediates)]
    mb.add_op(op, operands, outputs, options, intermediates=extra)
    mb.mark_output(*outputs)
    return mb.build()


def _is_spec(entry):
    """True for a runtime-input spec (shape, dtype[, tensor_args]), False for a constant."""
    if not isinstance(entry, (tuple, list)) or len(entry) not in (2, 3):
        return False
    shape, dtype = entry[0], entry[1]
    return isinstance(shape, (tuple, list)) and isinstance(dtype, (type, np.dtype, str))


def _output_dtypes(op, output_dtypes, first):
    if output_dtypes is None:
        return [dtype_of(_OUTPUT_DTYPE_BY_OP.get(op, first[0]))]
    if isinstance(output_dtypes, (list, tuple)):
        return [dtype_of(d) for d in output_dtypes]
    return [dtype_of(output_dtypes)]


def _output_quant(output_quant, first, dtype):
    if output_quant is not None:
        return dict(output_quant)
    first_dtype, first_args = first
    if dtype == first_dtype and "scale" in first_args:
        return {k: first_args[k] for k in ("scale", "zero_point") if k in first_args}
    return {}


def random_inputs(model_bytes, seed=0, input_range=None, interpreter_cls=None):
    """Deterministic random values for every input of a model, from its input details.

    `input_range` is (low, high) for all inputs or a list with one (low, high) per input.
    Defaults: floats uniform in DEFAULT_FLOAT_RANGE, 8/16-bit integers over their whole range
    (quantized data), int32/int64 in DEFAULT_WIDE_INT_RANGE, bools fair coin flips.
    """
    interpreter = (interpreter_cls or litert_interpreter())(model_content=model_bytes)
    details = interpreter.get_input_details()
    ranges = input_range
    if ranges is None or not isinstance(ranges[0], (tuple, list)):
        ranges = [ranges] * len(details)
    rng = np.random.default_rng(seed)
    return [_random_array(rng, tuple(d["shape"]), np.dtype(d["dtype"]), r)
            for d, r in zip(details, ranges)]


def _random_array(rng, shape, dtype, value_range):
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if is_float_dtype(dtype):
        low, high = value_range or DEFAULT_FLOAT_RANGE
        return rng.uniform(low, high, shape).astype(dtype)
    if np.issubdtype(dtype, np.complexfloating):  # real and imaginary parts in the float range
        low, high = value_range or DEFAULT_FLOAT_RANGE
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    if value_range is None:
        info = np.iinfo(dtype)
        value_range = (info.min, info.max) if info.bits <= 16 else DEFAULT_WIDE_INT_RANGE
        value_range = (max(value_range[0], info.min), value_range[1])  # unsigned: from 0
    low, high = value_range
    return rng.integers(low, high, shape, dtype=dtype, endpoint=True)


def check_op(op, inputs, constants=(), options=None, *, output_dtype=None, output_quant=None,
             output_shape=None, input_range=None, seed=0, rtol_of_range=None, runner=None,
             reference=None, intermediates=()):
    """Checks one op in jitlite (or `runner`) against LiteRT (or `reference`).

    See build_op_model for `inputs`/`constants`/`output_*` and random_inputs for `input_range`
    (e.g. (0.1, 4) for SQRT). `output_dtype` may be a list for multi-output ops.
    Unless `output_shape` is given, the output shape is what the reference computes, and the
    model is rebuilt with it so the tested model is fully consistent.
    Raises AssertionError naming the op and its options on any mismatch.
    """
    reference = reference or litert_interpreter()
    build = dict(op=op, inputs=inputs, constants=constants, options=options,
                 output_dtypes=output_dtype, output_quant=output_quant,
                 intermediates=intermediates)
    shapes = None if output_shape is None else _as_shape_list(output_shape)
    model = build_op_model(**build, output_shapes=shapes)
    values = random_inputs(model, seed, input_range, reference)
    expected = run_model(reference, model, values)
    if shapes is None:
        model = build_op_model(**build, output_shapes=[list(e.shape) for e in expected])
        expected = run_model(reference, model, values)
    actual = run_model(runner or jitlite_interpreter(), model, values)
    context = f"{op} options={options or {}} inputs={_describe(values)}"
    assert_outputs_match(actual, expected, rtol_of_range, context)
    return CheckResult(model, values, actual, expected)


def _as_shape_list(output_shape):
    """One shape or a list of shapes -> list of shapes."""
    if len(output_shape) and isinstance(output_shape[0], (list, tuple)):
        return [list(s) for s in output_shape]
    return [list(output_shape)]


def _describe(values):
    return "[" + ", ".join(f"{v.dtype}{list(v.shape)}" for v in values) + "]"
