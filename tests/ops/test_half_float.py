"""FLOAT16 and BFLOAT16 tensors against LiteRT's reference kernels (BUILTIN_REF), for every op
that BUILTIN_REF runs in half precision (tools/half_sweep.py lists them): elementwise math,
comparisons, casts, SELECT, SOFTMAX, CONCATENATION and the copy ops; random inputs with
broadcasting and fused activations, special values (NaN, inf, -0, subnormals, overflow), a fused
half chain (rounded between ops as LiteRT stores each result), the ops BUILTIN_REF refuses in
half (jitlite refuses them too) and the Python API's half dtypes.

Tolerances (ULPs of the half type, see half_float_cases.py): 0 wherever float32 math then one
rounding equals LiteRT's (all ops here but the transcendental ones), and GELU, whose half-step
evaluation jitlite repeats (exact on every float16 input, both forms); SOFTMAX float16 1 ULP
(jitlite's polynomial exp differs from libm by a float32 ulp or two, which can flip one half
rounding); the other transcendental ones (LOGISTIC, TANH, SIN, COS, ATAN2) 1 ULP as well, though
they measure 0 on these inputs (LOGISTIC/TANH/SIN/COS on every float16 value).
"""

import numpy as np
import pytest

from half_float_cases import (BF16, F16, HALF_TYPES, assert_half_outputs_match,
                              assert_half_rejected, check_half, check_half_values, half_id,
                              half_values)
from jitlite.testing import ModelBuilder, build_op_model, jitlite_interpreter, run_model
from op_testing import ACTIVATIONS, REFERENCE_KERNELS, TFLITE_KERNELS

I32 = np.int32
F32 = np.float32
B = np.bool_

BROADCASTS = [((), ()), ((7,), (7,)), ((2, 3), (3,)), ((2, 1), (1, 3)),
              ((1, 4, 4, 3), (1, 1, 1, 3)), ((2, 1, 3, 1, 2, 1), (1, 2, 1, 3, 1, 2)), ((0, 3), (1, 3))]


def both(dtype_list):
    return pytest.mark.parametrize("dtype", dtype_list, ids=half_id)


# --- binary arithmetic ------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("shapes", BROADCASTS, ids=str)
def test_arithmetic_float16_broadcast(op, shapes):
    check_half(op, [(shapes[0], F16), (shapes[1], F16)], input_range=(-50, 50))


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_arithmetic_float16_activation(op, activation):
    check_half(op, [((4, 5), F16), ((4, 5), F16)], options=dict(fused_activation_function=activation),
               input_range=(-8, 8))


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("activation", ["NONE", "RELU6", "TANH"])
def test_arithmetic_float16_special_values(op, activation):
    x = half_values(F16)
    # Every pair: overflow to inf (65504 + 65504), inf - inf, NaN, signed zeros, subnormals.
    a, b = np.meshgrid(x, x)
    check_half_values(op, [a, b], options=dict(fused_activation_function=activation))


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@both(HALF_TYPES)
def test_min_max(op, dtype):
    check_half(op, [((2, 3, 4), dtype), ((3, 1), dtype)], input_range=(-3, 3))
    x = half_values(dtype)
    a, b = np.meshgrid(x, x)
    check_half_values(op, [a, b])


# --- comparisons ------------------------------------------------------------------------------

