"""Shared pieces of the recurrent op tests (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF,
UNIDIRECTIONAL_SEQUENCE_RNN): operand lists in TFLite's input order, with the states as
variable tensors, and a multi-invoke comparison with LiteRT (the states carry over from one
invoke to the next, which one-invoke check_op cannot see)."""

import numpy as np

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
                  outputs=1):
    """Compares jitlite with LiteRT over consecutive invokes of one model (states carry over).

    `model` (bytes) replaces the one-op model built from op/operands/options with `outputs`
    float32 outputs. Returns the LiteRT outputs per invoke."""
    reference = litert_interpreter()
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
