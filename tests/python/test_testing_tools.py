"""Tests of jitlite's test tooling (model builder, check_op, demo models) against LiteRT only.

These must keep working without jitlite's native core: every interpreter here is LiteRT's, or a
fake derived from it. Three independent checks keep the builder honest:
  * LiteRT loads and runs every op in the builder's table,
  * LiteRT's outputs match small numpy references (so options reach the kernel as meant),
  * LiteRT's own generated schema reader decodes the fields the builder wrote.
"""

import math

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema

from jitlite.testing import (
    FLOAT_ATOL_FACTOR,
    OPS,
    ModelBuilder,
    assert_outputs_match,
    build_op_model,
    check_op,
    float_tolerance,
    litert_interpreter,
    random_inputs,
    run_both,
    run_model,
)
from jitlite.testing.demo_models import small_cnn
from jitlite.testing.model_builder import ACTIVATION, MIRROR_PAD_MODE, PADDING

LITERT = litert_interpreter()
F32 = np.float32
I32 = np.int32


def rand(shape, low=-1.0, high=1.0, seed=1, dtype=F32):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def decode(model_bytes):
    """Model object tree from LiteRT's generated schema code (an independent reader)."""
    assert schema.Model.ModelBufferHasIdentifier(model_bytes, 0)
    return schema.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)


# --- numpy references (NHWC activations, OHWI / 1HWC filters) ----------------------------------

def _pads(size, k, stride, dilation, padding):
    """(before, after) padding and output size, per TFLite's SAME/VALID rule."""
    eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (0, 0), (size - eff) // stride + 1
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + eff - size)
    return (total // 2, total - total // 2), out


def _windows(x, kh, kw, sh, sw, dh, dw, padding, pad_value=0.0):
    """Yields (ky, kx, patch[n, oh, ow, c]) for every filter tap, on the padded input."""
    ph, oh = _pads(x.shape[1], kh, sh, dh, padding)
    pw, ow = _pads(x.shape[2], kw, sw, dw, padding)
    xp = np.pad(x.astype(np.float64), [(0, 0), ph, pw, (0, 0)], constant_values=pad_value)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            yield ky, kx, xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw, :]


def conv_ref(x, w, b, stride=(1, 1), dilation=(1, 1), padding="SAME"):
    out = 0.0
    for ky, kx, patch in _windows(x, w.shape[1], w.shape[2], *stride, *dilation, padding):
        out = out + np.einsum("nhwc,oc->nhwo", patch, w[:, ky, kx, :])
    return out + b


def depthwise_ref(x, w, b, stride=(1, 1), dilation=(1, 1), padding="SAME"):
    multiplier = w.shape[3] // x.shape[3]
    out = 0.0
    for ky, kx, patch in _windows(x, w.shape[1], w.shape[2], *stride, *dilation, padding):
        out = out + np.repeat(patch, multiplier, axis=3) * w[0, ky, kx, :]
    return out + b


def pool_ref(x, k, stride, padding, kind):
    args = (*k, *stride, 1, 1, padding)
    if kind == "max":
        return np.max([p for _, _, p in _windows(x, *args, pad_value=-np.inf)], axis=0)
    total = sum(p for _, _, p in _windows(x, *args))
    count = sum(p for _, _, p in _windows(np.ones_like(x), *args))  # valid cells only
    return total / count


def l2_pool_ref(x, k, stride, padding):
    args = (*k, *stride, 1, 1, padding)
    squares = sum(p * p for _, _, p in _windows(x, *args))
    count = sum(p for _, _, p in _windows(np.ones_like(x), *args))
    return np.sqrt(squares / count)


def transpose_conv_ref(x, w, b, out_hw, stride, pad):
    """Scatter form: input pixel (iy, ix) adds x * w[:, ky, kx, :] at (iy*s - pad + ky, ...)."""
    n, h, wd, _ = x.shape
    cout, kh, kw, _ = w.shape
    out = np.zeros((n, out_hw[0] + kh + stride[0] * h, out_hw[1] + kw + stride[1] * wd, cout))
    for iy in range(h):
        for ix in range(wd):
            for ky in range(kh):
                for kx in range(kw):
                    out[:, iy * stride[0] + ky, ix * stride[1] + kx, :] += \
                        x[:, iy, ix, :].astype(np.float64) @ w[:, ky, kx, :].T
    return out[:, pad[0]:pad[0] + out_hw[0], pad[1]:pad[1] + out_hw[1], :] + b


def conv3d_valid_ref(x, w):
    """VALID, stride 1: filter [D, H, W, I, O]."""
    kd, kh, kw = w.shape[:3]
    od, oh, ow = (x.shape[1] - kd + 1, x.shape[2] - kh + 1, x.shape[3] - kw + 1)
    out = 0.0
    for a in range(kd):
        for c in range(kh):
            for d in range(kw):
                patch = x[:, a:a + od, c:c + oh, d:d + ow, :].astype(np.float64)
                out = out + np.einsum("ndhwi,io->ndhwo", patch, w[a, c, d])
    return out


def lrn_ref(x, radius, bias, alpha, beta):
    squares = np.pad(x.astype(np.float64) ** 2, [(0, 0)] * 3 + [(radius, radius)])
    depth = x.shape[-1]
    window = sum(squares[..., i:i + depth] for i in range(2 * radius + 1))
    return x * (bias + alpha * window) ** -beta


def softmax_ref(x, beta=1.0):
    e = np.exp(beta * (x - x.max(axis=-1, keepdims=True)))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_ref(x, w, cell_clip=0.0):
    """A plain LSTM (no peephole, projection or layer norm, TANH) over x [batch, time, input]
    from zero states; w = (input weights[4], recurrent weights[4], biases[4]) in i, f, g, o."""
    wx, wh, bias = w
    batch, time, _ = x.shape
    h = np.zeros((batch, wh[0].shape[1]))
    c = np.zeros((batch, wh[0].shape[0]))
    out = []
    for t in range(time):
        pre = [x[:, t] @ wx[g].T + h @ wh[g].T + bias[g] for g in range(4)]
        c = sigmoid(pre[1]) * c + sigmoid(pre[0]) * np.tanh(pre[2])
        if cell_clip:
            c = np.clip(c, -cell_clip, cell_clip)
        h = sigmoid(pre[3]) * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1)


def rnn_ref(x, w, r, b):
    """h_t = relu(x_t W^T + h_{t-1} R^T + b) over a time-major x [time, batch, input]."""
    h = np.zeros((x.shape[1], w.shape[0]))
    out = []
    for t in range(x.shape[0]):
        h = np.maximum(x[t] @ w.T + h @ r.T + b, 0)
        out.append(h)
    return np.stack(out)


def lstm_operands(input_shape, batch, n_cell, seed):
    """Inputs of a plain float LSTM in TFLite's order, states as variable tensors, and the
    weights for lstm_ref."""
    wx = [rand((n_cell, input_shape[-1]), seed=seed + g) for g in range(4)]
    wh = [rand((n_cell, n_cell), seed=seed + 4 + g) for g in range(4)]
    bias = [rand((n_cell,), seed=seed + 8 + g) for g in range(4)]
    variable = dict(is_variable=True)
    ops = [(input_shape, F32), *wx, *wh, None, None, None, *bias, None, None,
           ((batch, n_cell), F32, variable), ((batch, n_cell), F32, variable)]
    return ops, (wx, wh, bias)


LSTM_SEQ_OPS, LSTM_SEQ_W = lstm_operands((2, 3, 4), 2, 3, seed=20)
LSTM_STEP_OPS, LSTM_STEP_W = lstm_operands((2, 4), 2, 3, seed=40)
BIDI_FW_OPS, BIDI_FW_W = lstm_operands((1, 3, 4), 1, 3, seed=70)
BIDI_BW_OPS, BIDI_BW_W = lstm_operands((1, 3, 4), 1, 3, seed=90)
# 48 inputs: input, forward cell 1-17, backward cell 18-34, four states, no auxiliary input.
BIDI_OPS = [BIDI_FW_OPS[0], *BIDI_FW_OPS[1:18], *BIDI_BW_OPS[1:18], *BIDI_FW_OPS[18:20],
            *BIDI_BW_OPS[18:20]] + [None] * 9
W_RNN, R_RNN, B_RNN = rand((3, 4), seed=60), rand((3, 3), seed=61), rand((3,), seed=62)
# SVDF: 3 units of rank 2 (6 filters), memory 4, over a [2, 4] input.
WF_SVDF, WT_SVDF, B_SVDF = rand((6, 4), seed=63), rand((6, 4), seed=64), rand((3,), seed=65)


