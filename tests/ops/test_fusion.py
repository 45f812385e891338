"""Multi-op models: which nodes jitlite fuses into one kernel (get_jit_details()["kernels"]: each
entry's symbol, the op indices it covers and a note on fusions it declined), that fused results
still match LiteRT, and that experimental_preserve_all_tensors=True keeps every intermediate
readable and equal to LiteRT's."""

import functools
import warnings

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter
from ai_edge_litert.interpreter import OpResolverType as LiteRTResolver

from jitlite.testing import ModelBuilder, assert_outputs_match, jitlite_interpreter, run_model
from op_testing import F32, TFLITE_KERNELS, rand

import jitlite


class Graph:
    """A ModelBuilder with one-line float32 nodes: g.op("ADD", [a, b], shape) -> tensor index."""

    def __init__(self):
        self.mb = ModelBuilder(description="jitlite fusion test")
        self.count = 0

    def input(self, shape):
        return self.mb.add_input(f"in{len(self.mb.inputs)}", F32, shape)

    def const(self, value):
        return self.mb.add_constant(f"c{len(self.mb.tensors)}", value)

    def op(self, name, inputs, shape, options=None):
        out = self.mb.add_tensor(f"t{self.count}_{name.lower()}", F32, shape)
        self.count += 1
        self.mb.add_op(name, inputs, [out], options)
        return out

    def build(self, *outputs):
        self.mb.mark_output(*outputs)
        return self.mb.build()


def compiled(model, **kwargs):
    interpreter = jitlite.Interpreter(model_content=model, **kwargs)
    interpreter.allocate_tensors()
    return interpreter


def kernels(interpreter):
    return interpreter.get_jit_details()["kernels"]


def random_values(model, seed=0):
    interpreter = TFLITE_KERNELS(model_content=model)
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2, 2, d["shape"]).astype(F32) for d in interpreter.get_input_details()]


def assert_matches_litert(model, values):
    actual = run_model(jitlite_interpreter(), model, values)
    expected = run_model(TFLITE_KERNELS, model, values)
    assert_outputs_match(actual, expected)


# --- models ------------------------------------------------------------------------------------

def elementwise_chain():
    """(x + y) -> RELU -> * y: three same-shape elementwise nodes."""
    g = Graph()
    x, y = g.input([2, 5, 8]), g.input([2, 5, 8])
    s = g.op("ADD", [x, y], [2, 5, 8])
    r = g.op("RELU", [s], [2, 5, 8])
    out = g.op("MUL", [r, y], [2, 5, 8])
    return g.build(out), [s, r]


def conv_epilogue():
    """CONV_2D -> ADD (a same-shape residual input) -> RELU6 -> MUL by a per-channel constant."""
    g = Graph()
    x, residual = g.input([1, 8, 8, 3]), g.input([1, 8, 8, 4])
    c = g.op("CONV_2D", [x, g.const(rand((4, 3, 3, 3))), g.const(rand((4,), 1))], [1, 8, 8, 4],
             dict(padding="SAME"))
    a = g.op("ADD", [c, residual], [1, 8, 8, 4])
    r = g.op("RELU6", [a], [1, 8, 8, 4])
    out = g.op("MUL", [r, g.const(rand((4,), 2))], [1, 8, 8, 4])
    return g.build(out), [c, a, r]


def broadcast_intermediate():
    """x + y is [1, 8]; MUL by z [3, 8] broadcasts it to [3, 8]: the sum must be stored."""
    g = Graph()
    x, y, z = g.input([1, 8]), g.input([1, 8]), g.input([3, 8])
    s = g.op("ADD", [x, y], [1, 8])
    out = g.op("MUL", [s, z], [3, 8])
    return g.build(out), [s]


def multi_consumer_intermediate():
    """s = x + y feeds both RELU and the final MUL: it must be stored."""
    g = Graph()
    x, y = g.input([4, 6]), g.input([4, 6])
    s = g.op("ADD", [x, y], [4, 6])
    r = g.op("RELU", [s], [4, 6])
    out = g.op("MUL", [s, r], [4, 6])
    return g.build(out), [s, r]


