"""REVERSE_SEQUENCE against LiteRT: ranks 2-5 with seq_dim before and after batch_dim (adjacent
or not), constant and runtime seq_lengths (INT32/INT64; 0, full, negative = no reversal),
float32/int32/int64 and uint8/int16 raw copies, empty dims; a runtime length above the seq dim
fails the invoke with RuntimeError as in TFLite (TFLite checks only the first entry; jitlite
checks every entry, against a numpy model for the others); plus the rejected cases."""

import numpy as np
import pytest

from invoke_error_testing import check_invoke_fails_like_litert
from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import F32, I32, I64, REFERENCE_KERNELS, assert_rejected, check_op, check_values

OP = "REVERSE_SEQUENCE"

# (input shape, seq_dim, batch_dim)
LAYOUTS = [
    ((3, 5), 1, 0), ((5, 3), 0, 1), ((3, 4, 2), 1, 0), ((4, 3, 2), 0, 1), ((2, 3, 4), 2, 0),
    ((2, 3, 4), 0, 2), ((2, 3, 4), 2, 1), ((2, 4, 3, 2), 1, 2), ((2, 3, 2, 4, 2), 3, 1),
    ((2, 3, 2, 4, 2), 0, 4),
]


def options(seq_dim, batch_dim):
    return dict(seq_dim=seq_dim, batch_dim=batch_dim)