def svdf_ref(x, wf, wt, bias, rank):
    """One SVDF invoke from a zero state: only the newest memory entry (x . wf) is non-zero, so
    each filter contributes wt[:, -1] times it; units sum their `rank` filters."""
    filtered = (x @ wf.T) * wt[:, -1]
    return filtered.reshape(x.shape[0], -1, rank).sum(axis=-1) + bias


def fake_quant_ref(x, lo, hi, num_bits):
    """TFLite's FakeQuant: the range nudged so that 0 is on the grid, then quantize-dequantize."""
    qmax = F32(2 ** num_bits - 1)
    scale = (F32(hi) - F32(lo)) / qmax
    zero_point = np.clip(np.round(-F32(lo) / scale), 0, qmax)
    nudged_lo, nudged_hi = -zero_point * scale, (qmax - zero_point) * scale
    return np.round((np.clip(x, nudged_lo, nudged_hi) - nudged_lo) / scale) * scale + nudged_lo


# --- one case per op: build arguments, input values, expected shape, numpy reference -----------

W_CONV = rand((4, 3, 3, 3), seed=2)
W_DW = rand((1, 3, 3, 6), seed=3)
W_FC = rand((4, 5), seed=4)
W_TC = rand((2, 3, 3, 3), seed=7)
W_3D = rand((2, 2, 1, 3, 2), seed=8)
W_3D_T = rand((2, 2, 1, 3, 2), seed=9)  # [D, H, W, O, I]
B4, B6 = rand((4,), seed=5), rand((6,), seed=6)
PADDINGS = np.array([[0, 0], [1, 2], [2, 1], [0, 0]], np.int32)


NMS_BOXES = np.array([[0, 0, 1, 1], [2, 2, 3, 3], [0, 2, 1, 3], [2, 0, 3, 1]], F32)


def reverse_sequence_ref(x, lengths):
    """seq_dim 1, batch_dim 0: the first lengths[b] entries of row b reversed."""
    out = x.copy()
    for b, n in enumerate(lengths):
        out[b, :n] = x[b, :n][::-1]
    return out


def set_diag_ref(x, diag):
    out = x.copy()
    for i, v in enumerate(diag):
        out[i, i] = v
    return out


def dilate_ref(x, factors, pad):
    shape = [(d - 1) * f + 1 for d, f in zip(x.shape, factors)]
    out = np.full(shape, pad, x.dtype)
    out[tuple(slice(None, None, f) for f in factors)] = x
    return out


def conv3d_transpose_valid_ref(x, w):
    """VALID, stride 1: filter [D, H, W, O, I]; every input element scatters its window."""
    kd, kh, kw, cout = w.shape[:4]
    n, d, h, wd = x.shape[:4]
    out = np.zeros((n, d + kd - 1, h + kh - 1, wd + kw - 1, cout))
    for a in range(kd):
        for c in range(kh):
            for e in range(kw):
                out[:, a:a + d, c:c + h, e:e + wd, :] += x.astype(np.float64) @ w[a, c, e].T
    return out


def case(inputs, expected_shape, reference, constants=(), options=None, input_range=None,
         **build_args):
    return dict(inputs=inputs, constants=constants, options=options, shape=expected_shape,
                reference=reference, input_range=input_range, build_args=build_args)


