"""Shared pieces of the recurrent op tests (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF,
UNIDIRECTIONAL_SEQUENCE_RNN): operand lists in TFLite's input order, with the states as
variable tensors, and a multi-invoke comparison with LiteRT (the states carry over from one
invoke to the next, which one-invoke check_op cannot see); their hybrid forms (INT8 weights)."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter
from jitlite.testing import litert_interpreter, run_model

F32 = np.float32
VARIABLE = dict(is_variable=True)


def weights(shape, seed, scale=0.5):
    """Deterministic weights, uniform in [-scale, scale)."""
    return np.random.default_rng(seed).uniform(-scale, scale, shape).astype(F32)


def state(shape):
    """A float32 variable tensor (LSTM/RNN state) spec for build_op_model."""
    return (tuple(shape), F32, VARIABLE)


def lstm_operands(input_shape, batch, n_cell, n_output=None, *, cifg=False, peephole=False,
                  projection=False, projection_bias=True, layer_norm=False, seed=0):
    """The 24 inputs of a float LSTM in TFLite's order (None = omitted).

    input_shape is the runtime input's shape (its last dim is the input size); the states are
    [batch, n_output] and [batch, n_cell] variable tensors. n_output defaults to n_cell (it must
    equal it without projection)."""
    n_input = input_shape[-1]
    n_output = n_output or n_cell
    ops = [None] * 24
    ops[0] = (tuple(input_shape), F32)
    for gate in range(4):
        if gate == 0 and cifg:
            continue
        ops[1 + gate] = weights((n_cell, n_input), seed * 100 + 1 + gate)
        ops[5 + gate] = weights((n_cell, n_output), seed * 100 + 5 + gate)
        ops[12 + gate] = weights((n_cell,), seed * 100 + 12 + gate)
    if peephole:
        for k in (9, 10, 11):
            if not (k == 9 and cifg):
                ops[k] = weights((n_cell,), seed * 100 + k)
    if projection:
        ops[16] = weights((n_output, n_cell), seed * 100 + 16)
        if projection_bias:
            ops[17] = weights((n_output,), seed * 100 + 17)
    ops[18] = state((batch, n_output))
    ops[19] = state((batch, n_cell))
    if layer_norm:
        for gate in range(4):
            if not (gate == 0 and cifg):
                ops[20 + gate] = weights((n_cell,), seed * 100 + 20 + gate, scale=1.0) + 1.0
    return ops


def run_invokes(interpreter_cls, model, invokes, reset_before=()):
    """Runs one interpreter over several invokes (a list of input lists); returns each invoke's
    outputs. reset_all_variables() runs before the invokes whose index is in reset_before."""
    interpreter = interpreter_cls(model_content=model)
    interpreter.allocate_tensors()
    details = interpreter.get_input_details()
    results = []
    for k, values in enumerate(invokes):
        if k in reset_before:
            interpreter.reset_all_variables()
        for detail, value in zip(details, values):
            interpreter.set_tensor(detail["index"], value)
        interpreter.invoke()
        results.append([np.array(interpreter.get_tensor(d["index"]))
                        for d in interpreter.get_output_details()])
    return results


def check_invokes(op, operands, invokes, options=None, reset_before=(), model=None,
                  outputs=1, reference=None):
    """Compares jitlite with LiteRT over consecutive invokes of one model (states carry over).

    `model` (bytes) replaces the one-op model built from op/operands/options with `outputs`
    float32 outputs; `reference` (default: LiteRT's default resolver) is the interpreter class
    compared with. Returns the LiteRT outputs per invoke."""
    reference = reference or litert_interpreter()
    if model is None:
        build = dict(options=options, output_dtypes=[F32] * outputs)
        probe = build_op_model(op, operands, **build)
        shapes = [list(e.shape) for e in run_model(reference, probe, invokes[0])]
        model = build_op_model(op, operands, **build, output_shapes=shapes)
    expected = run_invokes(reference, model, invokes, reset_before)
    actual = run_invokes(jitlite_interpreter(), model, invokes, reset_before)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert_outputs_match(a, e, context=f"{op} options={options or {}} invoke {k}")
    return expected


def random_invokes(shape, count, seed=0):
    """`count` single-input invokes with values uniform in [-2, 2)."""
    rng = np.random.default_rng(seed)
    return [[rng.uniform(-2, 2, shape).astype(F32)] for _ in range(count)]


# --- hybrid (dynamic-range) kernels: float activations and states, INT8 weights ------------

# The weight inputs of each op's cell that the converter quantizes (LSTM: the gate, peephole
# and projection weights; the bidirectional LSTM's second cell sits 17 inputs further).
LSTM_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16)
BIDI_LSTM_WEIGHTS = LSTM_WEIGHTS + tuple(k + 17 for k in LSTM_WEIGHTS)
RNN_WEIGHTS = (1, 2)


def int8_per_tensor(w):
    """A float constant as the converter's dynamic-range quantization writes it: INT8,
    symmetric, one scale (max|w| / 127)."""
    scale = float(np.abs(w).max() / 127) or 1.0
    return (np.round(w / scale).astype(np.int8), dict(scale=scale, zero_point=0))


def hybrid_operands(operands, keys):
    """The operand list with the float constants at `keys` (where present) made INT8."""
    ops = list(operands)
    for k in keys:
        if isinstance(ops[k], np.ndarray):
            ops[k] = int8_per_tensor(ops[k])
    return ops


def check_hybrid_invokes(op, operands, invokes, options, reset_before=(), outputs=1):
    """check_invokes for a hybrid model against both LiteRT's reference kernels (BUILTIN_REF)
    and its default resolver (which has no XNNPACK path for these ops: TFLite's own hybrid
    kernels run). Returns the reference kernels' outputs per invoke."""
    expected = check_invokes(op, operands, invokes, options, reset_before, outputs=outputs,
                             reference=litert_interpreter("BUILTIN_REF"))
    check_invokes(op, operands, invokes, options, reset_before, outputs=outputs)
    return expected


def zero_rows(invokes, rows):
    """Sets the given (invoke, index...) entries of single-input invokes to zero: whole rows
    (TFLite's zero-range rule: scale 1, q = 0) or whole time steps."""
    for k, index in rows:
        invokes[k][0][index] = 0
    return invokes


# --- integer LSTM (TFLite's 8x8_16 kernel) ---------------------------------------------------

I8, I16, I32 = np.int8, np.int16, np.int32


def _ints(shape, seed, dtype, bound):
    return np.random.default_rng(seed).integers(-bound, bound + 1, shape).astype(dtype)


def int_lstm_operands(input_shape, batch, n_cell, n_output=None, *, cifg=False, peephole=False,
                      projection=False, projection_bias=True, layer_norm=False, seed=0,
                      cell_scale=2.0 ** -11, state_zp=3, hidden_zp=None):
    """The 24 inputs of an integer LSTM (int8 input/weights, int16 cell state, int32 biases) in
    TFLite's order, and its 5 intermediates as build_op_model takes them: the gate scales
    (int16 tensors with layer norm; unquantized placeholders without, as the converter writes
    them) and the hidden state's int8 scale. Returns (operands, intermediates, output quant).

    The scales keep the gates within their Q3.12 range for inputs over the whole int8 range."""
    n_input = input_shape[-1]
    n_output = n_output or n_cell
    s_in, s_h = 1 / 32, 1 / 128
    # The hidden state is the output state without projection (the converter gives them one
    # scale); with projection it has its own.
    default_zp = -5 if projection else state_zp
    hidden = dict(scale=1 / 100 if projection else s_h,
                  zero_point=default_zp if hidden_zp is None else hidden_zp)
    ops = [None] * 24
    ops[0] = (tuple(input_shape), I8, dict(scale=s_in, zero_point=-7))
    base = seed * 100
    for gate in range(4):
        if gate == 0 and cifg:
            continue
        w_x, w_h = 0.3 / n_input / 127, 1.0 / n_output / 127
        ops[1 + gate] = (_ints((n_cell, n_input), base + 1 + gate, I8, 127),
                         dict(scale=w_x * (1 + gate / 8)))
        ops[5 + gate] = (_ints((n_cell, n_output), base + 5 + gate, I8, 127),
                         dict(scale=w_h * (1 + gate / 8)))
        bias_scale = s_in * w_x * (1 + gate / 8)
        ops[12 + gate] = (_ints((n_cell,), base + 12 + gate, I32, int(0.5 / bias_scale)),
                          dict(scale=bias_scale))
    if peephole:
        for k in (9, 10, 11):
            if not (k == 9 and cifg):
                ops[k] = (_ints((n_cell,), base + k, I16, 20000), dict(scale=0.5 / 20000))
    if projection:
        w_p = 1.5 / n_cell / 127
        ops[16] = (_ints((n_output, n_cell), base + 16, I8, 127), dict(scale=w_p))
        if projection_bias:
            ops[17] = (_ints((n_output,), base + 17, I32, 2000), dict(scale=w_p / 100))
    ops[18] = ((batch, n_output), I8, dict(scale=s_h, zero_point=state_zp, is_variable=True))
    ops[19] = ((batch, n_cell), I16, dict(scale=cell_scale, zero_point=0, is_variable=True))
    gate_args = [(F32, {})] * 4
    if layer_norm:
        for gate in range(4):
            if not (gate == 0 and cifg):
                coeff = np.random.default_rng(base + 20 + gate).integers(12000, 32000, n_cell)
                ops[20 + gate] = (coeff.astype(I16), dict(scale=1 / 16384))
        gate_args = [(I16, dict(scale=2.0 ** -12 * (1 + g / 4), zero_point=0)) for g in range(4)]
    intermediates = gate_args + [(I8, hidden)]
    return ops, intermediates, dict(scale=s_h, zero_point=state_zp)


def check_int_invokes(op, operands, intermediates, output_quant, invokes, options=None,
                      reset_before=()):
    """check_invokes for an integer LSTM model: bit-exact against LiteRT's reference kernels
    over consecutive invokes. Returns the LiteRT outputs per invoke."""
    reference = litert_interpreter("BUILTIN_REF")
    build = dict(options=options, output_dtypes=[np.int8], output_quant=output_quant,
                 intermediates=intermediates)
    probe = build_op_model(op, operands, **build)
    shapes = [list(e.shape) for e in run_model(reference, probe, invokes[0])]
    model = build_op_model(op, operands, **build, output_shapes=shapes)
    expected = run_invokes(reference, model, invokes, reset_before)
    actual = run_invokes(jitlite_interpreter(), model, invokes, reset_before)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert_outputs_match(a, e, context=f"{op} options={options or {}} invoke {k}")
    return expected


def random_int8_invokes(shape, count, seed=0):
    """`count` single-input invokes with int8 values over the whole range."""
    rng = np.random.default_rng(seed)
    return [[rng.integers(-128, 128, shape).astype(np.int8)] for _ in range(count)]


# --- UINT8 hybrid weights: refused -----------------------------------------------------------

UINT8_REFUSAL = "has type UINT8: TFLite's hybrid .* reads UINT8 weights as INT8 bytes"


def uint8_hybrid_weights(operands, keys, reinterpret=False):
    """The INT8 hybrid operand list with the weights at `keys` stored as UINT8 of the same real
    values (q + 128, zero point 128); with reinterpret=True, instead INT8 tensors holding those
    UINT8 bytes with the original scale: what TFLite's hybrid kernels compute with."""
    ops = list(operands)
    for k in keys:
        if not (isinstance(ops[k], tuple) and isinstance(ops[k][0], np.ndarray)):
            continue
        q, quant = ops[k]
        u = (q.astype(np.int16) + 128).astype(np.uint8)
        ops[k] = (u.view(np.int8), quant) if reinterpret else (
            u, dict(scale=quant["scale"], zero_point=128))
    return ops


def check_uint8_weights_refused(op, operands, keys, invokes, options=None, outputs=1):
    """jitlite refuses a hybrid model whose weights are UINT8 (naming the type), and LiteRT
    shows why: its result on that model is the one of the INT8 model holding the same bytes
    (zero point ignored), not the one of the INT8 model with the same real weights."""
    build = dict(options=options, output_dtypes=[F32] * outputs)
    uint8_model = build_op_model(op, uint8_hybrid_weights(operands, keys), **build)
    with pytest.raises(RuntimeError, match=UINT8_REFUSAL):
        run_model(jitlite_interpreter(), uint8_model, invokes[0])
    reference = litert_interpreter("BUILTIN_REF")
    got = run_model(reference, uint8_model, invokes[0])
    same_bytes = run_model(reference, build_op_model(
        op, uint8_hybrid_weights(operands, keys, reinterpret=True), **build), invokes[0])
    same_values = run_model(reference, build_op_model(op, operands, **build), invokes[0])
    for g, b, v in zip(got, same_bytes, same_values):
        np.testing.assert_array_equal(g, b)
        assert np.abs(g - v).max() > 1e-3, "LiteRT now reads UINT8 weights right: support them"