def lengths_for(shape, seq_dim, batch_dim, dtype=np.int32, seed=0):
    """Lengths over the whole valid range, including 0, 1 and the full seq dim."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, shape[seq_dim], shape[batch_dim], endpoint=True).astype(dtype)


def reverse_sequence(x, lengths, seq_dim, batch_dim):
    """numpy model of the op (a length <= 0 reverses nothing)."""
    out = x.copy()
    for b, n in enumerate(lengths):
        if n <= 0:
            continue
        src = np.take(x, [b], axis=batch_dim)
        part = np.flip(np.take(src, np.arange(n), axis=seq_dim), axis=seq_dim)
        index = [slice(None)] * x.ndim
        index[batch_dim] = slice(b, b + 1)
        index[seq_dim] = slice(0, n)
        out[tuple(index)] = part
    return out


@pytest.mark.parametrize("shape, seq_dim, batch_dim", LAYOUTS)
def test_constant_lengths(shape, seq_dim, batch_dim):
    check_op(OP, [(shape, F32)], [lengths_for(shape, seq_dim, batch_dim)],
             options(seq_dim, batch_dim))


@pytest.mark.parametrize("length_dtype", [I32, I64])
@pytest.mark.parametrize("shape, seq_dim, batch_dim", LAYOUTS[:6])
def test_runtime_lengths(shape, seq_dim, batch_dim, length_dtype):
    for seed in range(3):
        x = np.random.default_rng(seed).uniform(-2, 2, shape).astype(F32)
        lengths = lengths_for(shape, seq_dim, batch_dim, length_dtype, seed)
        check_values(OP, [x, lengths], options=options(seq_dim, batch_dim))


def test_zero_full_and_negative_lengths():
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    check_values(OP, [x, np.array([0, 6, -3, 1], np.int32)], options=options(1, 0))
    check_op(OP, [((4, 6), F32)], [np.array([-1, 6, 0, 2], np.int64)], options(1, 0))


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    check_op(OP, [((3, 5, 2), dtype)], [np.array([2, 5, 3], np.int32)], options(1, 0),
             reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((4, 3), dtype, dict(scale=0.5, zero_point=3))],
             [np.array([4, 0, 2], np.int32)], options(0, 1), reference=REFERENCE_KERNELS)


def test_empty_dims():
    check_op(OP, [((2, 0, 3), F32)], [np.zeros(2, np.int32)], options(1, 0), output_shape=(2, 0, 3))
    # An empty batch: LiteRT crashes reading seq_lengths[0] of the empty vector; jitlite gives
    # the empty output.
    model = build_op_model(OP, [((0, 4), F32)], [np.zeros(0, np.int32)], options(1, 0),
                           output_shapes=[[0, 4]])
    got = run_model(jitlite_interpreter(), model, [np.zeros((0, 4), F32)])[0]
    assert got.shape == (0, 4) and got.dtype == F32


def test_constant_input_and_lengths():
    check_op(OP, [np.arange(12, dtype=np.int32).reshape(3, 4), np.array([4, 1, 3], np.int32)],
             options=options(1, 0))


@pytest.mark.parametrize("bad", [6, 7, 1000])
def test_first_length_too_long_fails_invoke_like_litert(bad):
    model = build_op_model(OP, [((3, 6), F32), ((3,), I32)], options=options(1, 0),
                           output_shapes=[[3, 6]])
    x = np.arange(18, dtype=np.float32).reshape(3, 6)
    lengths = np.array([bad, 2, 3], np.int32)
    if bad == 6:  # the full length is valid
        check_values(OP, [x, lengths], options=options(1, 0))
        return
    check_invoke_fails_like_litert(model, [x, lengths], [x, np.array([6, 2, 3], np.int32)],
                                   "REVERSE_SEQUENCE: a seq_lengths entry exceeds")


def test_later_length_too_long_fails_invoke():
    # TFLite checks seq_lengths[0] only (and reads out of bounds for the others): no reference.
    model = build_op_model(OP, [((3, 6), F32), ((3,), I32)], options=options(1, 0),
                           output_shapes=[[3, 6]])
    interp = jitlite_interpreter()(model_content=model)
    interp.allocate_tensors()
    x = np.arange(18, dtype=np.float32).reshape(3, 6)
    x_index, lengths_index = (d["index"] for d in interp.get_input_details())
    interp.set_tensor(x_index, x)
    interp.set_tensor(lengths_index, np.array([2, 9, 3], np.int32))
    with pytest.raises(RuntimeError, match="a seq_lengths entry exceeds the seq_dim size 6"):
        interp.invoke()
    good = np.array([2, 5, 3], np.int32)
    interp.set_tensor(lengths_index, good)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    np.testing.assert_array_equal(got, reverse_sequence(x, good, 1, 0))


@pytest.mark.parametrize("inputs, constants, opts, match, litert_rejects", [
    ([((3, 4), F32)], [np.array([5, 1, 1], np.int32)], (1, 0),
     r"seq_lengths\[0\] = 5 exceeds the seq_dim size 4", True),
    ([((3, 4), F32)], [np.array([1, 1, 9], np.int32)], (1, 0),
     r"seq_lengths\[2\] = 9 exceeds", False),
    ([((3, 4), F32)], [np.array([1, 1, 1], np.int32)], (1, 1), "must be distinct dims", True),
    ([((3, 4), F32)], [np.array([1, 1, 1], np.int32)], (2, 0), "must be distinct dims", True),
    ([((3, 4), F32)], [np.array([1, 1, 1], np.int32)], (1, -1), "must be distinct dims", True),
    ([((3, 4), F32)], [np.array([1, 1], np.int32)], (1, 0), r"expected one length .*\[3\]", True),
    ([((3, 4), F32)], [np.ones((3, 1), np.int32)], (1, 0), "expected one length", True),
    ([((3, 4), F32)], [np.ones(3, np.float32)], (1, 0), "INT32 or INT64", True),
    ([((3, 4), np.int8, dict(scale=0.5, zero_point=0))], [np.ones(3, np.int32)], (1, 0),
     "takes FLOAT32, INT32, INT64, UINT8, INT16", True),
    ([((3, 4), np.bool_)], [np.ones(3, np.int32)], (1, 0), "type BOOL", True),
    ([((4,), F32)], [np.ones(4, np.int32)], (0, 0), "rank", True),
])
def test_invalid(inputs, constants, opts, match, litert_rejects):
    assert_rejected(OP, inputs, constants, options(*opts), match=match,
                    output_shapes=[list(inputs[0][0])], litert_rejects=litert_rejects)