X4 = ((1, 7, 7, 3), F32)
# Bilinear weights of 2 -> 3 samples with align_corners (outputs at 0, 0.5, 1).
_ALIGNED_2_TO_3 = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], F32)
OP_CASES = {
    "ADD": case([((2, 3), F32), ((3,), F32)], (2, 3), lambda a, b: np.maximum(a + b, 0),
                options=dict(fused_activation_function="RELU")),
    "SUB": case([((2, 3), F32), ((2, 3), F32)], (2, 3), lambda a, b: np.clip(a - b, -1, 1),
                options=dict(fused_activation_function="RELU_N1_TO_1")),
    "MUL": case([((2, 3), F32), ((1, 3), F32)], (2, 3), lambda a, b: np.clip(a * b, 0, 6),
                options=dict(fused_activation_function="RELU6")),
    "DIV": case([((2, 3), F32), ((2, 3), F32)], (2, 3), lambda a, b: a / b,
                input_range=[(-2, 2), (0.5, 2)]),
    "MAXIMUM": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.maximum),
    "MINIMUM": case([((2, 3), F32), ((3,), F32)], (2, 3), np.minimum),
    "RELU": case([((2, 3), F32)], (2, 3), lambda x: np.maximum(x, 0)),
    "PRELU": case([((2, 3), F32), ((3,), F32)], (2, 3), lambda x, a: np.where(x >= 0, x, a * x)),
    "RELU6": case([((2, 3), F32)], (2, 3), lambda x: np.clip(x, 0, 6), input_range=(-3, 9)),
    "RELU_N1_TO_1": case([((2, 3), F32)], (2, 3), lambda x: np.clip(x, -1, 1)),
    "LEAKY_RELU": case([((2, 3), F32)], (2, 3), lambda x: np.where(x > 0, x, 0.3 * x),
                       options=dict(alpha=0.3)),
    "LOGISTIC": case([((2, 3), F32)], (2, 3), sigmoid),
    "TANH": case([((2, 3), F32)], (2, 3), np.tanh),
    "HARD_SWISH": case([((2, 3), F32)], (2, 3), lambda x: x * np.clip(x + 3, 0, 6) / 6,
                       input_range=(-5, 5)),
    "EXP": case([((2, 3), F32)], (2, 3), np.exp),
    "SQRT": case([((2, 3), F32)], (2, 3), np.sqrt, input_range=(0.1, 4)),
    "RSQRT": case([((2, 3), F32)], (2, 3), lambda x: 1 / np.sqrt(x), input_range=(0.1, 4)),
    "ABS": case([((2, 3), np.int32)], (2, 3), np.abs),
    "NEG": case([((2, 3), np.int64)], (2, 3), np.negative),
    "SQUARE": case([((2, 3), F32)], (2, 3), np.square),
    "FLOOR": case([((2, 3), F32)], (2, 3), np.floor, input_range=(-5, 5)),
    "CEIL": case([((2, 3), F32)], (2, 3), np.ceil, input_range=(-5, 5)),
    "ROUND": case([((2, 3), F32)], (2, 3), np.round, input_range=(-5, 5)),
    "SIGN": case([((2, 3), np.int32)], (2, 3), np.sign, input_range=(-2, 2)),
    "LOG": case([((2, 3), F32)], (2, 3), np.log, input_range=(0.1, 4)),
    "SIN": case([((2, 3), F32)], (2, 3), np.sin, input_range=(-5, 5)),
    "COS": case([((2, 3), F32)], (2, 3), np.cos, input_range=(-5, 5)),
    "ELU": case([((2, 3), F32)], (2, 3), lambda x: np.where(x < 0, np.expm1(x), x)),
    "RELU_0_TO_1": case([((2, 3), F32)], (2, 3), lambda x: np.clip(x, 0, 1)),
    "GELU": case([((2, 3), F32)], (2, 3),
                 lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
                 options=dict(approximate=True)),
    "ZEROS_LIKE": case([((2, 3), np.int64)], (2, 3), np.zeros_like),
    "SQUARED_DIFFERENCE": case([((2, 3), F32), ((2, 3), F32)], (2, 3),
                               lambda a, b: (a - b) ** 2),
    "CONV_2D": case(
        [X4], (1, 2, 2, 4),
        lambda x: np.maximum(conv_ref(x, W_CONV, B4, (3, 2), (1, 2), "VALID"), 0),
        constants=[W_CONV, B4],
        options=dict(padding="VALID", stride_w=2, stride_h=3, dilation_w_factor=2,
                     fused_activation_function="RELU")),
    "DEPTHWISE_CONV_2D": case(
        [X4], (1, 4, 4, 6),
        lambda x: depthwise_ref(x, W_DW, B6, (2, 2), (1, 1), "SAME"),
        constants=[W_DW, B6],
        options=dict(padding="SAME", stride_w=2, stride_h=2, depth_multiplier=2)),
    "FULLY_CONNECTED": case([((2, 3, 5), F32)], (2, 3, 4), lambda x: x @ W_FC.T,
                            constants=[W_FC, None], options=dict(keep_num_dims=True)),
    "AVERAGE_POOL_2D": case(
        [X4], (1, 4, 3, 3), lambda x: pool_ref(x, (2, 3), (2, 3), "SAME", "avg"),
        options=dict(padding="SAME", stride_w=3, stride_h=2, filter_width=3, filter_height=2)),
    "MAX_POOL_2D": case(
        [X4], (1, 3, 3, 3), lambda x: np.clip(pool_ref(x, (3, 2), (2, 2), "VALID", "max"), 0, 6),
        options=dict(padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=3,
                     fused_activation_function="RELU6")),
    "L2_POOL_2D": case(
        [X4], (1, 4, 3, 3), lambda x: np.minimum(l2_pool_ref(x, (2, 3), (2, 3), "SAME"), 1),
        options=dict(padding="SAME", stride_w=3, stride_h=2, filter_width=3, filter_height=2,
                     fused_activation_function="RELU_N1_TO_1")),
    # Output 5x5 from 3x3 with stride 2, SAME: total padding 2, one row/column before.
    "TRANSPOSE_CONV": case(
        [np.array([1, 5, 5, 2], np.int32), W_TC, ((1, 3, 3, 3), F32), B4[:2]], (1, 5, 5, 2),
        lambda x: transpose_conv_ref(x, W_TC, B4[:2], (5, 5), (2, 2), (1, 1)),
        options=dict(padding="SAME", stride_w=2, stride_h=2), output_dtypes=F32),
    "CONV_3D": case([((1, 4, 3, 5, 3), F32)], (1, 3, 2, 5, 2),
                    lambda x: conv3d_valid_ref(x, W_3D), constants=[W_3D],
                    options=dict(padding="VALID")),
    "LOCAL_RESPONSE_NORMALIZATION": case(
        [((1, 2, 2, 7), F32)], (1, 2, 2, 7), lambda x: lrn_ref(x, 2, 1.5, 0.3, 0.75),
        options=dict(radius=2, bias=1.5, alpha=0.3, beta=0.75)),
    "MEAN": case([((2, 3, 4), F32)], (2, 1, 1), lambda x: x.mean(axis=(1, 2), keepdims=True),
                 constants=[np.array([1, 2], np.int32)], options=dict(keep_dims=True)),
    "SUM": case([((2, 3, 4), F32)], (2, 4), lambda x: x.sum(axis=1),
                constants=[np.array([1], np.int32)], options=dict(keep_dims=False)),
    "REDUCE_MAX": case([((2, 3, 4), F32)], (2, 4), lambda x: x.max(axis=1),
                       constants=[np.array([1], np.int32)]),
    "REDUCE_MIN": case([((2, 3, 4), F32)], (2, 1, 4), lambda x: x.min(axis=1, keepdims=True),
                       constants=[np.array([-2], np.int32)], options=dict(keep_dims=True)),
    "REDUCE_PROD": case([((2, 3, 4), F32)], (3,), lambda x: x.prod(axis=(0, 2)),
                        constants=[np.array([0, 2], np.int32)]),
    "REDUCE_ANY": case([((2, 3), np.bool_)], (2,), lambda x: x.any(axis=1),
                       constants=[np.array([1], np.int32)]),
    "REDUCE_ALL": case([((2, 3), np.bool_)], (3,), lambda x: x.all(axis=0),
                       constants=[np.array([0], np.int32)]),
    "ARG_MAX": case([((2, 5), F32)], (2,), lambda x: x.argmax(axis=1),
                    constants=[np.array([1], np.int32)], options=dict(output_type=4),  # INT64
                    output_dtypes=np.int64),
    "ARG_MIN": case([((2, 5), F32)], (5,), lambda x: x.argmin(axis=0).astype(np.int32),
                    constants=[np.array([0], np.int32)], options=dict(output_type=2),  # INT32
                    output_dtypes=np.int32),
    "LOG_SOFTMAX": case([((2, 5), F32)], (2, 5), lambda x: np.log(softmax_ref(x, 1.0))),
    "L2_NORMALIZATION": case([((2, 5), F32)], (2, 5),
                             lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)),
    "BATCH_MATMUL": case([((2, 3, 4), F32), ((2, 5, 4), F32)], (2, 3, 5),
                         lambda a, b: a @ np.swapaxes(b, -1, -2), options=dict(adj_y=True)),
    "SOFTMAX": case([((2, 5), F32)], (2, 5), lambda x: softmax_ref(x, 0.5),
                    options=dict(beta=0.5)),
    "RESHAPE": case([((2, 3, 4), F32)], (6, 4), lambda x: x.reshape(6, 4),
                    options=dict(new_shape=[6, 4])),
    "SQUEEZE": case([((2, 1, 3, 1), F32)], (2, 3, 1), lambda x: x.reshape(2, 3, 1),
                    options=dict(squeeze_dims=[1])),
    "EXPAND_DIMS": case([((2, 3), F32)], (2, 1, 3), lambda x: x[:, None, :],
                        constants=[np.array([1], np.int32)]),
    # No fused activation here: TFLite's kernel rejects any but NONE, while the default XNNPACK
    # delegate takes the node first and silently ignores it (see the test further down).
    "CONCATENATION": case([((2, 3), F32), ((2, 4), F32)], (2, 7),
                          lambda a, b: np.concatenate([a, b], axis=1), options=dict(axis=-1)),
    "PAD": case([X4], (1, 10, 10, 3), lambda x: np.pad(x, PADDINGS), constants=[PADDINGS]),
    "DEQUANTIZE": case([((2, 3), np.int8, dict(scale=0.05, zero_point=-3))], (2, 3),
                       lambda q: (q.astype(np.float64) + 3) * np.float32(0.05)),
    "QUANTIZE": case([((2, 3), F32)], (2, 3),
                     lambda x: np.clip(np.round(x / np.float32(0.02)) + 2, -128, 127),
                     output_dtypes=np.int8, output_quant=dict(scale=0.02, zero_point=2)),
    "SHAPE": case([((2, 3, 4), F32)], (3,), lambda x: np.array(x.shape, np.int32),
                  options=dict(out_type=2), output_dtypes=np.int32),  # 2: INT32
    "STRIDED_SLICE": case([((4, 5, 6), F32)], (2, 6), lambda x: x[3:0:-2, 1, :],
                          constants=[np.array([3, 1, 0], np.int32), np.array([0, 2, 0], np.int32),
                                     np.array([-2, 1, 1], np.int32)],
                          options=dict(shrink_axis_mask=2, end_mask=4)),
    "PACK": case([((2, 3), F32), ((2, 3), F32)], (2, 2, 3),
                 lambda a, b: np.stack([a, b], axis=-3), options=dict(values_count=2, axis=-3)),
    # The elementwise ops of the "rest of the builtin op set" issue.
    "EQUAL": case([((2, 3), I32), ((3,), I32)], (2, 3), np.equal, input_range=(-2, 2),
                  output_dtypes=np.bool_),
    "NOT_EQUAL": case([((2, 3), I32), ((3,), I32)], (2, 3), np.not_equal, input_range=(-2, 2),
                      output_dtypes=np.bool_),
    "LESS": case([((2, 3), F32), ((3,), F32)], (2, 3), np.less, output_dtypes=np.bool_),
    "LESS_EQUAL": case([((2, 3), I32), ((2, 3), I32)], (2, 3), np.less_equal,
                       input_range=(-2, 2), output_dtypes=np.bool_),
    "GREATER": case([((2, 3), F32), ((2, 1), F32)], (2, 3), np.greater, output_dtypes=np.bool_),
    "GREATER_EQUAL": case([((2, 3), I32), ((3,), I32)], (2, 3), np.greater_equal,
                          input_range=(-2, 2), output_dtypes=np.bool_),
    "LOGICAL_AND": case([((2, 3), np.bool_), ((3,), np.bool_)], (2, 3), np.logical_and),
    "LOGICAL_OR": case([((2, 3), np.bool_), ((2, 1), np.bool_)], (2, 3), np.logical_or),
    "LOGICAL_NOT": case([((2, 3), np.bool_)], (2, 3), np.logical_not),
    "SELECT": case([((2,), np.bool_), ((2, 3), F32), ((2, 3), F32)], (2, 3),
                   lambda c, x, y: np.where(c[:, None], x, y), output_dtypes=F32),
    "SELECT_V2": case([((2, 1), np.bool_), ((3,), F32), ((2, 3), F32)], (2, 3), np.where,
                      output_dtypes=F32),
    "CAST": case([((2, 3), F32)], (2, 3), lambda x: np.trunc(x).astype(np.int32),
                 input_range=(-50, 50), options=dict(in_data_type=0, out_data_type=2),
                 output_dtypes=np.int32),
    "FLOOR_DIV": case([((2, 3), F32), ((3,), F32)], (2, 3), np.floor_divide,
                      input_range=[(-5, 5), (0.5, 2)]),
    "FLOOR_MOD": case([((2, 3), I32), ((3,), I32)], (2, 3), np.mod,
                      input_range=[(-50, 50), (-7, -1)]),
    "POW": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.power, input_range=[(0.1, 3), (-2, 2)]),
    "ATAN2": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.arctan2),
    "BITWISE_XOR": case([((2, 3), I32), ((3,), I32)], (2, 3), np.bitwise_xor),
    "RIGHT_SHIFT": case([((2, 3), I32), ((3,), I32)], (2, 3), np.right_shift,
                        input_range=[(-1000, 1000), (0, 5)]),
    "FAKE_QUANT": case([((2, 3), F32)], (2, 3), lambda x: fake_quant_ref(x, -1.0, 1.0, 8),
                       options=dict(min=-1.0, max=1.0, num_bits=8), input_range=(-1.5, 1.5)),
    "BUCKETIZE": case([((2, 3), F32)], (2, 3),
                      lambda x: np.searchsorted([-1.0, 0.0, 2.0], x, side="right"),
                      options=dict(boundaries=[-1.0, 0.0, 2.0]), input_range=(-3, 3),
                      output_dtypes=I32),
    "BITCAST": case([((2, 3), F32)], (2, 3), lambda x: x.view(np.int32), output_dtypes=I32),
    "BROADCAST_ARGS": case([np.array([2, 1, 3], np.int32), np.array([4, 1], np.int32)], (3,),
                           lambda: np.array([2, 4, 3])),
    "STABLEHLO_ADD": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.add),
    "STABLEHLO_MULTIPLY": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.multiply),
    "STABLEHLO_MAXIMUM": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.maximum),
    "STABLEHLO_MINIMUM": case([((2, 3), F32), ((2, 3), F32)], (2, 3), np.minimum),
    "STABLEHLO_AND": case([((2, 3), I32), ((2, 3), I32)], (2, 3), np.bitwise_and),
    "STABLEHLO_SHIFT_LEFT": case([((2, 3), I32), ((2, 3), I32)], (2, 3), np.left_shift,
                                 input_range=[(-1000, 1000), (0, 5)]),
    # Data movement (multi-output ops with one output: the checks here read one output).
    "TRANSPOSE": case([((2, 3, 4), F32)], (4, 2, 3), lambda x: x.transpose(2, 0, 1),
                      constants=[np.array([2, 0, 1], np.int32)]),
    "SLICE": case([((3, 4), F32)], (2, 2), lambda x: x[1:, 1:3],
                  constants=[np.array([1, 1], np.int32), np.array([-1, 2], np.int32)]),
    "GATHER": case([((3, 4), F32)], (3, 2), lambda x: x[:, [3, 1]],
                   constants=[np.array([3, 1], np.int32)], options=dict(axis=1)),
    "SPLIT": case([np.array(1, np.int32), ((2, 4), F32)], (2, 4), lambda x: x,
                  options=dict(num_splits=1), output_dtypes=F32),
    "SPLIT_V": case([((2, 4), F32)], (2, 4), lambda x: x,
                    constants=[np.array([-1], np.int32), np.array(1, np.int32)],
                    options=dict(num_splits=1)),
    "UNPACK": case([((1, 3), F32)], (3,), lambda x: x[0], options=dict(num=1, axis=0)),
    "TILE": case([((2, 3), F32)], (4, 3), lambda x: np.tile(x, (2, 1)),
                 constants=[np.array([2, 1], np.int32)]),
    "REVERSE_V2": case([((2, 3), F32)], (2, 3), lambda x: x[:, ::-1],
                       constants=[np.array([1], np.int32)]),
    "BROADCAST_TO": case([((3, 1), F32)], (2, 3, 4), lambda x: np.broadcast_to(x, (2, 3, 4)),
                         constants=[np.array([2, 3, 4], np.int32)]),
    "PADV2": case([((2, 3), F32)], (3, 5), lambda x: np.pad(x, [(1, 0), (0, 2)],
                                                            constant_values=0.5),
                  constants=[np.array([[1, 0], [0, 2]], np.int32), np.array(0.5, F32)]),
    "MIRROR_PAD": case([((3, 4), F32)], (5, 6),
                       lambda x: np.pad(x, [(1, 1), (2, 0)], mode="symmetric"),
                       constants=[np.array([[1, 1], [2, 0]], np.int32)],
                       options=dict(mode="SYMMETRIC")),
    "FILL": case([np.array([2, 3], np.int32), ((), F32)], (2, 3),
                 lambda v: np.full((2, 3), v, F32), output_dtypes=F32),
    "SPACE_TO_DEPTH": case([((1, 4, 4, 2), F32)], (1, 2, 2, 8),
                           lambda x: x.reshape(1, 2, 2, 2, 2, 2).transpose(0, 1, 3, 2, 4, 5)
                           .reshape(1, 2, 2, 8), options=dict(block_size=2)),
    "DEPTH_TO_SPACE": case([((1, 2, 2, 8), F32)], (1, 4, 4, 2),
                           lambda x: x.reshape(1, 2, 2, 2, 2, 2).transpose(0, 1, 3, 2, 4, 5)
                           .reshape(1, 4, 4, 2), options=dict(block_size=2)),
    "SPACE_TO_BATCH_ND": case([((1, 2, 4, 1), F32)], (4, 2, 2, 1),
                              lambda x: np.pad(x, [(0, 0), (1, 1), (0, 0), (0, 0)])
                              .reshape(1, 2, 2, 2, 2, 1).transpose(2, 4, 0, 1, 3, 5)
                              .reshape(4, 2, 2, 1),
                              constants=[np.array([2, 2], np.int32),
                                         np.array([[1, 1], [0, 0]], np.int32)]),
    "BATCH_TO_SPACE_ND": case([((4, 2, 2, 1), F32)], (1, 3, 3, 1),
                              lambda x: x.reshape(2, 2, 1, 2, 2, 1).transpose(2, 3, 0, 4, 1, 5)
                              .reshape(1, 4, 4, 1)[:, 0:3, 1:4],
                              constants=[np.array([2, 2], np.int32),
                                         np.array([[0, 1], [1, 0]], np.int32)]),
    "RESIZE_NEAREST_NEIGHBOR": case([((1, 2, 3, 1), F32)], (1, 4, 6, 1),
                                    lambda x: x.repeat(2, axis=1).repeat(2, axis=2),
                                    constants=[np.array([4, 6], np.int32)]),
    "RESIZE_BILINEAR": case([((1, 2, 2, 1), F32)], (1, 3, 3, 1),
                            lambda x: (_ALIGNED_2_TO_3 @ x[0, :, :, 0] @ _ALIGNED_2_TO_3.T)
                            [None, :, :, None],
                            constants=[np.array([3, 3], np.int32)],
                            options=dict(align_corners=True)),
    # Recurrent ops (states are variable tensors, zero before the first invoke).
    "UNIDIRECTIONAL_SEQUENCE_LSTM": case(
        LSTM_SEQ_OPS, (2, 3, 3), lambda x: lstm_ref(x, LSTM_SEQ_W, cell_clip=0.5),
        options=dict(fused_activation_function="TANH", cell_clip=0.5, time_major=False)),
    "LSTM": case(LSTM_STEP_OPS, (2, 3), lambda x: lstm_ref(x[:, None], LSTM_STEP_W)[:, 0],
                 options=dict(fused_activation_function="TANH", proj_clip=0.25)),
    "BIDIRECTIONAL_SEQUENCE_LSTM": case(
        BIDI_OPS, (1, 3, 6),
        lambda x: np.concatenate([lstm_ref(x, BIDI_FW_W),
                                  lstm_ref(x[:, ::-1], BIDI_BW_W)[:, ::-1]], axis=-1),
        options=dict(fused_activation_function="TANH", merge_outputs=True, time_major=False)),
    "RNN": case([((2, 4), F32), W_RNN, R_RNN, B_RNN, ((2, 3), F32, dict(is_variable=True))],
                (2, 3), lambda x: rnn_ref(x[None], W_RNN, R_RNN, B_RNN)[0],
                options=dict(fused_activation_function="RELU")),
    "UNIDIRECTIONAL_SEQUENCE_RNN": case(
        [((3, 2, 4), F32), W_RNN, R_RNN, B_RNN, ((2, 3), F32, dict(is_variable=True))], (3, 2, 3),
        lambda x: rnn_ref(x, W_RNN, R_RNN, B_RNN),
        options=dict(time_major=True, fused_activation_function="RELU")),
    "SVDF": case([((2, 4), F32), WF_SVDF, WT_SVDF, B_SVDF, ((2, 24), F32, dict(is_variable=True))],
                 (2, 3), lambda x: np.maximum(svdf_ref(x, WF_SVDF, WT_SVDF, B_SVDF, 2), 0),
                 options=dict(rank=2, fused_activation_function="RELU")),
    # Index ops and sequence builders.
    "GATHER_ND": case([((3, 4), F32)], (2,), lambda x: x[[2, 0], [1, 3]],
                      constants=[np.array([[2, 1], [0, 3]], np.int32)]),
    "EMBEDDING_LOOKUP": case([np.array([2, 0, 2], np.int32), ((3, 4), F32)], (3, 4),
                             lambda t: t[[2, 0, 2]], output_dtypes=F32),
    "SPARSE_TO_DENSE": case([np.array([[0, 1], [2, 0]], np.int32), np.array([3, 2], np.int32),
                             ((2,), F32), np.array(0.5, F32)], (3, 2),
                            lambda v: np.array([[0.5, v[0]], [0.5, 0.5], [v[1], 0.5]]),
                            output_dtypes=F32),
    "REVERSE_SEQUENCE": case([((3, 4), F32)], (3, 4),
                             lambda x: reverse_sequence_ref(x, [2, 4, 0]),
                             constants=[np.array([2, 4, 0], np.int32)],
                             options=dict(seq_dim=1, batch_dim=0)),
    "MATRIX_DIAG": case([((2, 3), F32)], (2, 3, 3), lambda x: np.stack([np.diag(r) for r in x])),
    "MATRIX_SET_DIAG": case([((2, 3), F32), ((2,), F32)], (2, 3), set_diag_ref),
    "DILATE": case([((2, 3), F32), np.array([2, 3], np.int32), np.array(0.5, F32)], (3, 7),
                   lambda x: dilate_ref(x, (2, 3), 0.5)),
    "CONV_3D_TRANSPOSE": case([np.array([1, 5, 4, 6, 3], np.int32), W_3D_T, ((1, 4, 3, 6, 2), F32)],
                              (1, 5, 4, 6, 3), lambda x: conv3d_transpose_valid_ref(x, W_3D_T),
                              options=dict(padding="VALID"), output_dtypes=F32),
    "BIDIRECTIONAL_SEQUENCE_RNN": case(
        [((3, 1, 4), F32), W_RNN, R_RNN, B_RNN, ((1, 3), F32, dict(is_variable=True)),
         W_RNN, R_RNN, B_RNN, ((1, 3), F32, dict(is_variable=True)), None, None, None],
        (3, 1, 6),
        lambda x: np.concatenate([rnn_ref(x, W_RNN, R_RNN, B_RNN),
                                  rnn_ref(x[::-1], W_RNN, R_RNN, B_RNN)[::-1]], axis=-1),
        options=dict(time_major=True, merge_outputs=True, fused_activation_function="RELU")),
    "SCATTER_ND": case([np.array([[2], [0], [2]], np.int32), ((3, 2), F32),
                        np.array([4, 2], np.int32)], (4, 2),
                       lambda u: np.stack([u[1], 0 * u[0], u[0] + u[2], 0 * u[0]]),
                       output_dtypes=F32),
    "ONE_HOT": case([((3,), I32), np.array(4, np.int32), np.array(5.0, F32), np.array(-1.0, F32)],
                    (3, 4), lambda i: np.where(i[:, None] == np.arange(4), 5.0, -1.0),
                    options=dict(axis=-1), input_range=(-1, 4), output_dtypes=F32),
    "RANGE": case([np.array(1, np.int32), np.array(10, np.int32), np.array(3, np.int32)], (3,),
                  lambda: np.arange(1, 10, 3)),
    "REAL": case([((2, 3), np.complex64)], (2, 3), np.real, output_dtypes=F32),
    "IMAG": case([((2, 3), np.complex64)], (2, 3), np.imag, output_dtypes=F32),
    "COMPLEX_ABS": case([((2, 3), np.complex64)], (2, 3), np.abs, output_dtypes=F32),
    "RFFT2D": case([((3, 4, 6), F32)], (3, 4, 5), lambda x: np.fft.rfft2(x, s=(4, 8)),
                   constants=[np.array([4, 8], np.int32)], output_dtypes=np.complex64),
    "CUMSUM": case([((2, 3), F32)], (2, 3),
                   lambda x: np.cumsum(x[:, ::-1], axis=1)[:, ::-1] - x,
                   constants=[np.array(1, np.int32)], options=dict(exclusive=True, reverse=True)),
    "ADD_N": case([((2, 3), F32), ((2, 3), F32), ((2, 3), F32)], (2, 3), lambda a, b, c: a + b + c),
    "RANK": case([((2, 3, 4), F32)], (), lambda x: np.int32(3), output_dtypes=np.int32),
    "DYNAMIC_UPDATE_SLICE": case(
        [((4, 5), F32), ((2, 2), F32)], (4, 5),
        lambda x, u: np.concatenate([x[:2], np.concatenate([u, x[2:, 2:]], axis=1)]),
        constants=[np.array([5, -1], np.int32)]),  # clamped to [2, 0]
    "TOPK_V2": case([((2, 5), F32)], (2, 3), lambda x: -np.sort(-x, axis=1)[:, :3],
                    constants=[np.array(3, np.int32)], output_dtypes=[F32, np.int32]),
    # Disjoint boxes: NMS keeps the best max_output_size, by decreasing score.
    "NON_MAX_SUPPRESSION_V4": case(
        [NMS_BOXES, ((4,), F32)], (3,), lambda s: np.argsort(-s, kind="stable")[:3],
        constants=[np.array(3, np.int32), np.array(0.5, F32), np.array(-1.0, F32)],
        input_range=(0, 1), output_dtypes=[np.int32, np.int32]),
    "NON_MAX_SUPPRESSION_V5": case(
        [NMS_BOXES, ((4,), F32)], (3,), lambda s: np.argsort(-s, kind="stable")[:3],
        constants=[np.array(3, np.int32), np.array(0.5, F32), np.array(-1.0, F32),
                   np.array(0.5, F32)], input_range=(0, 1),
        output_dtypes=[np.int32, F32, np.int32]),
    "SEGMENT_SUM": case([((4, 2), F32)], (2, 2), lambda x: np.stack([x[0] + x[1], x[2] + x[3]]),
                        constants=[np.array([0, 0, 1, 1], np.int32)]),
    "UNSORTED_SEGMENT_SUM": case([((4, 2), F32)], (3, 2),
                                 lambda x: np.stack([x[1], 0 * x[0], x[0] + x[3]]),
                                 constants=[np.array([2, 0, -1, 2], np.int32),
                                            np.array(3, np.int32)]),
    "UNSORTED_SEGMENT_MAX": case([((4, 2), F32)], (2, 2),
                                 lambda x: np.stack([np.maximum(x[0], x[3]), x[1]]),
                                 constants=[np.array([0, 1, -1, 0], np.int32),
                                            np.array(2, np.int32)]),
    "UNSORTED_SEGMENT_MIN": case([((4, 2), F32)], (2, 2),
                                 lambda x: np.stack([np.minimum(x[0], x[3]), x[1]]),
                                 constants=[np.array([0, 1, -1, 0], np.int32),
                                            np.array(2, np.int32)]),
    "UNSORTED_SEGMENT_PROD": case([((4, 2), F32)], (2, 2),
                                  lambda x: np.stack([x[0] * x[3], x[1] * x[2]]),
                                  constants=[np.array([0, 1, 1, 0], np.int32),
                                             np.array(2, np.int32)]),
    # Output sizes that depend on the values (constant inputs keep the expected shape fixed).
    "WHERE": case([np.array([[True, False, True], [False, False, True]])], (3, 2),
                  lambda: np.array([[0, 0], [0, 2], [1, 2]]), output_dtypes=np.int64),
    # Distinct values, so both outputs have the checked shape; idx_out_type 4 is INT64.
    "UNIQUE": case([np.array([3, 1, 2], np.int32)], (3,), lambda: np.array([3, 1, 2]),
                   options=dict(idx_out_type=4), output_dtypes=[np.int32, np.int64]),
}


