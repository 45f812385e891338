"""WHILE: loops over subgraphs (cond and body), compiled into the entry function, vs LiteRT.
Keras LSTM/GRU layers converted without unroll are WHILE loops: tests/python/test_models.py."""

import functools

import numpy as np
import pytest

from control_flow_cases import F32, I32, add_while, check_model, const, less_than, op, while_model
from jitlite.testing import (ModelBuilder, assert_outputs_match, jitlite_interpreter,
                             litert_interpreter, run_model)
from op_testing import MODELS_DIR, check_model_file

COUNTER = ([], I32)


def scale_body(sb, i, x):
    """i + 1, x * 1.5 - 0.25."""
    return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
            op(sb, "SUB", [op(sb, "MUL", [x, const(sb, 1.5, F32)], [2, 3]), const(sb, 0.25, F32)],
               [2, 3])]


def counter_model():
    return while_model([COUNTER, ([2, 3], F32)], less_than(5), scale_body)


@pytest.mark.parametrize("start", [0, 3, 4])
def test_counter_loop(start):
    x = np.random.default_rng(0).uniform(-1, 1, (2, 3)).astype(F32)
    i, y = check_model(counter_model(), [np.array(start, I32), x])
    assert i == 5


@pytest.mark.parametrize("start", [5, 7])
def test_zero_iterations_give_the_inputs(start):
    x = np.random.default_rng(1).uniform(-1, 1, (2, 3)).astype(F32)
    i, y = check_model(counter_model(), [np.array(start, I32), x])
    assert i == start
    np.testing.assert_array_equal(y, x)


def accumulate_body(sb, i, acc, seq):
    """acc += seq[i] (a GATHER at the counter), i + 1; seq passes through."""
    row = op(sb, "GATHER", [seq, i], [4], options=dict(axis=0))
    return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), op(sb, "ADD", [acc, row], [4]), seq]


def test_loop_accumulates_a_tensor():
    specs = [COUNTER, ([4], F32), ([6, 4], F32)]
    model = while_model(specs, less_than(6), accumulate_body, outputs=[1])
    seq = np.random.default_rng(2).uniform(-1, 1, (6, 4)).astype(F32)
    (acc,) = check_model(model, [np.array(0, I32), np.zeros(4, F32), seq])
    np.testing.assert_allclose(acc, seq.sum(axis=0), rtol=1e-5, atol=1e-6)


def test_body_that_swaps_variables():
    """Outputs are inputs in another order: each copy back must read the old values."""
    def body(sb, i, a, b):
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), b,
                op(sb, "ADD", [a, const(sb, 1.0, F32)], [3])]
    model = while_model([COUNTER, ([3], F32), ([3], F32)], less_than(3), body)
    rng = np.random.default_rng(3)
    check_model(model, [np.array(0, I32), rng.uniform(-1, 1, 3).astype(F32),
                        rng.uniform(-1, 1, 3).astype(F32)])


def test_condition_on_tensor_values():
    """Doubles x until its sum exceeds 10: the trip count depends on the data."""
    def cond(sb, x):
        total = op(sb, "SUM", [x, const(sb, [0], I32)], [])
        return op(sb, "LESS", [total, const(sb, 10.0, F32)], [], np.bool_)
    model = while_model([([4], F32)], cond,
                        lambda sb, x: [op(sb, "MUL", [x, const(sb, 2.0, F32)], [4])])
    for seed in range(3):
        x = np.random.default_rng(seed).uniform(0.1, 1, 4).astype(F32)
        check_model(model, [x])


def test_nested_loops():
    """An outer loop of 3 whose body runs an inner loop of 4 adding 0.5 to x."""
    mb = ModelBuilder(description="nested WHILE")
    specs = [COUNTER, ([2, 2], F32)]
    inputs = [mb.add_input("i", I32, []), mb.add_input("x", F32, [2, 2])]

    def inner_body(sb, j, x):
        return [op(sb, "ADD", [j, const(sb, 1, I32)], [], I32),
                op(sb, "ADD", [x, const(sb, 0.5, F32)], [2, 2])]

    def outer_body(sb, i, x):
        j, y = add_while(sb, mb, [const(sb, 0, I32), x], specs, less_than(4), inner_body, "inner")
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
                op(sb, "MUL", [y, const(sb, 0.5, F32)], [2, 2])]

    outs = add_while(mb, mb, inputs, specs, less_than(3), outer_body, "outer")
    mb.mark_output(*outs)
    x = np.random.default_rng(4).uniform(-1, 1, (2, 2)).astype(F32)
    check_model(mb.build(), [np.array(0, I32), x])


