"""UNIQUE against LiteRT: every input dtype LiteRT takes, INT32 and INT64 indices, all values
equal and all distinct, an empty vector, 50k elements, -0.0 against 0.0, UNIQUE feeding ADD with a different
count on consecutive invokes of one interpreter (compiled once per count, then cached), two
data-dependent ops in one graph (UNIQUE -> NOT_EQUAL -> WHERE, and WHERE -> GATHER_ND -> UNIQUE,
whose packed hash table then belongs to a later segment), and the rejected cases."""

import numpy as np
import pytest

from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, build_op_model
from op_testing import F32, I32, I64, assert_rejected

OP = "UNIQUE"
DTYPES = [F32, I32, I64, np.int8, np.uint8, np.int16]


def unique_model(n, dtype, index_dtype=I32):
    return build_op_model(OP, [((n,), dtype)], options=dict(idx_out_type=index_dtype),
                          output_dtypes=[dtype, index_dtype], output_shapes=[[-1], [n]])


def values(n, dtype, seed=0, distinct=4):
    rng = np.random.default_rng(seed)
    return rng.integers(0, distinct, n).astype(dtype) * (1 if dtype == np.uint8 else -1)


@pytest.mark.parametrize("index_dtype", [I32, I64], ids=["idx_int32", "idx_int64"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_dtypes(dtype, index_dtype):
    n = 10
    sets = [[values(n, dtype, seed, distinct)] for seed, distinct in [(0, 4), (1, 7), (2, 2)]]
    check_invokes(unique_model(n, dtype, index_dtype), sets)


def test_all_equal_all_distinct_and_empty():
    check_invokes(unique_model(6, I32), [[np.full(6, 3, I32)], [np.arange(6, dtype=I32)],
                                         [np.arange(6, dtype=I32)[::-1].copy()]])
    check_invokes(unique_model(0, F32), [[np.zeros(0, F32)]])
    check_invokes(unique_model(1, I64), [[np.array([7], I64)]])


def test_float_signed_zero_and_extremes():
    x = np.array([0.0, -0.0, np.inf, -np.inf, 1.5, np.inf, -0.0, 1.5], F32)
    check_invokes(unique_model(x.size, F32), [[x]])


def test_longer_vectors():
    n = 300
    check_invokes(unique_model(n, I32), [[values(n, I32, 3, distinct=50)],
                                         [values(n, I32, 4, distinct=200)]])
    # Hash-table probing: 50k elements, most of them distinct, in well under a second.
    n = 50000
    x = np.random.default_rng(5).normal(0, 100, n).astype(F32).round(2)
    check_invokes(unique_model(n, F32, I64), [[x], [values(n, F32, 6, distinct=3)]])


def _unique_add_model(n):
    """y, idx = UNIQUE(x); out = y + 10 (one more kernel after the data-dependent op)."""
    mb = ModelBuilder()
    x = mb.add_input("x", I32, [n])
    y = mb.add_tensor("y", I32, [-1])
    idx = mb.add_tensor("idx", I32, [n])
    ten = mb.add_constant("ten", np.array([10], I32))
    out = mb.add_tensor("out", I32, [-1])
    mb.add_op("UNIQUE", [x], [y, idx])
    mb.add_op("ADD", [y, ten], [out])
    mb.mark_output(out, idx)
    return mb.build()


def test_unique_add_with_changing_counts():
    n = 8
    sets = [[values(n, I32, seed, distinct)] for seed, distinct in
            [(0, 3), (1, 3), (2, 8), (3, 1), (4, 8)]]
    sets.append(sets[0])
    counts = check_invokes(_unique_add_model(n), sets)
    distinct = [len(np.unique(s[0])) for s in sets]
    expected, seen = [], set()
    for k, count in enumerate(distinct):
        seen.add(count)
        expected.append(counts[0] + len(seen) - 1)
    assert counts == expected  # a new count compiles the ADD segment once; known ones reuse it


def _unique_where_model(n):
    """Two data-dependent ops: UNIQUE, then WHERE over its values != 0, then a CAST."""
    mb = ModelBuilder()
    x = mb.add_input("x", I32, [n])
    y = mb.add_tensor("y", I32, [-1])
    idx = mb.add_tensor("idx", I32, [n])
    zero = mb.add_constant("zero", np.array(0, I32))
    nonzero = mb.add_tensor("nonzero", np.bool_, [-1])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    coords32 = mb.add_tensor("coords32", I32, [-1, 1])
    mb.add_op("UNIQUE", [x], [y, idx])
    mb.add_op("NOT_EQUAL", [y, zero], [nonzero])
    mb.add_op("WHERE", [nonzero], [coords])
    mb.add_op("CAST", [coords], [coords32], dict(in_data_type=I64, out_data_type=I32))
    mb.mark_output(coords32, y)
    return mb.build()


def test_two_data_dependent_ops_in_one_graph():
    n = 9
    sets = [[values(n, I32, seed, distinct)] for seed, distinct in
            [(0, 3), (1, 5), (2, 1), (0, 3)]]
    sets.append([np.zeros(n, I32)])
    sets.append([np.arange(n, dtype=I32)])
    counts = check_invokes(_unique_where_model(n), sets)
    assert counts[3] == counts[2]  # the first input set again: every segment from the cache


def _where_unique_model(n):
    """UNIQUE of the values of x that are not 0 (picked by WHERE and GATHER_ND)."""
    mb = ModelBuilder()
    x = mb.add_input("x", I32, [n])
    zero = mb.add_constant("zero", np.array(0, I32))
    nonzero = mb.add_tensor("nonzero", np.bool_, [n])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    picked = mb.add_tensor("picked", I32, [-1])
    y = mb.add_tensor("y", I32, [-1])
    idx = mb.add_tensor("idx", I32, [-1])
    mb.add_op("NOT_EQUAL", [x, zero], [nonzero])
    mb.add_op("WHERE", [nonzero], [coords])
    mb.add_op("GATHER_ND", [x, coords], [picked])
    mb.add_op("UNIQUE", [picked], [y, idx])
    mb.mark_output(y, idx)
    return mb.build()


def test_unique_in_the_segment_after_where():
    n = 12
    sets = [[values(n, I32, seed, distinct)] for seed, distinct in
            [(3, 4), (4, 6), (5, 2), (3, 4)]]
    sets.append([np.zeros(n, I32)])
    counts = check_invokes(_where_unique_model(n), sets)
    assert counts[3] == counts[2]


def test_rejected():
    assert_rejected(OP, [((4,), np.bool_)], match="BOOL",
                    output_dtypes=[np.bool_, I32], litert_rejects=True)
    assert_rejected(OP, [((2, 2), I32)], match="rank 2",
                    output_dtypes=[I32, I32], litert_rejects=True)
    assert_rejected(OP, [((4,), I32)], options=dict(idx_out_type=np.int16), match="idx_out_type",
                    output_dtypes=[I32, np.int16])