def test_every_builder_op_has_a_case():
    assert set(OP_CASES) == set(OPS)


@pytest.mark.parametrize("op", sorted(OP_CASES))
def test_litert_runs_each_op_and_matches_numpy(op):
    c = OP_CASES[op]
    dtypes = c["build_args"].get("output_dtypes")
    outputs = len(dtypes) if isinstance(dtypes, list) else 1  # TOPK_V2: values and indices
    model = build_op_model(op, c["inputs"], c["constants"], c["options"],
                           output_shapes=[list(c["shape"])] * outputs, **c["build_args"])
    values = random_inputs(model, seed=0, input_range=c["input_range"])
    out = run_model(LITERT, model, values)[0]  # the first output is the one checked
    assert out.shape == c["shape"]
    expected = c["reference"](*values)
    if np.issubdtype(out.dtype, np.integer):
        # Rounding ties may go either way between numpy and LiteRT; they are rare.
        assert np.abs(out.astype(np.int64) - expected).max() <= 1
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", sorted(OP_CASES))
def test_schema_reader_decodes_each_op(op):
    c = OP_CASES[op]
    model = decode(build_op_model(op, c["inputs"], c["constants"], c["options"],
                                  **c["build_args"]))
    assert model.version == 3
    assert len(model.buffers[0].data or []) == 0  # the empty sentinel
    (opcode,) = model.operatorCodes
    code, options_type, fields = OPS[op]
    assert (opcode.builtinCode, opcode.deprecatedBuiltinCode) == (code, min(code, 127))
    (operator,) = model.subgraphs[0].operators
    assert operator.builtinOptionsType == options_type
    for name, value in (c["options"] or {}).items():
        decoded = getattr(operator.builtinOptions, _camel(name))
        assert _normalize(decoded) == _normalize(_encoded(name, value)), name


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _encoded(name, value):
    table = {"padding": PADDING, "fused_activation_function": ACTIVATION,
             "mode": MIRROR_PAD_MODE}.get(name)
    return table[value] if table else value