def test_loop_between_other_ops():
    """Ops before and after the WHILE in the main graph, and a constant loop variable."""
    mb = ModelBuilder(description="WHILE between ops")
    x = mb.add_input("x", F32, [3])
    doubled = op(mb, "MUL", [x, const(mb, 2.0, F32)], [3])
    i, y = add_while(mb, mb, [const(mb, 0, I32), doubled], [COUNTER, ([3], F32)], less_than(4),
                     lambda sb, i, v: [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
                                       op(sb, "TANH", [v], [3])])
    mb.mark_output(op(mb, "ADD", [y, const(mb, 1.0, F32)], [3]))
    check_model(mb.build(), [np.random.default_rng(5).uniform(-2, 2, 3).astype(F32)])


def test_invoke_twice_and_resize():
    """A second invoke starts from the new inputs; a resized input recompiles the subgraphs."""
    model = while_model([COUNTER, ([2, 3], F32)], less_than(5), scale_body)
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    first, second = np.ones((2, 3), F32), np.full((2, 3), -2.0, F32)
    for x in (first, second):
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.array(0, I32))
        interpreter.set_tensor(interpreter.get_input_details()[1]["index"], x)
        interpreter.invoke()
        y = interpreter.get_tensor(interpreter.get_output_details()[1]["index"])
        expected = x.copy()
        for _ in range(5):
            expected = expected * np.float32(1.5) - np.float32(0.25)
        np.testing.assert_allclose(y, expected, rtol=1e-6)
    # The body's declared [2, 3] shapes come from the loop variables, so any shape works.
    def body(sb, i, x):
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), op(sb, "TANH", [x], [2, 3])]
    resizable = while_model([COUNTER, ([2, 3], F32)], less_than(2), body)
    check_model(resizable, [np.array(0, I32), np.random.default_rng(6).uniform(-1, 1, (4, 5))
                            .astype(F32)])


def test_body_changing_a_shape_runs_iteration_by_iteration():
    """More in test_while_changing_shapes.py."""
    def body(sb, i, x):
        wide = op(sb, "CONCATENATION", [x, x], [4], options=dict(axis=0))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), wide]
    model = while_model([COUNTER, ([2], F32)], less_than(3), body)
    out = check_model(model, [np.array(0, I32), np.array([1.5, -2.0], F32)])
    assert out[1].shape == (16,)


def test_condition_must_be_bool():
    model = while_model([COUNTER], lambda sb, i: op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
                        lambda sb, i: [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32)])
    with pytest.raises(RuntimeError, match=r"WHILE condition \(subgraph 1\) output is INT32"):
        run_model(jitlite_interpreter(), model, [np.array(0, I32)])


@pytest.mark.parametrize("relative", ["api/multi_subgraphs_while.bin", "api/nested_while.bin"])
@pytest.mark.parametrize("seed", [0, 1])
def test_shared_while_models(relative, seed):
    check_model_file(relative, seed=seed)


def test_string_loop_variable_is_refused():
    """STRING tensors (shared api/while_op_with_forwarding_input.bin carries one as a loop
    variable) run as interned ids in the main graph only, not through control flow."""
    path = MODELS_DIR / "api" / "while_op_with_forwarding_input.bin"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    interpreter = jitlite_interpreter()(model_content=path.read_bytes())
    with pytest.raises(RuntimeError, match="WHILE: input 4 has type STRING: jitlite does not carry STRING tensors into "
                       "control flow"):
        interpreter.allocate_tensors()