FLOAT16_COMPARISONS = ["EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]


@pytest.mark.parametrize("op", FLOAT16_COMPARISONS)
def test_comparison_float16(op):
    check_half(op, [((2, 3, 4), F16), ((4,), F16)], output_dtype=B, input_range=(-2, 2))
    x = half_values(F16)
    a, b = np.meshgrid(x, x)
    check_half_values(op, [a, b], output_dtype=B)


@pytest.mark.parametrize("op", ["LESS", "GREATER"])
def test_comparison_bfloat16(op):
    x = half_values(BF16)
    a, b = np.meshgrid(x, x)
    check_half_values(op, [a, b], output_dtype=B)
    check_half(op, [((5, 6), BF16), ((5, 1), BF16)], output_dtype=B)


@pytest.mark.parametrize("op", ["EQUAL", "NOT_EQUAL", "LESS_EQUAL", "GREATER_EQUAL"])
def test_comparison_bfloat16_rejected_like_tflite(op):
    assert_half_rejected(op, [((3,), BF16), ((3,), BF16)], output_dtypes=B,
                         match=f"TFLite's {op} does not accept")


# --- unary math -------------------------------------------------------------------------------

UNARY = [  # op, half types BUILTIN_REF runs, ULPs allowed, random input range
    ("NEG", HALF_TYPES, 0, (-100, 100)),
    ("FLOOR", HALF_TYPES, 0, (-100, 100)),
    ("LOGISTIC", HALF_TYPES, 1, (-12, 12)),
    ("TANH", HALF_TYPES, 1, (-6, 6)),
    ("SIN", [F16], 1, (-20, 20)),
    ("COS", [F16], 1, (-20, 20)),
]
UNARY_CASES = [(op, t, ulps, r) for op, types, ulps, r in UNARY for t in types]


@pytest.mark.parametrize("op,dtype,ulps,value_range", UNARY_CASES,
                         ids=[f"{c[0]}-{half_id(c[1])}" for c in UNARY_CASES])
@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 4), (1000,)], ids=str)
def test_unary_random(op, dtype, ulps, value_range, shape):
    check_half(op, [(shape, dtype)], ulps=ulps, input_range=value_range)


@pytest.mark.parametrize("op,dtype,ulps,value_range", UNARY_CASES,
                         ids=[f"{c[0]}-{half_id(c[1])}" for c in UNARY_CASES])
def test_unary_special_values(op, dtype, ulps, value_range):
    del value_range
    check_half_values(op, [half_values(dtype)], ulps=ulps)


def test_unary_every_float16_value():
    every = np.arange(1 << 16, dtype=np.uint16).view(F16)
    for op, types, ulps, _ in UNARY:
        if F16 in types:
            check_half_values(op, [every], ulps=ulps)


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_float16_every_value(approximate):
    # TFLite evaluates GELU on Eigen::half, rounding after every operation (1 + erf cancels in
    # half: thousands of ULPs from a float32 evaluation near zero); jitlite rounds after the same
    # operations. Exact on all 65536 inputs, against BUILTIN_REF and the optimized kernels
    # (XNNPACK, the default resolver, computes in float32 and is not compared).
    every = np.arange(1 << 16, dtype=np.uint16).view(F16)
    options = dict(approximate=approximate)
    check_half_values("GELU", [every], options=options, ulps=0)
    build = dict(op="GELU", inputs=[(every.shape, F16)], options=options,
                 output_shapes=[list(every.shape)])
    assert_half_outputs_match(run_model(jitlite_interpreter(), build_op_model(**build), [every]),
                              run_model(TFLITE_KERNELS, build_op_model(**build), [every]), 0,
                              "GELU vs TFLite's optimized kernels")


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_float16_fused_chain(approximate):
    # ADD -> GELU -> MUL fuse into one loop; GELU's half steps must survive the fusion.
    mb = ModelBuilder()
    a = mb.add_input("a", F16, [4, 50])
    b = mb.add_input("b", F16, [50])
    s = mb.add_tensor("s", F16, [4, 50])
    g = mb.add_tensor("g", F16, [4, 50])
    y = mb.add_tensor("y", F16, [4, 50])
    mb.add_op("ADD", [a, b], [s])
    mb.add_op("GELU", [s], [g], dict(approximate=approximate))
    mb.add_op("MUL", [g, b], [y])
    mb.mark_output(y)
    model = mb.build()
    rng = np.random.default_rng(8)
    values = [rng.uniform(-5, 5, (4, 50)).astype(F16), rng.uniform(-3, 3, 50).astype(F16)]
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    assert [k["op_indices"] for k in interpreter.get_jit_details()["kernels"]] == [[0, 1, 2]]
    assert_half_outputs_match(run_model(jitlite_interpreter(), model, values),
                              run_model(REFERENCE_KERNELS, model, values), 0, "add -> gelu -> mul")