def _normalize(value):
    if isinstance(value, (list, np.ndarray)):
        return [int(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


# --- builder features ---------------------------------------------------------------------------

def test_options_not_given_get_schema_defaults():
    model = decode(build_op_model("CONV_2D", [X4], [W_CONV, B4], dict(padding="VALID")))
    options = model.subgraphs[0].operators[0].builtinOptions
    # Strides would be 0 by the schema; the builder fills 1 for omitted strides.
    assert (options.strideW, options.strideH) == (1, 1)
    assert (options.dilationWFactor, options.dilationHFactor) == (1, 1)
    assert options.fusedActivationFunction == 0


def test_add_pot_scale_int16_false_is_written():
    model = build_op_model("ADD", [((2, 3), np.int16, dict(scale=0.01, zero_point=0))] * 2,
                           options=dict(pot_scale_int16=False), output_shapes=[[2, 3]])
    options = decode(model).subgraphs[0].operators[0].builtinOptions
    assert options.potScaleInt16 is False
    values = random_inputs(model)
    (out,) = run_model(LITERT, model, values)
    expected = np.clip(values[0].astype(np.int32) + values[1], -32768, 32767)
    assert np.abs(out - expected).max() <= 1


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8, np.uint8, np.int16])
def test_integer_dtypes_run(dtype):
    # 8/16-bit integers are quantized types in TFLite; int32/int64 are plain integers.
    quantized = dtype not in (np.int32, np.int64)
    spec = ((2, 3), dtype, dict(scale=1.0, zero_point=0)) if quantized else ((2, 3), dtype)
    model = build_op_model("MAXIMUM", [spec, spec], output_shapes=[[2, 3]])
    a, b = random_inputs(model, seed=3)
    (out,) = run_model(LITERT, model, [a, b])
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.maximum(a, b))


