"""MIRROR_PAD against LiteRT: REFLECT and SYMMETRIC over ranks 1-6, padding patterns up to the
largest each mode allows, int32/int64 paddings, float32/int32/int64 and int8/uint8/int16 raw
copies (bit-exact vs BUILTIN_REF), size-1 dims, constant (folded) data; the real models; plus
the rejected cases."""


import numpy as np
import pytest

from op_testing import (F32, I32, I64, TFLITE_KERNELS, assert_rejected, check_model_file,
                        check_op, check_quantized)

OP = "MIRROR_PAD"
MODES = ["REFLECT", "SYMMETRIC"]
SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (1, 4, 3, 2), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2)}


def paddings(pairs, dtype=np.int32):
    return np.array(pairs, dtype=dtype).reshape(len(pairs), 2)


def most(shape, mode):
    return [d - (1 if mode == "REFLECT" else 0) for d in shape]


PATTERNS = {
    "zero": lambda s, m: [(0, 0)] * len(s),
    "one_each": lambda s, m: [(min(1, x), min(1, x)) for x in most(s, m)],
    "largest": lambda s, m: [(x, x) for x in most(s, m)],
    "asymmetric": lambda s, m: [(x, 0) if i % 2 else (0, x) for i, x in enumerate(most(s, m))],
}


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("rank", sorted(SHAPES))
@pytest.mark.parametrize("mode", MODES)
def test_patterns(mode, rank, pattern):
    shape = SHAPES[rank]
    check_op(OP, [(shape, F32)], [paddings(PATTERNS[pattern](shape, mode))], dict(mode=mode))


@pytest.mark.parametrize("pad_dtype", [I32, I64])
@pytest.mark.parametrize("dtype", [F32, I32, I64])
@pytest.mark.parametrize("mode", MODES)
def test_dtypes(mode, dtype, pad_dtype):
    check_op(OP, [((3, 4), dtype)], [paddings([(1, 2), (2, 1)], pad_dtype)], dict(mode=mode))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype, mode):
    q = dict(scale=0.5, zero_point=0 if dtype == np.int16 else 3)
    check_quantized(OP, [((3, 4), dtype, q)], [paddings([(1, 1), (2, 2)])], dict(mode=mode))


@pytest.mark.parametrize("mode", MODES)
def test_constant_data_is_folded(mode):
    check_op(OP, [np.arange(12, dtype=np.int32).reshape(3, 4), paddings([(2, 1), (1, 2)])],
             options=dict(mode=mode))


def test_empty_dim_symmetric_and_rejected_reflect():
    check_op(OP, [((0, 4), F32)], [paddings([(0, 0), (1, 2)])], dict(mode="SYMMETRIC"),
             reference=TFLITE_KERNELS)  # XNNPACK rejects empty tensors
    # TFLite: REFLECT allows at most dim - 1 = -1 padding, so an empty dim is an error.
    assert_rejected(OP, [((0, 4), F32)], [paddings([(0, 0), (1, 2)])], dict(mode="REFLECT"),
                    match="exceed -1", output_shapes=[[0, 7]], litert_rejects=True)


def test_size_one_dim_symmetric():
    check_op(OP, [((1, 3), F32)], [paddings([(1, 1), (0, 0)])], dict(mode="SYMMETRIC"))


@pytest.mark.parametrize("mode, pads, match", [
    ("REFLECT", [(3, 0), (0, 0)], "exceed 2"),
    ("SYMMETRIC", [(0, 0), (0, 5)], "exceed 4"),
    ("REFLECT", [(-1, 0), (0, 0)], "must be >= 0"),
])
def test_invalid(mode, pads, match):
    assert_rejected(OP, [((3, 4), F32)], [paddings(pads)], dict(mode=mode), match=match,
                    output_shapes=[[1]])


def test_bool_is_rejected():
    assert_rejected(OP, [((3, 4), np.bool_)], [paddings([(1, 1), (1, 1)])], match="BOOL",
                    output_shapes=[[5, 6]])


def test_runtime_paddings_are_unimplemented():
    assert_rejected(OP, [((3, 4), F32), ((2, 2), I32)], match="jitlite needs constant paddings",
                    output_shapes=[[3, 4]])


@pytest.mark.parametrize("name", ["simple_mirror_pad_reflect_op.tflite",
                                  "simple_mirror_pad_symmetric_op.tflite"])
def test_real_models(name):
    check_model_file("ops/" + name, seed=2)
