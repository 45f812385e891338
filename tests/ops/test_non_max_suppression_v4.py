"""NON_MAX_SUPPRESSION_V4 against LiteRT: random boxes with corners in any order, several IoU
and score thresholds, max_output_size 0, 1, below and above the number of boxes, tied scores
(the candidate queue's order), all scores below the threshold, degenerate boxes, thresholds and
max_output_size as graph inputs (compiled per max_output_size value), and the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from nms_testing import F32, I32, check_nms, random_boxes, random_scores
from op_testing import assert_rejected, check_threads

OP = "NON_MAX_SUPPRESSION_V4"


@pytest.mark.parametrize("n, max_output", [(1, 1), (10, 3), (10, 10), (10, 15), (50, 20),
                                           (300, 40), (300, 300)])
@pytest.mark.parametrize("iou", [0.2, 0.5, 0.8])
def test_random(n, max_output, iou):
    out = check_nms(OP, random_boxes(n, seed=n), random_scores(n, seed=n), max_output,
                    [iou, 0.1])
    assert out[1] > 0


@pytest.mark.parametrize("seed", range(6))
def test_tied_scores_follow_the_queue_order(seed):
    check_nms(OP, random_boxes(40, seed=seed), random_scores(40, seed=seed, ties=True), 25,
              [0.3, -1.0])


def test_all_equal_scores_and_identical_boxes():
    boxes = np.tile(np.array([[0, 0, 1, 1]], F32), (7, 1))
    check_nms(OP, boxes, np.full(7, 0.5, F32), 5, [0.5, 0.0])
    check_nms(OP, random_boxes(9, flip=False), np.full(9, 0.5, F32), 9, [1.0, 0.0])


def test_nothing_selected():
    out = check_nms(OP, random_boxes(12), random_scores(12), 6, [0.5, 2.0])  # all below
    assert out[1] == 0
    check_nms(OP, random_boxes(12), random_scores(12), 0, [0.5, 0.0])  # max_output_size 0


@pytest.mark.parametrize("max_output", [0, 3])
def test_no_boxes(max_output):
    check_nms(OP, np.zeros((0, 4), F32), np.zeros((0,), F32), max_output, [0.5, 0.0])


def test_score_threshold_is_strict():
    scores = np.array([0.5, 0.25, 0.5, 0.75], F32)
    boxes = random_boxes(4, seed=3)
    out = check_nms(OP, boxes, scores, 4, [0.99, 0.5])
    assert out[1] == 1


def test_degenerate_boxes():
    boxes = np.array([[0, 0, 0, 1], [0, 0, 0, 1], [0.2, 0.2, 0.2, 0.2], [0, 0, 1, 1]], F32)
    check_nms(OP, boxes, np.array([0.9, 0.8, 0.7, 0.6], F32), 4, [0.1, 0.0])


def test_iou_threshold_zero_keeps_only_disjoint():
    check_nms(OP, random_boxes(30, seed=7), random_scores(30, seed=7), 30, [0.0, 0.0])


def test_thresholds_as_graph_inputs():
    for iou, thr in [(0.4, 0.2), (0.7, 0.6), (0.1, -1.0)]:
        check_nms(OP, random_boxes(25, seed=2), random_scores(25, seed=2), 10, [iou, thr],
                  runtime_params=True)


@pytest.mark.parametrize("max_output", [1, 4, 30])
def test_max_output_size_as_graph_input(max_output):
    check_nms(OP, random_boxes(20, seed=4), random_scores(20, seed=4), max_output, [0.5, 0.1],
              runtime_max=True, runtime_params=True)


def test_max_output_size_zero_as_graph_input():
    # LiteRT cannot read back its empty dynamic output here; jitlite gives [] and count 0.
    from nms_testing import nms_model
    model = nms_model(OP, 5, 0, [0.5, 0.0], runtime_max=True)
    idx, count = run_model(jitlite_interpreter(), model,
                           [random_boxes(5), random_scores(5), np.array(0, I32)])
    assert idx.shape == (0,) and count == 0


def test_max_output_size_input_compiles_per_value():
    from nms_testing import nms_model
    model = nms_model(OP, 8, 3, [0.5, 0.0], runtime_max=True)
    boxes, scores = random_boxes(8), random_scores(8)
    interp = jitlite_interpreter()(model_content=model)
    interp.allocate_tensors()
    for m in (3, 5, 3):
        for detail, v in zip(interp.get_input_details(), [boxes, scores, np.array(m, I32)]):
            interp.set_tensor(detail["index"], v)
        interp.invoke()
        assert interp.get_tensor(interp.get_output_details()[0]["index"]).shape == (m,)
    assert interp.get_jit_details()["compilations"] == 2


def test_iou_threshold_above_one():
    check_nms(OP, random_boxes(10, seed=8), random_scores(10, seed=8), 10, [1.5, 0.0])


@pytest.mark.parametrize("inputs, match", [
    ([((5, 3), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32)],
     "num_boxes, 4"),
    ([((5, 4), F32), ((4,), F32), np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32)],
     "one per box"),
    ([((5, 4), F32), ((5,), F32), np.array(-1, I32), np.array(0.5, F32), np.array(0.0, F32)],
     "must be >= 0"),
    ([((5, 4), F32), ((5,), F32), np.array([2], I32), np.array(0.5, F32), np.array(0.0, F32)],
     "must be a scalar"),
    ([((5, 4), F32), ((5,), F32), np.array(2, np.int64), np.array(0.5, F32),
      np.array(0.0, F32)], "expected INT32"),
    ([((5, 4), F32), ((5,), F32), np.array(2, I32), np.array([0.5], F32), np.array(0.0, F32)],
     "iou_threshold .* must be a scalar"),
    ([((5, 4), np.int8, dict(scale=0.1)), ((5,), np.int8, dict(scale=0.1)), np.array(2, I32),
      np.array(1, np.int8), np.array(0, np.int8)], "INT8"),  # LiteRT refuses it too
    ([((5, 4), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32)], "input"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_dtypes=[I32, I32],
                    output_shapes=[[2], []])


def test_model_from_the_builder_runs_in_jitlite():
    model = build_op_model(OP, [((3, 4), F32), ((3,), F32)],
                           [np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32)],
                           output_dtypes=[I32, I32], output_shapes=[[2], []])
    boxes = np.array([[0, 0, 1, 1], [0, 0, 0.9, 1], [2, 2, 3, 3]], F32)
    idx, count = run_model(jitlite_interpreter(), model, [boxes, np.array([0.9, 0.8, 0.1], F32)])
    assert count == 2 and list(idx) == [0, 2]


def test_threads():
    check_threads(OP, [random_boxes(64, seed=3), ((64,), F32)],
                  [np.array(20, I32), np.array(0.4, F32), np.array(0.0, F32)],
                  output_dtypes=[I32, I32])


def test_two_nms_nodes_feeding_gather():
    """NMS -> GATHER of the selected boxes, twice in one graph (identical kernels, each with its
    own arena scratch), against LiteRT."""
    from jitlite.testing import ModelBuilder, assert_outputs_match, litert_interpreter
    mb = ModelBuilder("two NMS heads")
    outs = []
    for k in range(2):
        boxes = mb.add_input(f"boxes{k}", F32, [30, 4])
        scores = mb.add_input(f"scores{k}", F32, [30])
        consts = [mb.add_constant(f"max{k}", np.array(8, I32)),
                  mb.add_constant(f"iou{k}", np.array(0.4, F32)),
                  mb.add_constant(f"thr{k}", np.array(0.1, F32))]
        idx = mb.add_tensor(f"idx{k}", I32, [8])
        count = mb.add_tensor(f"count{k}", I32, [])
        mb.add_op(OP, [boxes, scores] + consts, [idx, count])
        picked = mb.add_tensor(f"picked{k}", F32, [8, 4])
        mb.add_op("GATHER", [boxes, idx], [picked], dict(axis=0))
        outs += [picked, count]
    mb.mark_output(*outs)
    model = mb.build()
    values = [random_boxes(30, seed=1), random_scores(30, seed=1),
              random_boxes(30, seed=2), random_scores(30, seed=2)]
    expected = run_model(litert_interpreter(), model, values)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected)
