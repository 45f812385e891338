"""Sweep: which float ops LiteRT BUILTIN_REF and jitlite run on FLOAT16 / BFLOAT16 tensors.

    PYTHONPATH=python python3 tools/half_sweep.py [OP ...]

Builds a one-op model per op with every float tensor in the half type (index/shape operands stay
int32) and prints, per op and dtype, whether LiteRT's reference kernels run it, whether jitlite
does, and whether their outputs agree (max |diff| in half ulps of the output range).
"""

import sys

import numpy as np
from ml_dtypes import bfloat16

from jitlite.testing.check_op import build_op_model, litert_interpreter, run_model

I32 = np.int32
S = (2, 3, 4)

UNARY = ["ABS", "CEIL", "COS", "ELU", "EXP", "FLOOR", "GELU", "HARD_SWISH", "LOG", "LOGISTIC",
         "NEG", "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "ROUND", "RSQRT", "SIGN", "SIN",
         "SQRT", "SQUARE", "TANH", "ZEROS_LIKE", "LOG_SOFTMAX", "L2_NORMALIZATION",
         "LEAKY_RELU", "SOFTMAX", "CUMSUM_", "DEQUANTIZE", "QUANTIZE_"]
BINARY = ["ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "POW", "SQUARED_DIFFERENCE",
          "FLOOR_DIV", "FLOOR_MOD", "ATAN2", "PRELU", "EQUAL", "NOT_EQUAL", "LESS",
          "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "ADD_N"]


def specs(h):
    """op -> (inputs, constants, options, output_dtype)."""
    x = (S, h)
    table = {op: ([x], [], {}, None) for op in UNARY}
    table.update({op: ([x, x], [], {}, None) for op in BINARY})
    for op in ("EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"):
        table[op] = ([x, x], [], {}, np.bool_)
    table.pop("CUMSUM_"); table.pop("QUANTIZE_")
    table["LEAKY_RELU"] = ([x], [], dict(alpha=0.2), None)
    table["SOFTMAX"] = ([x], [], dict(beta=1.0), None)
    table["DEQUANTIZE"] = ([x], [], {}, np.float32)
    table["CUMSUM"] = ([x, np.array(1, I32)], [], {}, None)
    table["CAST_to_f32"] = ([x], [], {}, np.float32)
    table["CAST_from_f32"] = ([(S, np.float32)], [], {}, h)
    table["MEAN"] = ([x, np.array([1], I32)], [], dict(keep_dims=False), None)
    for op in ("SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD"):
        table[op] = ([x, np.array([1], I32)], [], dict(keep_dims=False), None)
    table["ARG_MAX"] = ([x, np.array(1, I32)], [], dict(output_type=I32), I32)
    table["ARG_MIN"] = ([x, np.array(1, I32)], [], dict(output_type=I32), I32)
    table["RESHAPE"] = ([x, np.array([4, 6], I32)], [], {}, None)
    table["SQUEEZE"] = ([((2, 1, 4), h)], [], {}, None)
    table["EXPAND_DIMS"] = ([x, np.array(0, I32)], [], {}, None)
    table["TRANSPOSE"] = ([x, np.array([2, 0, 1], I32)], [], {}, None)
    table["GATHER"] = ([x, np.array([1, 0, 1], I32)], [], dict(axis=1), None)
    table["GATHER_ND"] = ([x, np.array([[1, 0]], I32)], [], {}, None)
    table["PAD"] = ([x, np.array([[0, 1], [1, 0], [0, 2]], I32)], [], {}, None)
    table["PADV2"] = ([x, np.array([[0, 1], [1, 0], [0, 2]], I32), np.array(0.5, h)], [], {},
                      None)
    table["MIRROR_PAD"] = ([x, np.array([[0, 1], [1, 0], [0, 2]], I32)], [], {}, None)
    table["SLICE"] = ([x, np.array([0, 1, 1], I32), np.array([2, 2, 2], I32)], [], {}, None)
    table["STRIDED_SLICE"] = ([x, np.array([0, 0, 0], I32), np.array([2, 3, 4], I32),
                               np.array([1, 2, 2], I32)], [], {}, None)
    table["PACK"] = ([x, x], [], dict(values_count=2, axis=0), None)
    table["UNPACK"] = ([x], [], dict(num=2, axis=0), [h, h])
    table["CONCATENATION"] = ([x, x], [], dict(axis=1), None)
    table["SPLIT"] = ([np.array(2, I32), x], [], dict(num_splits=2), [h, h])
    table["SPLIT_V"] = ([x, np.array([1, 3], I32), np.array(2, I32)], [], dict(num_splits=2),
                        [h, h])
    table["TILE"] = ([x, np.array([1, 2, 1], I32)], [], {}, None)
    table["REVERSE_V2"] = ([x, np.array([1], I32)], [], {}, None)
    table["BROADCAST_TO"] = ([((3, 1), h), np.array([2, 3, 4], I32)], [], {}, None)
    table["FILL"] = ([np.array([2, 3], I32), np.array(1.5, h)], [], {}, h)
    table["SPACE_TO_DEPTH"] = ([((1, 4, 4, 2), h)], [], dict(block_size=2), None)
    table["DEPTH_TO_SPACE"] = ([((1, 2, 2, 8), h)], [], dict(block_size=2), None)
    table["SPACE_TO_BATCH_ND"] = ([((1, 4, 4, 2), h), np.array([2, 2], I32),
                                   np.zeros((2, 2), I32)], [], {}, None)
    table["BATCH_TO_SPACE_ND"] = ([((4, 2, 2, 2), h), np.array([2, 2], I32),
                                   np.zeros((2, 2), I32)], [], {}, None)
    table["RESIZE_BILINEAR"] = ([((1, 4, 4, 2), h), np.array([6, 6], I32)], [], {}, None)
    table["RESIZE_NEAREST_NEIGHBOR"] = ([((1, 4, 4, 2), h), np.array([6, 6], I32)], [], {},
                                        None)
    table["SELECT"] = ([(S, np.bool_), x, x], [], {}, h)
    table["SELECT_V2"] = ([(S, np.bool_), x, x], [], {}, h)
    table["SHAPE"] = ([x], [], dict(out_type=I32), I32)
    table["RANK"] = ([x], [], {}, I32)
    table["ZEROS_LIKE"] = ([x], [], {}, None)
    table["WHERE"] = ([x], [], {}, np.int64)
    table["EMBEDDING_LOOKUP"] = ([np.array([1, 0], I32), ((3, 4), h)], [], {}, h)
    table["DYNAMIC_UPDATE_SLICE"] = ([x, ((1, 2, 2), h), np.array([0, 1, 1], I32)], [], {}, None)
    table["SCATTER_ND"] = ([np.array([[1], [0]], I32), ((2, 4), h), np.array([3, 4], I32)], [],
                           {}, h)
    table["TOPK_V2"] = ([x, np.array(2, I32)], [], {}, [h, I32])
    table["UNIQUE"] = ([((6,), h)], [], dict(idx_out_type=I32), [h, I32])
    table["SEGMENT_SUM"] = ([x, np.array([0, 1], I32)], [], {}, None)
    for op in ("UNSORTED_SEGMENT_SUM", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_MIN",
               "UNSORTED_SEGMENT_PROD"):
        table[op] = ([x, np.array([0, 0], I32), np.array(1, I32)], [], {}, None)
    table["ONE_HOT"] = ([np.array([0, 2], I32), np.array(3, I32), np.array(1, h),
                         np.array(0, h)], [], dict(axis=-1), h)
    table["RANGE"] = ([np.array(0, h), np.array(5, h), np.array(1, h)], [], {}, h)
    nhwc = ((1, 5, 5, 3), h)
    for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D"):
        table[op] = ([nhwc], [], dict(filter_width=2, filter_height=2), None)
    table["LOCAL_RESPONSE_NORMALIZATION"] = ([nhwc], [], dict(radius=1, bias=1.0, alpha=1.0,
                                                               beta=0.5), None)
    rng = np.random.default_rng(1)
    w = lambda *shape: rng.uniform(-1, 1, shape).astype(h)
    table["CONV_2D"] = ([nhwc], [w(2, 3, 3, 3), w(2)], dict(padding="SAME"), None)
    table["DEPTHWISE_CONV_2D"] = ([nhwc], [w(1, 3, 3, 3), w(3)], dict(depth_multiplier=1), None)
    table["FULLY_CONNECTED"] = ([((2, 3), h)], [w(4, 3), w(4)], {}, None)
    table["BATCH_MATMUL"] = ([((2, 3, 4), h), ((2, 4, 5), h)], [], {}, None)
    table["TRANSPOSE_CONV"] = ([np.array([1, 5, 5, 2], I32), w(2, 3, 3, 3), nhwc], [], {}, h)
    return table


def max_ulps(a, e):
    a = np.asarray(a).astype(np.float64)
    e = np.asarray(e).astype(np.float64)
    same = (np.isnan(a) & np.isnan(e)) | (a == e)
    d = np.where(same, 0.0, np.abs(a - e))
    return float(d.max()) if d.size else 0.0


def run(interpreter_cls, model, values):
    try:
        return run_model(interpreter_cls, model, values), None
    except Exception as error:  # noqa: BLE001 - a sweep records every failure
        return None, str(error).strip().splitlines()[-1][:110] if str(error).strip() else repr(error)


def sweep_one(op, h):
    inputs, constants, options, out = specs(h)[op]
    name = op.split("_to_")[0].split("_from_")[0] if op.startswith("CAST") else op
    from jitlite.testing.check_op import random_inputs
    ref = litert_interpreter("BUILTIN_REF")
    try:
        model = build_op_model(name, inputs, constants, options, output_dtypes=out)
        values = random_inputs(model, 0, (0.25, 2.0), ref)
    except Exception as error:  # noqa: BLE001
        return "build/prepare fails: " + str(error).splitlines()[-1][:100], "-", ""
    expected, ref_error = run(ref, model, values)
    if expected is not None:
        model = build_op_model(name, inputs, constants, options, output_dtypes=out,
                               output_shapes=[list(e.shape) for e in expected])
    from jitlite import Interpreter
    actual, jl_error = run(Interpreter, model, values)
    agree = ""
    if expected is not None and actual is not None:
        agree = "max|diff| " + ", ".join(f"{max_ulps(a, e):.3g}" for a, e in zip(actual, expected))
    return ("runs" if ref_error is None else "FAILS: " + ref_error,
            "runs" if jl_error is None else "FAILS: " + jl_error, agree)


def main(ops):
    for h in (np.float16, bfloat16):
        names = ops or sorted(specs(h))
        print(f"== {np.dtype(h).name}")
        for op in names:
            ref, jl, agree = sweep_one(op, h)
            print(f"{op:30s} LiteRT BUILTIN_REF: {ref:60s} | jitlite: {jl} {agree}")


if __name__ == "__main__":
    main(sys.argv[1:])