@both(HALF_TYPES)
def test_atan2(dtype):
    check_half("ATAN2", [((3, 4), dtype), ((3, 4), dtype)], ulps=1, input_range=(-5, 5))
    x = half_values(dtype)
    a, b = np.meshgrid(x, x)
    check_half_values("ATAN2", [a, b], ulps=1)


# --- casts, select ----------------------------------------------------------------------------

@both(HALF_TYPES)
def test_cast_from_float32(dtype):
    # Ties, values past the half range (inf), subnormals of both types, NaN.
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 65519.0, 65520.0, 1e5, -1e5, 3e38,
                        1e-8, 3e-8, 6e-5, 1.0009766, 1.0014648, 1.00390625, 1.01171875, 1e-39,
                        -2.5], F32)
    check_half_values("CAST", [special], output_dtype=dtype)
    check_half("CAST", [((3, 50), F32)], output_dtype=dtype, input_range=(-1000, 1000))


@both(HALF_TYPES)
def test_cast_to_float32(dtype):
    check_half_values("CAST", [np.arange(1 << 16, dtype=np.uint16).view(dtype)],
                      output_dtype=F32)


@pytest.mark.parametrize("op", ["SELECT", "SELECT_V2"])
@both(HALF_TYPES)
def test_select(op, dtype):
    check_half(op, [((2, 3), B), ((2, 3), dtype), ((2, 3), dtype)], output_dtype=dtype)


def test_select_v2_broadcast_float16():
    check_half("SELECT_V2", [((2, 1), B), ((1, 3), F16), ((2, 3), F16)], output_dtype=F16)


# --- kernels: SOFTMAX, CONCATENATION ----------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 10), (3, 7), (2, 3, 100)], ids=str)
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_softmax_float16(shape, beta):
    check_half("SOFTMAX", [(shape, F16)], options=dict(beta=beta), ulps=1, input_range=(-10, 10))


def test_softmax_float16_large_values():
    x = np.array([[60000.0, -60000.0, 0.0, 10.0], [-np.inf, 1.0, 2.0, 3.0]], F32).astype(F16)
    check_half_values("SOFTMAX", [x], options=dict(beta=1.0), ulps=1)


def test_softmax_bfloat16_rejected_like_tflite():
    assert_half_rejected("SOFTMAX", [((2, 3), BF16)], options=dict(beta=1.0),
                         match="SOFTMAX of BFLOAT16, which TFLite does not accept")


@both(HALF_TYPES)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenation(dtype, axis):
    shapes = {0: [(1, 3, 2), (2, 3, 2)], 1: [(2, 1, 2), (2, 4, 2)], -1: [(2, 3, 1), (2, 3, 3)]}
    check_half("CONCATENATION", [(s, dtype) for s in shapes[axis]], options=dict(axis=axis))


# --- copy ops ---------------------------------------------------------------------------------