def layer_norm():
    """MobileBERT-style LayerNorm: MEAN, SQUARED_DIFFERENCE, MEAN, ADD eps, RSQRT, SUB, MUL."""
    g = Graph()
    x = g.input([3, 16])
    axis = g.const(np.array([-1], np.int32))
    m = g.op("MEAN", [x, axis], [3, 1], dict(keep_dims=True))
    d = g.op("SQUARED_DIFFERENCE", [x, m], [3, 16])
    v = g.op("MEAN", [d, axis], [3, 1], dict(keep_dims=True))
    e = g.op("ADD", [v, g.const(np.array([1e-5], F32))], [3, 1])
    r = g.op("RSQRT", [e], [3, 1])
    c = g.op("SUB", [x, m], [3, 16])
    out = g.op("MUL", [c, r], [3, 16])
    return g.build(out), [m, d, v, e, r, c]


def conv_reshape_softmax():
    """CONV_2D -> RESHAPE (alias) -> SOFTMAX (kernel) -> TANH (epilogue of the softmax)."""
    g = Graph()
    x = g.input([1, 6, 6, 2])
    c = g.op("CONV_2D", [x, g.const(rand((5, 3, 3, 2))), g.const(rand((5,), 1))], [1, 4, 4, 5],
             dict(padding="VALID", fused_activation_function="RELU"))
    flat = g.op("RESHAPE", [c, g.const(np.array([16, 5], np.int32))], [16, 5])
    s = g.op("SOFTMAX", [flat], [16, 5], dict(beta=1.0))
    out = g.op("TANH", [s], [16, 5])
    return g.build(out), [c, flat, s]


def depthwise_hard_swish():
    """MobileNet v3 block tail: DEPTHWISE_CONV_2D -> HARD_SWISH -> ADD of a same-shape input."""
    g = Graph()
    x, skip = g.input([1, 7, 7, 6]), g.input([1, 4, 4, 12])
    d = g.op("DEPTHWISE_CONV_2D", [x, g.const(rand((1, 3, 3, 12))), g.const(rand((12,), 1))],
             [1, 4, 4, 12], dict(padding="SAME", stride_h=2, stride_w=2, depth_multiplier=2))
    h = g.op("HARD_SWISH", [d], [1, 4, 4, 12])
    out = g.op("ADD", [h, skip], [1, 4, 4, 12])
    return g.build(out), [d, h]


def fc_reshape_epilogue():
    """FULLY_CONNECTED [6, 20] -> RESHAPE [2, 3, 20] (an alias keeping the last dim) -> ADD of a
    [3, 1] operand that broadcasts in the reshaped shape only -> TANH (a scalar epilogue): one
    kernel."""
    g = Graph()
    x = g.input([6, 19])
    y = g.op("FULLY_CONNECTED", [x, g.const(rand((20, 19), seed=4)), g.const(rand((20,), seed=5))],
             [6, 20])
    r = g.op("RESHAPE", [y, g.const(np.array([2, 3, 20], np.int32))], [2, 3, 20])
    a = g.op("ADD", [r, g.input([3, 1])], [2, 3, 20])
    out = g.op("TANH", [a], [2, 3, 20])
    return g.build(out), [y, r, a]


def attention_scores():
    """BATCH_MATMUL [8, 5, 37] -> RESHAPE [2, 4, 5, 37] -> ADD of a [2, 1, 1, 37] mask -> MUL:
    the conformer's scores, one kernel with a vector epilogue (rows 37 wide: two full vectors and
    a tail)."""
    g = Graph()
    q, k = g.input([8, 5, 3]), g.input([8, 3, 37])
    s = g.op("BATCH_MATMUL", [q, k], [8, 5, 37])
    r = g.op("RESHAPE", [s, g.const(np.array([2, 4, 5, 37], np.int32))], [2, 4, 5, 37])
    a = g.op("ADD", [r, g.input([2, 1, 1, 37])], [2, 4, 5, 37])
    r2 = g.op("RESHAPE", [a, g.const(np.array([40, 37], np.int32))], [40, 37])
    out = g.op("MUL", [r2, g.input([40, 1])], [40, 37])
    return g.build(out), [s, r, a, r2]


