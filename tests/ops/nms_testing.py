"""Shared inputs for the NON_MAX_SUPPRESSION_V4/V5 tests: random boxes (corners in any order),
scores with or without ties, and a runner comparing jitlite with LiteRT on a one-op model whose
max_output_size and thresholds are constants or graph inputs."""

import numpy as np

from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             litert_interpreter, run_model)

F32, I32 = np.float32, np.int32


def random_boxes(n, seed=0, flip=True):
    """n boxes [y1, x1, y2, x2] in the unit square; with flip, corner pairs are swapped at
    random (TFLite accepts either order)."""
    rng = np.random.default_rng(seed)
    lo = rng.uniform(0.0, 0.8, (n, 2))
    size = rng.uniform(0.05, 0.4, (n, 2))
    boxes = np.concatenate([lo, lo + size], axis=1).astype(F32)
    if flip:
        swap_y, swap_x = rng.random(n) < 0.5, rng.random(n) < 0.5
        boxes[swap_y] = boxes[swap_y][:, [2, 1, 0, 3]]
        boxes[swap_x] = boxes[swap_x][:, [0, 3, 2, 1]]
    return boxes


def random_scores(n, seed=0, ties=False):
    rng = np.random.default_rng(seed + 1000)
    if ties:  # few distinct values: the candidate queue's order decides
        return (rng.integers(0, 4, n) * 0.25).astype(F32)
    return rng.random(n).astype(F32)


def nms_model(op, n, max_output, params, *, runtime_params=False, runtime_max=False):
    """One-op model: boxes [n, 4] and scores [n] are graph inputs; max_output_size and the
    float params (iou, score threshold[, sigma]) are constants or graph inputs."""
    soft = op.endswith("V5")
    specs = [((n, 4), F32), ((n,), F32)]
    specs.append(((), I32) if runtime_max else np.array(max_output, I32))
    for p in params:
        specs.append(((), F32) if runtime_params else np.array(p, F32))
    dtypes = [I32, F32, I32] if soft else [I32, I32]
    shapes = [[max_output], [max_output], []] if soft else [[max_output], []]
    return build_op_model(op, specs, output_dtypes=dtypes, output_shapes=shapes)


def check_nms(op, boxes, scores, max_output, params, *, runtime_params=False, runtime_max=False):
    """jitlite and LiteRT give the same outputs (indices and count exactly, scores within the
    float tolerance); returns LiteRT's outputs."""
    model = nms_model(op, len(scores), max_output, params, runtime_params=runtime_params,
                      runtime_max=runtime_max)
    values = [np.asarray(boxes, F32), np.asarray(scores, F32)]
    if runtime_max:
        values.append(np.array(max_output, I32))
    if runtime_params:
        values += [np.array(p, F32) for p in params]
    expected = run_model(litert_interpreter(), model, values)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, context=f"{op} max={max_output} params={params}")
    return expected