def test_bool_and_float16_tensors():
    flags = build_op_model("CONCATENATION", [((2, 1), np.bool_), ((2, 2), np.bool_)],
                           options=dict(axis=1), output_shapes=[[2, 3]])
    a, b = random_inputs(flags, seed=1)
    (out,) = run_model(LITERT, flags, [a, b])
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=1))

    # float16 weights the way converters store them: constant -> DEQUANTIZE -> float op.
    # (A model whose only op dequantizes a constant, with no inputs, makes LiteRT's default
    # XNNPACK delegate fail at invoke, so the constant feeds an ADD.)
    half = rand((3, 4), seed=9).astype(np.float16)
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3, 4])
    weights = mb.add_tensor("weights", F32, [3, 4])
    y = mb.add_tensor("y", F32, [3, 4])
    mb.add_op("DEQUANTIZE", [mb.add_constant("half", half)], [weights])
    mb.add_op("ADD", [x, weights], [y])
    mb.mark_output(y)
    x_value = rand((3, 4), seed=10)
    (out,) = run_model(LITERT, mb.build(), [x_value])
    np.testing.assert_allclose(out, x_value + half.astype(F32), rtol=1e-6)

    model = build_op_model("DEQUANTIZE", [((3, 4), np.float16)], output_shapes=[[3, 4]])
    (out,) = run_model(LITERT, model, [half])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, half.astype(F32))


def test_reshape_with_shape_input():
    model = build_op_model("RESHAPE", [((2, 3, 4), F32)], [np.array([4, -1], np.int32)],
                           output_shapes=[[4, 6]])
    (x,) = random_inputs(model)
    (out,) = run_model(LITERT, model, [x])
    np.testing.assert_array_equal(out, x.reshape(4, 6))


def test_per_channel_int8_conv():
    w_float = rand((4, 3, 3, 3), seed=11)
    w_scale = np.abs(w_float).max(axis=(1, 2, 3)) / 127
    w_q = np.round(w_float / w_scale[:, None, None, None]).astype(np.int8)
    in_scale, in_zp, out_scale, out_zp = 0.02, 5, 0.1, -10
    bias_q = np.round(B4 / (in_scale * w_scale)).astype(np.int32)
    model = build_op_model(
        "CONV_2D", [((1, 5, 5, 3), np.int8, dict(scale=in_scale, zero_point=in_zp))],
        [(w_q, dict(scale=w_scale, quantized_dimension=0)),  # zero points default to 0
         (bias_q, dict(scale=in_scale * w_scale))],
        dict(padding="SAME"), output_shapes=[[1, 5, 5, 4]],
        output_quant=dict(scale=out_scale, zero_point=out_zp))
    weights = decode(model).subgraphs[0].tensors[1].quantization
    np.testing.assert_allclose(weights.scale, w_scale.astype(F32))
    np.testing.assert_array_equal(weights.zeroPoint, [0, 0, 0, 0])
    assert weights.quantizedDimension == 0

    (x,) = random_inputs(model, seed=4)
    (out,) = run_model(LITERT, model, [x])
    real_x = (x.astype(np.float64) - in_zp) * in_scale
    real_w = w_q * w_scale[:, None, None, None]
    expected = conv_ref(real_x, real_w, bias_q * in_scale * w_scale) / out_scale + out_zp
    assert out.dtype == np.int8
    assert np.abs(out - np.clip(np.round(expected), -128, 127)).max() <= 1


def test_dynamic_batch_signature_and_resize():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [-1, 4])
    y = mb.add_tensor("y", F32, [-1, 4])
    mb.add_op("RELU", [x], [y])
    mb.mark_output(y)
    model = mb.build()
    (detail,) = LITERT(model_content=model).get_input_details()
    assert list(detail["shape"]) == [1, 4]
    assert list(detail["shape_signature"]) == [-1, 4]
    batch = rand((3, 4))
    (out,) = run_model(LITERT, model, [batch])  # run_model resizes to the given batch
    np.testing.assert_array_equal(out, np.maximum(batch, 0))


def test_operator_intermediates_are_written():
    """Intermediates (the integer LSTM's scale carriers) reach the operator table, with their
    quantization; an operator without them keeps the short table."""
    hidden = dict(scale=0.25, zero_point=-3)
    model = decode(build_op_model("ADD", [X4, X4], intermediates=[(np.float32, {}),
                                                                  (np.int8, hidden)]))
    subgraph = model.subgraphs[0]
    (operator,) = subgraph.operators
    first, second = (subgraph.tensors[i] for i in operator.intermediates)
    assert first.quantization is None or first.quantization.scale is None
    assert second.type == schema.TensorType.INT8
    assert (list(second.quantization.scale), list(second.quantization.zeroPoint)) == ([0.25], [-3])
    plain = decode(build_op_model("ADD", [X4, X4])).subgraphs[0].operators[0]
    assert plain.intermediates is None or len(plain.intermediates) == 0


