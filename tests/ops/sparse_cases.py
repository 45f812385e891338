"""Sparse constants for tests: pruned weights and one-op models whose constant is sparse.

Weights are pruned at random (each element kept with probability `density`) or in blocks (a
whole block of `block` consecutive elements along the last dimension kept or zeroed), then
stored with model_builder.sparsify in a given traversal order and per-level formats.
"""
import numpy as np

from jitlite.testing import ModelBuilder
from jitlite.testing.model_builder import sparsify

# Stored formats by name: (traversal_order, formats, block_map, block_sizes) for a 2-D tensor.
FORMATS_2D = {
    "random": ([0, 1], ["DENSE", "CSR"], [], []),
    "random_cols_first": ([1, 0], ["DENSE", "CSR"], [], []),
    "csr_csr": ([0, 1], ["CSR", "CSR"], [], []),
    "block1x4": ([0, 1, 2], ["DENSE", "CSR", "DENSE"], [1], [4]),
    "block1x16": ([0, 1, 2], ["DENSE", "CSR", "DENSE"], [1], [16]),
    "block2x2": ([0, 1, 2, 3], ["DENSE", "CSR", "DENSE", "DENSE"], [0, 1], [2, 2]),
    "block4x1_inner_swapped": ([0, 1, 2], ["CSR", "DENSE", "DENSE"], [0], [4]),
}


def pruned(shape, dtype=np.float32, *, density=0.3, block=1, seed=0, low=-1.0, high=1.0):
    """Random values of `shape` with most blocks of `block` along the last axis zeroed."""
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        values = rng.integers(int(low), int(high) + 1, shape)
    else:
        values = rng.uniform(low, high, shape)
    keep_shape = tuple(shape[:-1]) + (shape[-1] // block,)
    keep = rng.random(keep_shape) < density
    keep.flat[0] = density > 0  # a nonzero block: an empty buffer is no constant (LiteRT too)
    keep = np.repeat(keep, block, axis=-1)
    return np.where(keep, values, 0).astype(dtype)


def sparse_args(name):
    order, formats, block_map, block_sizes = FORMATS_2D[name]
    return dict(traversal_order=order, formats=formats, block_map=block_map,
                block_sizes=block_sizes)


def fully_connected_model(weights, fmt, *, batch=3, index_dtype=np.int32, bias=True,
                          input_dtype=np.float32, quant=None, options=None):
    """One FULLY_CONNECTED with `weights` [units, input_size] stored sparse in format `fmt`.

    quant = dict(input=(scale, zp), filter=(scales, zps), output=(scale, zp)) for quantized
    models (the bias is then INT32 with scale input_scale * filter_scale); dict(filter=...)
    alone for hybrid ones (FLOAT32 input, output and bias).
    """
    units, depth = weights.shape
    values, sparsity = sparsify(weights, index_dtype=index_dtype, **sparse_args(fmt))
    mb = ModelBuilder()
    q = quant or {}
    kw = lambda role: ({} if role not in q else dict(scale=q[role][0], zero_point=q[role][1],
                                                     quantized_dimension=0))
    out_dtype = input_dtype
    x = mb.add_input("x", input_dtype, [batch, depth], **kw("input"))
    w = mb.add_sparse_constant("weights", values, sparsity, [units, depth], **kw("filter"))
    b = -1
    if bias and "input" in q:
        scales = np.atleast_1d(q["filter"][0]) * q["input"][0]
        b = mb.add_constant("bias", np.arange(units, dtype=np.int32) * 7 - 20,
                            scale=list(np.broadcast_to(scales, units)), zero_point=0)
    elif bias:
        b = mb.add_constant("bias", np.linspace(-1, 1, units).astype(np.float32))
    y = mb.add_tensor("y", out_dtype, [batch, units], **kw("output"))
    mb.add_op("FULLY_CONNECTED", [x, w, b], [y], options or {})
    mb.mark_output(y)
    return mb.build()


def densify_model(dense, sparsity_args, *, index_dtype=np.int32, then=None):
    """DENSIFY of `dense` stored sparse (sparsify keyword arguments), optionally followed by
    `then` = "DEQUANTIZE" (an INT8 / FLOAT16 constant's usual consumer)."""
    values, sparsity = sparsify(dense, index_dtype=index_dtype, **sparsity_args)
    mb = ModelBuilder()
    quant = dict(scale=0.05, zero_point=0) if dense.dtype == np.int8 else {}
    w = mb.add_sparse_constant("weights", values, sparsity, list(dense.shape), **quant)
    y = mb.add_tensor("dense", dense.dtype, list(dense.shape), **quant)
    mb.add_op("DENSIFY", [w], [y])
    if then is None:
        mb.mark_output(y)
    else:
        z = mb.add_tensor("dequantized", np.float32, list(dense.shape))
        mb.add_op(then, [y], [z])
        mb.mark_output(z)
    return mb.build()
