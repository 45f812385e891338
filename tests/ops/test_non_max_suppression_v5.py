"""NON_MAX_SUPPRESSION_V5 against LiteRT: soft-NMS with several sigmas (0 = hard NMS like V4),
score decay below the threshold, random and tied scores, max_output_size 0 / below / above the
number of boxes, thresholds and sigma as graph inputs, max_output_size as a graph input, and the
rejected cases (negative constant sigma, shapes, types). Selected scores (decayed) are compared
with the float tolerance; indices and counts exactly."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from nms_testing import F32, I32, check_nms, nms_model, random_boxes, random_scores
from op_testing import assert_rejected

OP = "NON_MAX_SUPPRESSION_V5"


@pytest.mark.parametrize("n, max_output", [(1, 1), (10, 4), (10, 12), (60, 30), (200, 50)])
@pytest.mark.parametrize("sigma", [0.0, 0.1, 0.5, 2.0])
def test_random(n, max_output, sigma):
    check_nms(OP, random_boxes(n, seed=n), random_scores(n, seed=n), max_output,
              [0.6, 0.2, sigma])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sigma", [0.0, 0.3])
def test_tied_scores(seed, sigma):
    check_nms(OP, random_boxes(30, seed=seed), random_scores(30, seed=seed, ties=True), 20,
              [0.5, 0.1, sigma])


def test_decay_below_threshold_and_hard_suppression():
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 0.5, 1, 1.5], [0, 3, 1, 4]], F32)
    scores = np.array([0.9, 0.85, 0.8, 0.3], F32)
    for iou, thr, sigma in [(0.95, 0.5, 0.5), (0.8, 0.0, 0.2), (0.5, 0.4, 1.0), (1.0, 0.0, 5.0)]:
        check_nms(OP, boxes, scores, 4, [iou, thr, sigma])


def test_nothing_selected_and_zero_max_output():
    out = check_nms(OP, random_boxes(8), random_scores(8), 5, [0.5, 1.0, 0.5])
    assert out[2] == 0
    check_nms(OP, random_boxes(8), random_scores(8), 0, [0.5, 0.0, 0.5])


def test_params_as_graph_inputs():
    for params in [(0.5, 0.1, 0.0), (0.7, 0.2, 0.4), (0.3, -1.0, 1.5)]:
        check_nms(OP, random_boxes(24, seed=1), random_scores(24, seed=1), 12, list(params),
                  runtime_params=True)


def test_negative_runtime_sigma_fails_the_invoke():
    model = nms_model(OP, 6, 3, [0.5, 0.0, 0.0], runtime_params=True)
    values = [random_boxes(6), random_scores(6), np.array(0.5, F32), np.array(0.0, F32),
              np.array(-0.5, F32)]
    with pytest.raises(RuntimeError, match="soft_nms_sigma is negative"):
        run_model(jitlite_interpreter(), model, values)


@pytest.mark.parametrize("max_output", [2, 9])
def test_max_output_size_as_graph_input(max_output):
    check_nms(OP, random_boxes(15, seed=6), random_scores(15, seed=6), max_output,
              [0.5, 0.1, 0.5], runtime_max=True)


@pytest.mark.parametrize("inputs, match", [
    ([((5, 4), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32),
      np.array(-1.0, F32)], "soft_nms_sigma .* must be >= 0"),
    ([((5, 4), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32),
      np.array([0.5], F32)], "soft_nms_sigma .* must be a scalar"),
    ([((5, 4), F32), ((5, 1), F32), np.array(2, I32), np.array(0.5, F32), np.array(0.0, F32),
      np.array(0.5, F32)], "one per box"),
    ([((5, 4), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32), np.array(0, I32),
      np.array(0.5, F32)], "score_threshold .* expected FLOAT32"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_dtypes=[I32, F32, I32],
                    output_shapes=[[2], [2], []])


def test_wrong_output_count():
    assert_rejected(OP, [((5, 4), F32), ((5,), F32), np.array(2, I32), np.array(0.5, F32),
                         np.array(0.0, F32), np.array(0.5, F32)], match="3 outputs",
                    output_dtypes=[I32, I32], output_shapes=[[2], []])


def test_model_from_the_builder_runs_in_jitlite():
    model = build_op_model(OP, [((3, 4), F32), ((3,), F32)],
                           [np.array(3, I32), np.array(0.9, F32), np.array(0.0, F32),
                            np.array(0.0, F32)],
                           output_dtypes=[I32, F32, I32], output_shapes=[[3], [3], []])
    boxes = np.array([[0, 0, 1, 1], [0, 0, 0.5, 1], [2, 2, 3, 3]], F32)
    idx, scores, count = run_model(jitlite_interpreter(), model,
                                   [boxes, np.array([0.9, 0.8, 0.1], F32)])
    assert count == 3 and list(idx) == [0, 1, 2]
    np.testing.assert_allclose(scores, [0.9, 0.8, 0.1])