def copy_cases(h):
    """op -> (inputs, options, output dtype) with half data and int32 index/shape operands."""
    x = ((2, 3, 4), h)
    nhwc = ((1, 4, 4, 2), h)
    return {
        "TRANSPOSE": ([x, np.array([2, 0, 1], I32)], {}, None),
        "GATHER": ([x, np.array([1, 0, 1], I32)], dict(axis=1), None),
        "GATHER_ND": ([x, np.array([[1, 0], [0, 2]], I32)], {}, None),
        "PAD": ([x, np.array([[0, 1], [1, 0], [0, 2]], I32)], {}, None),
        "PADV2": ([x, np.array([[0, 1], [1, 0], [0, 2]], I32), np.array(0.5, h)], {}, None),
        "MIRROR_PAD": ([x, np.array([[0, 1], [1, 0], [0, 2]], I32)], dict(mode="SYMMETRIC"), None),
        "SLICE": ([x, np.array([0, 1, 1], I32), np.array([2, 2, 2], I32)], {}, None),
        "STRIDED_SLICE": ([x, np.array([0, 0, 0], I32), np.array([2, 3, 4], I32),
                           np.array([1, 2, 2], I32)], {}, None),
        "UNPACK": ([x], dict(num=2, axis=0), [h, h]),
        "TILE": ([x, np.array([1, 2, 1], I32)], {}, None),
        "REVERSE_V2": ([x, np.array([1], I32)], {}, None),
        "BROADCAST_TO": ([((3, 1), h), np.array([2, 3, 4], I32)], {}, None),
        "FILL": ([np.array([2, 3], I32), np.array(1.5, h)], {}, h),
        "SPACE_TO_BATCH_ND": ([nhwc, np.array([2, 2], I32), np.zeros((2, 2), I32)], {}, None),
        "BATCH_TO_SPACE_ND": ([((4, 2, 2, 2), h), np.array([2, 2], I32), np.zeros((2, 2), I32)],
                              {}, None),
        "RESIZE_NEAREST_NEIGHBOR": ([nhwc, np.array([6, 7], I32)], {}, None),
        "EMBEDDING_LOOKUP": ([np.array([1, 0, 2], I32), ((3, 4), h)], {}, h),
        "DYNAMIC_UPDATE_SLICE": ([x, ((1, 2, 2), h), np.array([0, 1, 1], I32)], {}, None),
        "RESHAPE": ([x, np.array([4, 6], I32)], {}, None),
        "SQUEEZE": ([((2, 1, 4), h)], {}, None),
        "EXPAND_DIMS": ([x, np.array(0, I32)], {}, None),
    }


COPY_CASES = [(op, h) for h in HALF_TYPES for op in copy_cases(h)]


@pytest.mark.parametrize("op,dtype", COPY_CASES, ids=[f"{o}-{half_id(h)}" for o, h in COPY_CASES])
def test_copy_op(op, dtype):
    inputs, options, out = copy_cases(dtype)[op]
    check_half(op, inputs, options=options, output_dtype=out, input_range=(-1000, 1000))


@both(HALF_TYPES)
def test_copy_keeps_special_values(dtype):
    x = half_values(dtype).reshape(4, 5)
    check_half_values("TRANSPOSE", [x], constants=[np.array([1, 0], I32)])


# --- what BUILTIN_REF refuses in half ---------------------------------------------------------

REFUSED = [("SUB", F16, 2), ("DIV", F16, 2), ("ABS", F16, 1), ("SQRT", F16, 1), ("RELU", F16, 1),
           ("EXP", F16, 1), ("ADD", BF16, 2), ("MUL", BF16, 2), ("SIN", BF16, 1),
           ("PACK", F16, 2), ("SPLIT", F16, 0), ("DEPTH_TO_SPACE", F16, 0), ("MEAN", F16, 0)]


@pytest.mark.parametrize("op,dtype,arity", REFUSED, ids=[f"{o}-{half_id(t)}" for o, t, _ in REFUSED])
def test_refused_like_tflite(op, dtype, arity):
    name = np.dtype(dtype).name.upper()
    if op == "PACK":
        build = dict(inputs=[((3,), dtype), ((3,), dtype)], options=dict(values_count=2))
    elif op == "SPLIT":
        build = dict(inputs=[np.array(0, I32), ((2, 3), dtype)], options=dict(num_splits=2),
                     output_dtypes=[dtype, dtype])
    elif op == "DEPTH_TO_SPACE":
        build = dict(inputs=[((1, 2, 2, 8), dtype)], options=dict(block_size=2))
    elif op == "MEAN":
        build = dict(inputs=[((2, 3), dtype), np.array([1], I32)])
    else:
        build = dict(inputs=[((3,), dtype)] * arity)
    assert_half_rejected(op, match=f"{op}.*{name}|{name}.*{op}", **build)