def test_constant_data_is_16_byte_aligned():
    mb = ModelBuilder(description="x")  # odd-sized content before the buffers
    for i, size in enumerate([3, 5, 16, 7]):
        mb.add_constant(f"c{i}", np.arange(size, dtype=np.int8))
    data = mb.build()
    model = schema.Model.GetRootAs(data, 0)
    for i in range(1, model.BuffersLength()):
        table = model.Buffers(i)._tab
        assert table.Vector(table.Offset(4)) % 16 == 0


def test_builder_rejects_mistakes():
    mb = ModelBuilder()
    with pytest.raises(ValueError, match="unknown op"):
        mb.add_op("CONV2D", [], [])
    with pytest.raises(ValueError, match="stride"):
        mb.add_op("CONV_2D", [], [], dict(strides=2))
    with pytest.raises(ValueError, match="unsupported tensor dtype"):
        mb.add_tensor("s", np.complex128, [1])
    mb.add_op("CONV_2D", [], [], dict(padding="FULL"))
    with pytest.raises(ValueError, match="FULL"):
        mb.build()


def test_output_shapes_are_recomputed_by_litert():
    """A declared output shape is only a hint: LiteRT replaces it at allocate_tensors."""
    model = build_op_model("ADD", [((2, 3), F32), ((3,), F32)], output_shapes=[[7, 7, 7]])
    interpreter = LITERT(model_content=model)
    assert list(interpreter.get_output_details()[0]["shape"]) == [7, 7, 7]
    interpreter.allocate_tensors()
    assert list(interpreter.get_output_details()[0]["shape"]) == [2, 3]


def test_litert_concatenation_activation_quirk():
    """Pins a LiteRT behaviour check_op users must know: the reference depends on the resolver.

    TFLite's CONCATENATION kernel rejects a fused activation; the default XNNPACK delegate
    accepts the node and ignores the activation. If this test starts failing, LiteRT changed.
    """
    model = build_op_model("CONCATENATION", [((2, 3), F32), ((2, 4), F32)],
                           options=dict(axis=1, fused_activation_function="RELU"))
    a, b = -np.ones((2, 3), F32), np.ones((2, 4), F32)
    (out,) = run_model(LITERT, model, [a, b])
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=1))
    with pytest.raises(RuntimeError, match="activation"):
        run_model(litert_interpreter("BUILTIN_REF"), model, [a, b])


# --- check_op and comparison --------------------------------------------------------------------

def perturbing_litert(change):
    """A LiteRT interpreter whose outputs pass through change(array) -> array: a wrong engine."""
    class Perturbed(LITERT):
        def get_tensor(self, tensor_index, subgraph_index=0):
            value = super().get_tensor(tensor_index, subgraph_index)
            outputs = {d["index"] for d in self.get_output_details()}
            return change(value.copy()) if tensor_index in outputs else value
    return Perturbed


def bump_first(amount):
    def change(value):
        value.flat[0] += amount
        return value
    return change


@pytest.mark.parametrize("op", sorted(OP_CASES))
def test_check_op_infers_each_ops_output_shape(op):
    c = OP_CASES[op]
    result = check_op(op, c["inputs"], c["constants"], c["options"],
                      output_dtype=c["build_args"].get("output_dtypes"),
                      output_quant=c["build_args"].get("output_quant"),
                      input_range=c["input_range"], runner=LITERT)
    assert result.expected[0].shape == c["shape"]
    graph = decode(result.model).subgraphs[0]
    output = graph.tensors[graph.outputs[0]]  # the first output (NMS: then a count)
    assert tuple(output.shape) == c["shape"]


def test_check_op_passes_litert_against_litert():
    result = check_op("CONV_2D", inputs=[((1, 9, 9, 3), F32)],
                      constants=[rand((8, 3, 3, 3)), rand((8,))],
                      options=dict(padding="VALID", stride_w=2, stride_h=2), runner=LITERT)
    assert result.actual[0].shape == (1, 4, 4, 8)
    # The rebuilt model declares the shape LiteRT computed, so it is self-consistent.
    assert list(decode(result.model).subgraphs[0].tensors[-1].shape) == [1, 4, 4, 8]
    check_op("ADD", inputs=[((1, 4, 4, 3), F32), ((3,), F32)],
             options=dict(fused_activation_function="RELU"), runner=LITERT)
    check_op("QUANTIZE", inputs=[((4, 4), F32)], output_dtype=np.int8,
             output_quant=dict(scale=0.05, zero_point=1), runner=LITERT)


def test_check_op_detects_a_wrong_float_value():
    wrong = perturbing_litert(bump_first(1e-3))
    with pytest.raises(AssertionError) as error:
        check_op("ADD", inputs=[((1, 4, 4, 3), F32), ((3,), F32)],
                 options=dict(fused_activation_function="RELU"), runner=wrong)
    message = str(error.value)
    for part in ("ADD", "fused_activation_function", "max |diff|", "(0, 0, 0, 0)"):
        assert part in message


def test_check_op_accepts_differences_below_tolerance():
    tiny = perturbing_litert(lambda v: v * (1 + FLOAT_ATOL_FACTOR / 10))
    check_op("TANH", inputs=[((3, 5), F32)], runner=tiny)


def test_rtol_of_range_widens_the_tolerance():
    off = perturbing_litert(bump_first(1e-3))
    # Outputs of MUL on [-2, 2] reach ~4: 1e-3 is within 1e-3 of that range but not 1e-5.
    with pytest.raises(AssertionError):
        check_op("MUL", inputs=[((4, 4), F32), ((4, 4), F32)], runner=off)
    check_op("MUL", inputs=[((4, 4), F32), ((4, 4), F32)], runner=off, rtol_of_range=1e-3)


def test_check_op_detects_integer_off_by_one():
    off_by_one = perturbing_litert(bump_first(1))
    with pytest.raises(AssertionError, match="exactly"):
        check_op("MAXIMUM", inputs=[((3, 3), np.int32), ((3, 3), np.int32)], runner=off_by_one)


def test_check_op_detects_wrong_shape_and_dtype():
    with pytest.raises(AssertionError, match="shape"):
        check_op("RELU", inputs=[((2, 3), F32)], runner=perturbing_litert(lambda v: v[:1]))
    with pytest.raises(AssertionError, match="dtype"):
        check_op("RELU", inputs=[((2, 3), F32)],
                 runner=perturbing_litert(lambda v: v.astype(np.float64)))


def test_nan_and_inf_compare_equal_only_to_themselves():
    special = np.array([np.nan, np.inf, -np.inf, 1.0], F32)
    assert_outputs_match([special], [special.copy()])
    for wrong in ([1.0, np.inf, -np.inf, 1.0], [np.nan, -np.inf, -np.inf, 1.0]):
        with pytest.raises(AssertionError):
            assert_outputs_match([np.array(wrong, F32)], [special])


def test_float_tolerance_rule():
    assert float_tolerance(np.array([0.0, -200.0], F32)) == pytest.approx(200 * FLOAT_ATOL_FACTOR)
    assert float_tolerance(np.zeros(3, F32)) == 1e-6
    assert float_tolerance(np.array([3.0], F32), rtol_of_range=0.1) == pytest.approx(0.3)


def test_random_inputs_are_deterministic_and_in_range():
    model = build_op_model("SQUARED_DIFFERENCE", [((50,), F32), ((50,), F32)])
    first = random_inputs(model, seed=7, input_range=[(0.5, 1.0), (-3, -2)])
    again = random_inputs(model, seed=7, input_range=[(0.5, 1.0), (-3, -2)])
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert first[0].min() >= 0.5 and first[1].max() <= -2
    assert not np.array_equal(first[0], random_inputs(model, seed=8)[0])


def test_run_both_with_pluggable_interpreters():
    model = small_cnn()
    x = rand((1, 32, 32, 3), 0, 1)
    ours, theirs = run_both(model, [x], runner=LITERT, reference=LITERT)
    assert_outputs_match(ours, theirs)


# --- demo models --------------------------------------------------------------------------------