def test_variable_state_in_the_body_carries_across_iterations_only():
    """An RNN step in the body: its variable hidden state carries from one iteration to the
    next, and starts from zero each time the WHILE runs (TFLite allocates the body's tensors
    anew per Eval), also after reset_all_variables."""
    rng = np.random.default_rng(7)
    w, r, b = [rng.uniform(-0.5, 0.5, shape).astype(F32) for shape in ((3, 3), (3, 3), (3,))]

    def body(sb, i, x):
        operands = [sb.add_constant(f"w{k}", value) for k, value in enumerate((w, r, b))]
        state = sb.add_tensor("state", F32, [1, 3], is_variable=True)
        h = op(sb, "RNN", [x, *operands, state], [1, 3],
               options=dict(fused_activation_function="TANH"))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h]

    model = while_model([COUNTER, ([1, 3], F32)], less_than(3), body)
    x = rng.uniform(-1, 1, (1, 3)).astype(F32)
    runs = []
    for cls in (jitlite_interpreter(), litert_interpreter()):
        interpreter = cls(model_content=model)
        interpreter.allocate_tensors()
        outputs = []
        for reset in (False, False, True):
            if reset:
                interpreter.reset_all_variables()
            for detail, value in zip(interpreter.get_input_details(), [np.array(0, I32), x]):
                interpreter.set_tensor(detail["index"], value)
            interpreter.invoke()
            outputs.append(interpreter.get_tensor(interpreter.get_output_details()[1]["index"]))
        runs.append(outputs)
    for k, (actual, expected) in enumerate(zip(*runs)):
        assert_outputs_match([actual], [expected], context=f"invoke {k}")
    h, v = np.zeros((1, 3), F32), x
    for _ in range(3):
        h = v = np.tanh(v @ w.T + h @ r.T + b)
    np.testing.assert_allclose(runs[0][0], h, rtol=1e-5, atol=1e-6)


def tensor_list_write_body(sb, i, out, src):
    """out[i] = 2 * src[i], written as the converter writes a TensorList: out[:i] ++ row ++
    out[i + 1:] (slices whose shapes depend on i; jitlite runs it as DYNAMIC_UPDATE_SLICE)."""
    one = const(sb, 1, I32)
    row = op(sb, "MUL", [op(sb, "GATHER", [src, i], [2], options=dict(axis=0)),
                         const(sb, 2.0, F32)], [2])
    row = op(sb, "RESHAPE", [row, const(sb, [1, 2], I32)], [1, 2])
    i_next = op(sb, "ADD", [i, one], [], I32)
    as_vector = lambda k: op(sb, "RESHAPE", [k, const(sb, [1], I32)], [1], I32)
    size = op(sb, "CONCATENATION", [as_vector(i), const(sb, [-1], I32)], [2], I32,
              options=dict(axis=0))
    begin = op(sb, "CONCATENATION", [as_vector(i_next), const(sb, [0], I32)], [2], I32,
               options=dict(axis=0))
    head = op(sb, "SLICE", [out, const(sb, [0, 0], I32), size], [-1, 2])
    tail = op(sb, "SLICE", [out, begin, const(sb, [-1, -1], I32)], [-1, 2])
    return [i_next, op(sb, "CONCATENATION", [head, row, tail], [4, 2], options=dict(axis=0)), src]


@pytest.mark.parametrize("start", [0, 2, 3, 4])
def test_tensor_list_write_in_the_body(start):
    model = while_model([COUNTER, ([4, 2], F32), ([4, 2], F32)], less_than(4),
                        tensor_list_write_body, outputs=[1])
    rng = np.random.default_rng(8)
    out, src = rng.uniform(-1, 1, (4, 2)).astype(F32), rng.uniform(-1, 1, (4, 2)).astype(F32)
    (written,) = check_model(model, [np.array(start, I32), out, src])
    np.testing.assert_array_equal(written[start:], 2 * src[start:])
    np.testing.assert_array_equal(written[:start], out[:start])
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    symbols = [k["symbol"] for k in interpreter.get_jit_details()["kernels"]]
    assert any("dynamic_update_slice" in s for s in symbols), symbols
    assert not any("slice" in s.replace("dynamic_update_slice", "") for s in symbols), symbols


@pytest.mark.filterwarnings("ignore:experimental_preserve_all_tensors")
def test_threads_and_preserved_tensors():
    """A body big enough to split across threads gives the same bytes on 1 and 2 threads; with
    experimental_preserve_all_tensors the loop still matches LiteRT."""
    shape = [512, 512]
    model = while_model([COUNTER, (shape, F32)], less_than(3),
                        lambda sb, i, x: [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
                                          op(sb, "TANH", [op(sb, "MUL", [x, x], shape)], shape)])
    x = np.random.default_rng(9).uniform(-1, 1, shape).astype(F32)
    inputs = [np.array(0, I32), x]
    one = run_model(jitlite_interpreter(), model, inputs)
    two = run_model(functools.partial(jitlite_interpreter(), num_threads=2), model, inputs)
    np.testing.assert_array_equal(one[1], two[1])
    preserved = functools.partial(jitlite_interpreter(), experimental_preserve_all_tensors=True)
    expected = run_model(litert_interpreter(), model, inputs)
    assert_outputs_match(run_model(preserved, model, inputs), expected)
    assert_outputs_match(one, expected)