def transpose_reshape_add():
    """TRANSPOSE (a copy kernel, scalar stores) -> RESHAPE [4, 3, 5] -> ADD of a [3, 1] operand."""
    g = Graph()
    x = g.input([5, 12])
    t = g.op("TRANSPOSE", [x, g.const(np.array([1, 0], np.int32))], [12, 5])
    r = g.op("RESHAPE", [t, g.const(np.array([4, 3, 5], np.int32))], [4, 3, 5])
    out = g.op("ADD", [r, g.input([3, 1])], [4, 3, 5])
    return g.build(out), [t, r]


MODELS = [elementwise_chain, conv_epilogue, depthwise_hard_swish, broadcast_intermediate, multi_consumer_intermediate,
          layer_norm, conv_reshape_softmax, fc_reshape_epilogue, attention_scores,
          transpose_reshape_add]


# --- what gets fused ---------------------------------------------------------------------------

def test_elementwise_chain_is_one_kernel():
    model, intermediates = elementwise_chain()
    interpreter = compiled(model)
    (kernel,) = kernels(interpreter)
    assert kernel["op_indices"] == [0, 1, 2]
    assert kernel["symbol"].endswith("add_relu_mul")
    for t in intermediates:  # never stored
        with pytest.raises(ValueError, match="fused into kernel"):
            interpreter.get_tensor(t)


def test_conv_with_add_epilogue_is_one_kernel():
    model, _ = conv_epilogue()
    (kernel,) = kernels(compiled(model))
    assert kernel["op_indices"] == [0, 1, 2, 3]
    assert "conv_2d_add_relu6_mul" in kernel["symbol"]


def test_depthwise_with_epilogue_is_one_kernel():
    model, _ = depthwise_hard_swish()
    (kernel,) = kernels(compiled(model))
    assert kernel["op_indices"] == [0, 1, 2]
    assert "depthwise_conv_2d_hard_swish_add" in kernel["symbol"]


def test_broadcast_intermediate_is_not_fused():
    model, _ = broadcast_intermediate()
    first, second = kernels(compiled(model))
    assert (first["op_indices"], second["op_indices"]) == ([0], [1])
    assert "not fused with node 1 MUL: shapes differ (broadcast)" in first["note"]


def test_multi_consumer_intermediate_is_not_fused():
    model, _ = multi_consumer_intermediate()
    groups = kernels(compiled(model))
    assert [k["op_indices"] for k in groups] == [[0], [1, 2]]
    assert "not fused with node 1 RELU: it has several consumers" in groups[0]["note"]


def test_graph_output_intermediate_is_not_fused_and_readable():
    g = Graph()
    x, y = g.input([2, 7]), g.input([2, 7])
    s = g.op("ADD", [x, y], [2, 7])
    out = g.op("TANH", [s], [2, 7])
    model = g.build(out, s)
    groups = kernels(compiled(model))
    assert [k["op_indices"] for k in groups] == [[0], [1]]
    assert "it is a graph output" in groups[0]["note"]
    assert_matches_litert(model, random_values(model))


def test_layer_norm_groups():
    model, _ = layer_norm()
    groups = kernels(compiled(model))
    # Both MEANs are kernels; ADD eps and RSQRT ride on the second MEAN as its epilogue; the
    # first MEAN's output has two consumers (SQUARED_DIFFERENCE, SUB), so it is stored.
    assert [k["op_indices"] for k in groups] == [[0], [1], [2, 3, 4], [5, 6]]
    assert "several consumers" in groups[0]["note"]


def test_alias_emits_no_kernel_and_softmax_takes_an_epilogue():
    model, _ = conv_reshape_softmax()
    groups = [k["op_indices"] for k in kernels(compiled(model))]
    assert groups == [[0], [2, 3]]  # node 1 (RESHAPE) is an alias


@pytest.mark.parametrize("make_model, groups", [(fc_reshape_epilogue, [[0, 2, 3]]),
                                                (attention_scores, [[0, 2, 4]]),
                                                (transpose_reshape_add, [[0, 2]])],
                         ids=["fc_reshape_epilogue", "attention_scores", "transpose_reshape_add"])