def test_small_cnn_is_deterministic_and_matches_numpy():
    model = small_cnn(seed=0)
    assert model == small_cnn(seed=0) and model != small_cnn(seed=1)
    decoded = decode(model)
    assert [OPS_BY_CODE[c.builtinCode] for c in decoded.operatorCodes] == [
        "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MEAN", "FULLY_CONNECTED", "SOFTMAX"]

    x = rand((1, 32, 32, 3), 0, 1, seed=5)
    (probs,) = run_model(LITERT, model, [x])
    assert probs.shape == (1, 10) and math.isclose(probs.sum(), 1, rel_tol=1e-5)
    np.testing.assert_allclose(probs, _small_cnn_numpy(decoded, x), rtol=1e-4, atol=1e-6)


OPS_BY_CODE = {code: name for name, (code, _, _) in OPS.items()}


def _small_cnn_numpy(model, x):
    """Evaluates small_cnn's graph with the numpy references, op by op."""
    graph = model.subgraphs[0]
    values = {graph.inputs[0]: x.astype(np.float64)}

    def const(i):
        t = graph.tensors[i]
        dtype = np.float32 if t.type == 0 else np.int32
        return np.frombuffer(bytes(model.buffers[t.buffer].data), dtype).reshape(t.shape)

    def arg(i):
        return values[i] if i in values else const(i)

    for op in graph.operators:
        name = OPS_BY_CODE[model.operatorCodes[op.opcodeIndex].builtinCode]
        o = op.builtinOptions
        a = [arg(i) for i in op.inputs]
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            fn = conv_ref if name == "CONV_2D" else depthwise_ref
            pad = "SAME" if o.padding == 0 else "VALID"
            y = fn(a[0], a[1], a[2], (o.strideH, o.strideW), (1, 1), pad)
        elif name == "ADD":
            y = a[0] + a[1]
        elif name == "MEAN":
            y = a[0].mean(axis=tuple(a[1]), keepdims=o.keepDims)
        elif name == "FULLY_CONNECTED":
            y = a[0] @ a[1].T + a[2]
        elif name == "SOFTMAX":
            y = softmax_ref(a[0], o.beta)
        act = getattr(o, "fusedActivationFunction", 0)
        y = {0: y, 1: np.maximum(y, 0), 3: np.clip(y, 0, 6)}[act]
        values[op.outputs[0]] = y
    return values[graph.outputs[0]]


def test_custom_op_is_written_with_its_code_and_flexbuffer_options():
    from flatbuffers import flexbuffers
    opts = dict(max_detections=2, max_classes_per_detection=1, use_regular_nms=True,
                nms_score_threshold=0.25, nms_iou_threshold=0.5, num_classes=1, y_scale=10.0,
                x_scale=10.0, h_scale=5.0, w_scale=5.0)
    anchors = np.array([[0.2, 0.2, 0.2, 0.2], [0.7, 0.7, 0.2, 0.2]], F32)
    model_bytes = build_op_model("TFLite_Detection_PostProcess",
                                 [((1, 2, 4), F32), ((1, 2, 2), F32)], [anchors], opts,
                                 output_dtypes=[F32] * 4,
                                 output_shapes=[[1, 2, 4], [1, 2], [1, 2], [1]])
    model = decode(model_bytes)
    (opcode,) = model.operatorCodes
    assert (opcode.builtinCode, opcode.customCode) == (32, b"TFLite_Detection_PostProcess")
    (operator,) = model.subgraphs[0].operators
    decoded = flexbuffers.Loads(bytes(operator.customOptions))
    assert decoded == opts
    # LiteRT runs it: zero encodings decode to the anchors' boxes; background class skipped.
    scores = np.array([[[0.0, 0.9], [0.0, 0.1]]], F32)
    boxes, classes, out_scores, count = run_model(
        LITERT, model_bytes, [np.zeros((1, 2, 4), F32), scores])
    assert count[0] == 1 and classes[0, 0] == 0 and out_scores[0, 0] == pytest.approx(0.9)
    np.testing.assert_allclose(boxes[0, 0], [0.1, 0.1, 0.3, 0.3], rtol=1e-6)
# --- control flow (CONTROL_FLOW_OPS: ops whose options name subgraphs) --------------------------

def _add_one_subgraph(main, name, dtype, shape, build):
    sb = ModelBuilder(name=name)
    x = sb.add_input(f"{name}_x", dtype, shape)
    sb.mark_output(build(sb, x))
    return main.add_subgraph(sb)


def _subgraph_op(sb, op, inputs, dtype, shape):
    out = sb.add_tensor(f"t{len(sb.tensors)}", dtype, shape)
    sb.add_op(op, inputs, [out])
    return out


def test_while_with_subgraphs_runs_in_litert_and_decodes():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3])
    cond = _add_one_subgraph(mb, "cond", F32, [3], lambda sb, v: _subgraph_op(
        sb, "LESS", [_subgraph_op(sb, "SUM", [v, sb.add_constant("axis", np.array([0], I32))],
                                  F32, []), sb.add_constant("limit", np.array(20.0, F32))],
        np.bool_, []))
    body = _add_one_subgraph(mb, "body", F32, [3], lambda sb, v: _subgraph_op(
        sb, "MUL", [v, sb.add_constant("two", np.array(2.0, F32))], F32, [3]))
    out = mb.add_tensor("out", F32, [3])
    mb.add_op("WHILE", [x], [out], dict(cond_subgraph_index=cond, body_subgraph_index=body))
    mb.mark_output(out)
    model = mb.build()
    value = np.array([1.0, 0.5, 0.25], F32)
    expected = value.copy()
    while expected.sum() < 20:
        expected = expected * 2
    np.testing.assert_array_equal(run_model(LITERT, model, [value])[0], expected)
    decoded = decode(model)
    assert [s.name for s in decoded.subgraphs] == [b"main", b"cond", b"body"]
    (operator,) = decoded.subgraphs[0].operators
    assert operator.builtinOptionsType == 93
    assert (operator.builtinOptions.condSubgraphIndex,
            operator.builtinOptions.bodySubgraphIndex) == (1, 2)
    # Each subgraph's constants landed in buffers of their own.
    two = decoded.subgraphs[2].tensors[1]
    assert np.frombuffer(bytes(decoded.buffers[two.buffer].data), F32)[0] == 2.0


@pytest.mark.parametrize("cond", [True, False])
def test_if_with_subgraphs_runs_in_litert(cond):
    mb = ModelBuilder()
    flag = mb.add_input("flag", np.bool_, [])
    x = mb.add_input("x", F32, [2])
    then_index = _add_one_subgraph(mb, "then", F32, [2],
                                   lambda sb, v: _subgraph_op(sb, "NEG", [v], F32, [2]))
    else_index = _add_one_subgraph(mb, "else", F32, [2],
                                   lambda sb, v: _subgraph_op(sb, "ABS", [v], F32, [2]))
    out = mb.add_tensor("out", F32, [2])
    mb.add_op("IF", [flag, x], [out],
              dict(then_subgraph_index=then_index, else_subgraph_index=else_index))
    mb.mark_output(out)
    value = np.array([-1.5, 2.0], F32)
    got = run_model(LITERT, mb.build(), [np.array(cond), value])[0]
    np.testing.assert_array_equal(got, -value if cond else np.abs(value))


def test_resource_variable_ops_write_string_options_and_run_in_litert():
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2])
    sb = ModelBuilder(name="init")
    init_handle = sb.add_tensor("init_handle", np.object_, [])
    sb.add_op("VAR_HANDLE", [], [init_handle], dict(container="c", shared_name="v"))
    sb.add_op("ASSIGN_VARIABLE", [init_handle, sb.add_constant("one", np.ones(2, F32))], [])
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=mb.add_subgraph(sb)))
    h = mb.add_tensor("handle", np.object_, [])
    mb.add_op("VAR_HANDLE", [], [h], dict(container="c", shared_name="v"))
    old = mb.add_tensor("old", F32, [2])
    mb.add_op("READ_VARIABLE", [h], [old])
    mb.add_op("ASSIGN_VARIABLE", [h, x], [])
    mb.mark_output(old)
    model = mb.build()
    decoded = decode(model)
    options = decoded.subgraphs[0].operators[1].builtinOptions
    assert (options.container, options.sharedName) == (b"c", b"v")
    assert decoded.subgraphs[0].tensors[h].type == 13  # RESOURCE
    interpreter = LiteRT(model_content=model)
    interpreter.allocate_tensors()
    got = []
    for value in ([2.0, 3.0], [4.0, 5.0]):
        interpreter.set_tensor(0, np.array(value, F32))
        interpreter.invoke()
        got.append(interpreter.get_tensor(old).tolist())
    assert got == [[1.0, 1.0], [2.0, 3.0]]