# --- fusion and the Python API ----------------------------------------------------------------

def test_fused_half_chain_rounds_between_ops():
    # ADD -> MUL -> LOGISTIC in float16: jitlite fuses the chain into one loop; each result must
    # be rounded to float16 as LiteRT stores it, or 1/3-type sums would keep float32 bits.
    mb = ModelBuilder()
    a = mb.add_input("a", F16, [3, 64])
    b = mb.add_input("b", F16, [64])
    s = mb.add_tensor("s", F16, [3, 64])
    p = mb.add_tensor("p", F16, [3, 64])
    y = mb.add_tensor("y", F16, [3, 64])
    mb.add_op("ADD", [a, b], [s])
    mb.add_op("MUL", [s, b], [p])
    mb.add_op("LOGISTIC", [p], [y])
    mb.mark_output(y)
    model = mb.build()
    rng = np.random.default_rng(3)
    values = [rng.uniform(-3, 3, (3, 64)).astype(F16), rng.uniform(-3, 3, 64).astype(F16)]
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    kernels = interpreter.get_jit_details()["kernels"]
    assert [k["op_indices"] for k in kernels] == [[0, 1, 2]], kernels
    assert_half_outputs_match(run_model(jitlite_interpreter(), model, values),
                              run_model(REFERENCE_KERNELS, model, values), 1, "fused chain")


@both(HALF_TYPES)
def test_python_api_dtypes_mirror_litert(dtype):
    from jitlite.testing import build_op_model
    model = build_op_model("NEG", [((2, 3), dtype)], output_shapes=[[2, 3]])
    results = []
    for cls in (REFERENCE_KERNELS, jitlite_interpreter()):
        interpreter = cls(model_content=model)
        interpreter.allocate_tensors()
        detail = interpreter.get_input_details()[0]
        wrong = np.zeros((2, 3), F16 if dtype is BF16 else F32)
        with pytest.raises(ValueError, match="Cannot set tensor"):
            interpreter.set_tensor(detail["index"], wrong)
        interpreter.set_tensor(detail["index"], np.arange(6).reshape(2, 3).astype(dtype))
        interpreter.invoke()
        out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        results.append((detail["dtype"], interpreter.get_output_details()[0]["dtype"], out))
    assert results[0][0] == results[1][0] and results[0][1] == results[1][1]
    assert results[1][2].dtype == np.dtype(dtype)
    np.testing.assert_array_equal(results[1][2].astype(F32), results[0][2].astype(F32))


def test_fused_half_kernel_epilogue_rounds_the_kernel_result():
    # SOFTMAX (a kernel) -> MUL in float16: the softmax value handed to the fused MUL must be
    # the float16 LiteRT stores, not the float32 the kernel computed. 2 ULPs: SOFTMAX's 1-ULP
    # bound carried through one product (a relative error of 2^-11 can span two ULPs of it).
    mb = ModelBuilder()
    x = mb.add_input("x", F16, [4, 33])
    k = mb.add_input("k", F16, [33])
    s = mb.add_tensor("s", F16, [4, 33])
    y = mb.add_tensor("y", F16, [4, 33])
    mb.add_op("SOFTMAX", [x], [s], dict(beta=1.0))
    mb.add_op("MUL", [s, k], [y])
    mb.mark_output(y)
    model = mb.build()
    rng = np.random.default_rng(5)
    values = [rng.uniform(-4, 4, (4, 33)).astype(F16), rng.uniform(100, 3000, 33).astype(F16)]
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    kernels = interpreter.get_jit_details()["kernels"]
    assert [k["op_indices"] for k in kernels] == [[0, 1]], kernels
    assert_half_outputs_match(run_model(jitlite_interpreter(), model, values),
                              run_model(REFERENCE_KERNELS, model, values), 2, "softmax -> mul")
