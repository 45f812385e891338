"""TRANSPOSE against LiteRT: ranks 0-6 and 8, every permutation of small ranks, sampled
permutations of large ranks, float32/int32/int64/bool and quantized raw copies, size-1 and empty
dims, the 8x8-tiled path (remainders too), constant (folded) data, fused epilogues; plus the
rejected cases."""

import itertools

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "TRANSPOSE"
SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (2, 3, 1, 4), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2), 8: (2, 1, 2, 1, 3, 1, 2, 2)}


def perm(p, dtype=np.int32):
    return np.array(p, dtype=dtype)


def perms(rank):
    all_perms = list(itertools.permutations(range(rank)))
    if len(all_perms) <= 24:
        return all_perms
    rng = np.random.default_rng(rank)
    return [all_perms[0], all_perms[-1]] + [all_perms[i] for i in
                                            rng.choice(len(all_perms), 6, replace=False)]


CASES = [(rank, p) for rank in sorted(SHAPES) for p in perms(rank)]


@pytest.mark.parametrize("rank, p", CASES)
def test_permutations(rank, p):
    check_op(OP, [(SHAPES[rank], F32)], [perm(p)])


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((2, 3, 4), dtype)], [perm([2, 0, 1])])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((2, 3, 4), dtype, dict(scale=0.5, zero_point=0))], [perm([1, 2, 0])])


def test_int64_perm_is_rejected():
    # TFLite's kernel reads perm as int32 whatever its type (an int64 perm is misread there).
    assert_rejected(OP, [((2, 3, 4), F32)], [perm([2, 1, 0], np.int64)],
                    match="takes an INT32 perm", output_shapes=[[4, 3, 2]])


def test_scalar_is_copied():
    # LiteRT leaves a rank-0 TRANSPOSE output unwritten, so compare with the input itself.
    model = build_op_model(OP, [((), F32)], [np.zeros((0,), np.int32)], output_shapes=[[]])
    x = np.array(2.5, F32)
    np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [x])[0], x)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0, 2), (1, 1, 1)])
def test_empty_and_size_one_dims(shape):
    check_op(OP, [(shape, F32)], [perm(list(range(len(shape)))[::-1])])


def test_constant_data_is_folded():
    data = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    check_op(OP, [data, perm([1, 2, 0])])


# Shapes where the input's last dim moves and both dims involved reach the 8x8 tile: exact tiles,
# remainders on either or both dims, batch dims around them.
TILED = [((8, 8), (1, 0)), ((19, 21), (1, 0)), ((16, 9), (1, 0)), ((9, 16), (1, 0)),
         ((2, 16, 9, 24), (0, 3, 1, 2)), ((3, 17, 9, 11), (0, 3, 2, 1)),
         ((2, 10, 3, 12), (3, 1, 2, 0)), ((1, 4, 8, 3, 9), (0, 4, 2, 3, 1))]


@pytest.mark.parametrize("shape, p", TILED)
def test_tiled(shape, p):
    check_op(OP, [(shape, F32)], [perm(p)])


@pytest.mark.parametrize("dtype", [I64, np.bool_, np.int8])
def test_tiled_dtypes(dtype):
    args = dict(scale=0.5, zero_point=0) if dtype == np.int8 else {}
    check_op(OP, [((11, 13), dtype, args) if args else ((11, 13), dtype)], [perm([1, 0])])


def test_tiled_constant_is_folded():
    check_op(OP, [np.arange(19 * 21, dtype=np.int32).reshape(19, 21), perm([1, 0])])


def test_large_inner_copy():
    check_op(OP, [((3, 64, 17), F32)], [perm([1, 0, 2])])


@pytest.mark.parametrize("inputs, constants, match", [
    ([((2, 3), F32)], [perm([0, 0])], "not a permutation"),
    ([((2, 3), F32)], [perm([0, 2])], "not a permutation"),
    ([((2, 3), F32)], [perm([-1, 0])], "not a permutation"),
    ([((2, 3), F32)], [perm([0, 1, 2])], r"expected \[2\]"),
    ([((1,) * 9, F32)], [perm(list(range(9)))], "rank 9"),
])
def test_invalid(inputs, constants, match):
    assert_rejected(OP, inputs, constants, match=match, output_shapes=[[1]])


def test_runtime_perm_compiles_per_value():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    check_value_inputs(OP, [[x, np.array(p, np.int32)] for p in ([2, 0, 1], [1, 0, 2], [2, 0, 1])])


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 11, 10)])
def test_epilogue_fuses(shape):
    """TRANSPOSE followed by ADD of a runtime tensor: the ADD runs in the copy loop (the second
    shape takes the tiled path)."""
    from jitlite.testing import assert_outputs_match, run_both
    from jitlite.testing.model_builder import ModelBuilder
    out_shape = [shape[2], shape[0], shape[1]]
    mb = ModelBuilder()
    x = mb.add_input("x", F32, list(shape))
    p = mb.add_constant("perm", perm([2, 0, 1]))
    t = mb.add_tensor("t", F32, out_shape)
    mb.add_op(OP, [x, p], [t])
    y = mb.add_input("y", F32, [shape[1]])
    out = mb.add_tensor("out", F32, out_shape)
    mb.add_op("ADD", [t, y], [out])
    mb.mark_output(out)
    rng = np.random.default_rng(7)
    values = [rng.uniform(-2, 2, shape).astype(F32), rng.uniform(-2, 2, (shape[1],)).astype(F32)]
    actual, expected = run_both(mb.build(), values)
    assert_outputs_match(actual, expected)


def test_requantizing_copy_is_unimplemented():
    # A raw copy cannot change the quantization, so jitlite refuses it (Unimplemented).
    assert_rejected(OP, [((2, 3), np.int8, dict(scale=0.5, zero_point=0))], [perm([1, 0])],
                    match="would need requantization", output_shapes=[[3, 2]],
                    output_quant=dict(scale=0.25, zero_point=1))