def test_epilogue_continues_through_a_reshape(make_model, groups):
    model, intermediates = make_model()
    interpreter = compiled(model)
    assert [k["op_indices"] for k in kernels(interpreter)] == groups
    for t in intermediates:  # the anchor's output and its aliases stay in registers
        with pytest.raises(ValueError, match="fused into kernel"):
            interpreter.get_tensor(t)


def test_anchor_output_read_later_is_stored():
    # The BATCH_MATMUL's output also feeds a later SOFTMAX: the kernel stores it (the RESHAPE's
    # value stays in registers for the ADD), and the SOFTMAX reads it from memory.
    g = Graph()
    q, k = g.input([4, 3, 2]), g.input([4, 2, 21])
    s = g.op("BATCH_MATMUL", [q, k], [4, 3, 21])
    r = g.op("RESHAPE", [s, g.const(np.array([2, 2, 3, 21], np.int32))], [2, 2, 3, 21])
    a = g.op("ADD", [r, g.input([2, 1, 1, 21])], [2, 2, 3, 21])
    p = g.op("SOFTMAX", [s], [4, 3, 21], dict(beta=1.0))
    model = g.build(a, p)
    assert [k["op_indices"] for k in kernels(compiled(model))] == [[0, 2], [3]]
    assert_matches_litert(model, random_values(model))


def _scores_softmax(batches, m, k, n, adj_y=False, mask=True):
    """BATCH_MATMUL -> RESHAPE -> ADD of a mask -> SOFTMAX (a row epilogue)."""
    g = Graph()
    q = g.input([batches, m, k])
    y = g.input([batches, n, k] if adj_y else [batches, k, n])
    s = g.op("BATCH_MATMUL", [q, y], [batches, m, n], dict(adj_x=False, adj_y=adj_y))
    shape = [2, batches // 2, m, n]
    r = g.op("RESHAPE", [s, g.const(np.array(shape, np.int32))], shape)
    a = g.op("ADD", [r, g.input([2, 1, 1, n])], shape) if mask else r
    p = g.op("SOFTMAX", [a], shape, dict(beta=1.0))
    return g.build(p)


@pytest.mark.parametrize("batches, m, k, n, adj_y",
                         [(4, 5, 3, 37, False), (2, 25, 7, 16, False), (4, 13, 9, 40, True),
                          (2, 3, 300, 500, False), (2, 50, 64, 400, False)],
                         ids=["tail_vector", "two_row_tiles", "adj_y", "b_over_l2",
                              "split_over_threads"])
def test_softmax_is_a_row_epilogue_of_the_scores(batches, m, k, n, adj_y):
    model = _scores_softmax(batches, m, k, n, adj_y)
    assert [kk["op_indices"] for kk in kernels(compiled(model))] == [[0, 2, 3]]
    values = random_values(model)
    values[2] = np.where(values[2] > 0, 0, -np.finfo(F32).max).astype(F32)  # a -FLT_MAX mask
    assert_matches_litert(model, values)
    for threads in (2, 3):
        actual = run_model(functools.partial(jitlite.Interpreter, num_threads=threads), model,
                           values)
        assert_outputs_match(actual, run_model(TFLITE_KERNELS, model, values))


def test_softmax_right_after_the_scores_is_a_row_epilogue():
    model = _scores_softmax(4, 6, 5, 21, mask=False)
    assert [kk["op_indices"] for kk in kernels(compiled(model))] == [[0, 2]]
    assert_matches_litert(model, random_values(model))


def test_reshape_changing_the_last_dim_ends_the_epilogue():
    g = Graph()
    x = g.input([4, 6])
    y = g.op("FULLY_CONNECTED", [x, g.const(rand((8, 6), seed=6)), g.const(rand((8,), seed=7))],
             [4, 8])
    r = g.op("RESHAPE", [y, g.const(np.array([8, 4], np.int32))], [8, 4])
    out = g.op("RELU", [r], [8, 4])
    model = g.build(out)
    assert [k["op_indices"] for k in kernels(compiled(model))] == [[0], [2]]
    assert_matches_litert(model, random_values(model))


# --- results -----------------------------------------------------------------------------------

@pytest.mark.parametrize("make_model", MODELS, ids=lambda f: f.__name__)
def test_fused_results_match_litert(make_model):
    model, _ = make_model()
    for seed in (0, 1):
        assert_matches_litert(model, random_values(model, seed))


@pytest.mark.parametrize("make_model", MODELS, ids=lambda f: f.__name__)
def test_preserve_all_tensors_keeps_every_intermediate(make_model):
    model, intermediates = make_model()
    values = random_values(model)
    # BUILTIN_WITHOUT_DEFAULT_DELEGATES for both: LiteRT's XNNPACK delegate would hide the
    # intermediates it runs internally (and both interpreters warn about preserve under AUTO).
    resolver = dict(experimental_op_resolver_type=jitlite.OpResolverType.
                    BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    ours = jitlite.Interpreter(model_content=model, experimental_preserve_all_tensors=True,
                               **resolver)
    theirs = LiteRTInterpreter(model_content=model, experimental_preserve_all_tensors=True,
                               experimental_op_resolver_type=LiteRTResolver.
                               BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    for interpreter in (ours, theirs):
        interpreter.allocate_tensors()
        for detail, value in zip(interpreter.get_input_details(), values):
            interpreter.set_tensor(detail["index"], value)
        interpreter.invoke()
    # One kernel per node that emits code: nothing fused away.
    assert all(len(k["op_indices"]) == 1 for k in kernels(ours))
    outputs = [d["index"] for d in ours.get_output_details()]
    for t in intermediates + outputs:
        assert_outputs_match([ours.get_tensor(t)], [theirs.get_tensor(t)], context=f"tensor {t}")


def test_preserve_all_tensors_warns_under_auto_like_litert():
    model, _ = elementwise_chain()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jitlite.Interpreter(model_content=model, experimental_preserve_all_tensors=True)
    assert any("preserve_all_tensors" in str(w.message) for w in caught)


# --- vectorized epilogues of GEMM kernels -----------------------------------------------------

def _gemm_epilogue(anchor, cout, operand_shape, tail):
    """`anchor` (a 1x1 conv, a 3x3 conv or an FC with constant weights) with `cout` outputs,
    then ADD of an input of operand_shape (same shape, per-channel or scalar broadcast), then
    the `tail` elementwise op: all one kernel whose epilogue runs on 16-lane vectors."""
    g = Graph()
    if anchor == "FULLY_CONNECTED":
        x = g.input([3, 19])
        out_shape = [3, cout]
        y = g.op(anchor, [x, g.const(rand((cout, 19), seed=cout)), g.const(rand((cout,), seed=cout))],
                 out_shape)
    else:
        k = 1 if anchor == "CONV_1X1" else 3
        x = g.input([1, 6, 7, 5])
        out_shape = [1, 6, 7, cout]
        y = g.op("CONV_2D", [x, g.const(rand((cout, k, k, 5), seed=cout)), g.const(rand((cout,), seed=cout))],
                 out_shape, dict(padding="SAME", stride_w=1, stride_h=1))
    other = g.input(operand_shape if operand_shape != "same" else out_shape)
    s = g.op("ADD", [y, other], out_shape)
    out = g.op(tail, [s], out_shape)
    return g.build(out)


@pytest.mark.parametrize("anchor", ["CONV_1X1", "CONV_3X3", "FULLY_CONNECTED"])
@pytest.mark.parametrize("cout", [16, 20, 37])  # full panels, a partial one, several + partial
@pytest.mark.parametrize("operand", ["same", "channel", "scalar"])
@pytest.mark.parametrize("tail", ["HARD_SWISH", "RELU6"])
def test_gemm_vector_epilogue_matches_litert(anchor, cout, operand, tail):
    shape = {"same": "same", "channel": [cout], "scalar": [1]}[operand]
    model = _gemm_epilogue(anchor, cout, shape, tail)
    interpreter = compiled(model)
    assert [k["op_indices"] for k in kernels(interpreter)] == [[0, 1, 2]]
    assert_matches_litert(model, random_values(model, seed=cout))


# --- 1x1 expand conv computed inside the following depthwise conv ------------------------------

def _expand_depthwise(shape, cexp, kernel, stride, padding, multiplier=1, dilation=1, conv_act="RELU6"):
    """MobileNetV2's block head: CONV_2D 1x1 (cin -> cexp, + bias, activation) -> DEPTHWISE_CONV_2D
    (kernel x kernel, + bias, RELU6). The expanded tensor is >= 1 MiB, so the depthwise kernel
    computes it itself, a few rows at a time."""
    n, h, w, cin = shape
    g = Graph()
    x = g.input(shape)
    e = g.op("CONV_2D", [x, g.const(rand((cexp, 1, 1, cin), seed=1)), g.const(rand((cexp,), 2))],
             [n, h, w, cexp], dict(padding="SAME", fused_activation_function=conv_act))
    cout = cexp * multiplier
    if padding == "SAME":
        oh, ow = -(-h // stride), -(-w // stride)
    else:
        span = (kernel - 1) * dilation + 1
        oh, ow = (h - span) // stride + 1, (w - span) // stride + 1
    out = g.op("DEPTHWISE_CONV_2D", [e, g.const(rand((1, kernel, kernel, cout), seed=3)),
                                     g.const(rand((cout,), 4))], [n, oh, ow, cout],
               dict(padding=padding, stride_h=stride, stride_w=stride, depth_multiplier=multiplier,
                    dilation_h_factor=dilation, dilation_w_factor=dilation,
                    fused_activation_function="RELU6"))
    return g.build(out)


EXPAND_DEPTHWISE = {
    "s1_same": ([1, 61, 63, 7], 72, 3, 1, "SAME", 1, 1),
    "s2_same_even": ([1, 64, 64, 16], 96, 3, 2, "SAME", 1, 1),
    "s2_same_odd": ([1, 57, 59, 5], 84, 3, 2, "SAME", 1, 1),
    "s2_valid": ([1, 58, 61, 9], 80, 3, 2, "VALID", 1, 1),
    "k5_s1_valid": ([1, 45, 47, 11], 130, 5, 1, "VALID", 1, 1),
    "multiplier2": ([1, 52, 53, 6], 100, 3, 1, "SAME", 2, 1),
    "dilation2": ([1, 48, 51, 8], 112, 3, 1, "SAME", 1, 2),
    "batch2_relu": ([2, 40, 41, 12], 90, 3, 1, "SAME", 1, 1),
}


@pytest.mark.parametrize("case", EXPAND_DEPTHWISE.values(), ids=EXPAND_DEPTHWISE.keys())
@pytest.mark.parametrize("threads", [1, 2])
def test_expand_conv_fused_into_depthwise(case, threads):
    shape, cexp, kernel, stride, padding, multiplier, dilation = case
    act = "RELU" if len(shape) and shape[0] == 2 else "RELU6"
    model = _expand_depthwise(shape, cexp, kernel, stride, padding, multiplier, dilation, act)
    ours = functools.partial(jitlite.Interpreter, num_threads=threads)
    assert [k["op_indices"] for k in kernels(compiled(model, num_threads=threads))] == [[0, 1]]
    values = random_values(model, seed=cexp)
    fused = run_model(ours, model, values)
    assert_outputs_match(fused, run_model(TFLITE_KERNELS, model, values))
    # Bit-identical to the two kernels unfused (same GEMM and depthwise arithmetic).
    unfused = functools.partial(jitlite.Interpreter, num_threads=threads,
                                experimental_preserve_all_tensors=True,
                                experimental_op_resolver_type=jitlite.OpResolverType.
                                BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    np.testing.assert_array_equal(fused[0], run_model(unfused, model, values)[0])


def test_small_expand_conv_is_not_fused():
    model = _expand_depthwise([1, 14, 14, 16], 96, 3, 1, "SAME")
    assert [k["op_indices"] for k in kernels(compiled(model))] == [[0], [1]]
