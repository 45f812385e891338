"""TFLite_Detection_PostProcess (custom op) against LiteRT: fast NMS (1..3 classes per detection,
more than the number of classes), regular NMS (several detections_per_class), with and without
a background class, float and UINT8 box encodings / anchors / class predictions (tied scores
from quantization), all scores below the threshold, more anchors than max_detections, default
options, an SSD-like head (LOGISTIC into the op) built with the model builder, and the rejected
cases (INT8, shapes, options). Slots past the detections are compared only where TFLite writes
them (its fast path leaves the rest untouched; jitlite writes zeros there)."""

import numpy as np
import pytest

from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, litert_interpreter, run_model)
from op_testing import assert_rejected, check_threads

OP = "TFLite_Detection_PostProcess"
F32, U8 = np.float32, np.uint8


def options(**overrides):
    o = dict(max_detections=10, max_classes_per_detection=1, detections_per_class=5,
             use_regular_nms=False, nms_score_threshold=0.3, nms_iou_threshold=0.5,
             num_classes=4, y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0)
    o.update(overrides)
    return o


def anchors(n, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.uniform(0.1, 0.9, (n, 2))
    sizes = rng.uniform(0.05, 0.4, (n, 2))
    return np.concatenate([centers, sizes], axis=1).astype(F32)


def encodings(n, seed=0, width=4):
    return np.random.default_rng(seed + 1).normal(0, 1, (1, n, width)).astype(F32)


def predictions(n, classes, seed=0):
    return np.random.default_rng(seed + 2).random((1, n, classes)).astype(F32)


def quantize(x, scale, zero_point):
    return np.clip(np.round(x / scale) + zero_point, 0, 255).astype(U8)


def valid_slots(opts, count, slots):
    """Mask of output slots TFLite writes, given the detection count."""
    s = np.arange(slots)
    if opts.get("use_regular_nms"):
        return s < count
    k = opts["max_classes_per_detection"]
    return (s // k < count) & (s % k < min(k, opts["num_classes"]))


def masked(outputs, opts):
    boxes, classes, scores, count = [np.array(o) for o in outputs]
    keep = valid_slots(opts, int(count[0]), classes.shape[1])
    boxes[0, ~keep] = 0
    classes[0, ~keep] = 0
    scores[0, ~keep] = 0
    return [boxes, classes, scores, count]


def check_dp(opts, enc, pred, anc, *, enc_quant=None, pred_quant=None, anc_quant=None):
    """One-op model: encodings and predictions are graph inputs, anchors a constant."""
    slots = opts.get("max_detections", 0) * opts.get("max_classes_per_detection", 0)
    spec = lambda x, q: (x.shape, x.dtype, q) if q else (x.shape, x.dtype)
    model = build_op_model(OP, [spec(enc, enc_quant), spec(pred, pred_quant)],
                           [(anc, anc_quant) if anc_quant else anc], opts,
                           output_dtypes=[F32] * 4,
                           output_shapes=[[1, slots, 4], [1, slots], [1, slots], [1]])
    expected = run_model(litert_interpreter(), model, [enc, pred])
    actual = run_model(jitlite_interpreter(), model, [enc, pred])
    assert_outputs_match(masked(actual, opts), masked(expected, opts), context=f"{opts}")
    # jitlite writes zeros where TFLite leaves slots untouched.
    keep = valid_slots(opts, int(actual[3][0]), slots)
    assert not np.any(actual[1][0, ~keep]) and not np.any(actual[0][0, ~keep])
    return expected


@pytest.mark.parametrize("n, classes, background", [(1, 1, True), (20, 4, True), (20, 4, False),
                                                    (300, 10, True), (1000, 3, True)])
@pytest.mark.parametrize("regular", [False, True])
def test_float(n, classes, background, regular):
    opts = options(num_classes=classes, use_regular_nms=regular,
                   max_detections=min(n, 10))
    pred = predictions(n, classes + background, seed=n)
    out = check_dp(opts, encodings(n, seed=n), pred, anchors(n, seed=n))
    assert out[3][0] > 0 or n == 1


@pytest.mark.parametrize("per_detection", [2, 3, 6])
def test_fast_several_classes_per_detection(per_detection):
    n = 40
    check_dp(options(max_classes_per_detection=per_detection, num_classes=5), encodings(n),
             predictions(n, 6), anchors(n))


@pytest.mark.parametrize("per_class, max_detections", [(1, 10), (3, 5), (100, 20), (8, 1)])
def test_regular_detections_per_class(per_class, max_detections):
    n = 60
    check_dp(options(use_regular_nms=True, detections_per_class=per_class,
                     max_detections=max_detections, nms_score_threshold=0.1),
             encodings(n, seed=3), predictions(n, 5, seed=3), anchors(n, seed=3))


@pytest.mark.parametrize("regular", [False, True])
@pytest.mark.parametrize("iou", [0.1, 0.6, 1.0])
def test_iou_thresholds(regular, iou):
    n = 80
    check_dp(options(use_regular_nms=regular, nms_iou_threshold=iou, max_detections=30,
                     nms_score_threshold=0.05),
             encodings(n, seed=5) * 0.3, predictions(n, 5, seed=5), anchors(n, seed=5))


@pytest.mark.parametrize("regular", [False, True])
def test_nothing_above_the_score_threshold(regular):
    out = check_dp(options(use_regular_nms=regular, nms_score_threshold=1.5), encodings(30),
                   predictions(30, 5), anchors(30))
    assert out[3][0] == 0


@pytest.mark.parametrize("regular", [False, True])
def test_more_detections_than_anchors(regular):
    check_dp(options(use_regular_nms=regular, max_detections=25, nms_score_threshold=0.0),
             encodings(6), predictions(6, 5), anchors(6))


@pytest.mark.parametrize("regular", [False, True])
@pytest.mark.parametrize("per_detection", [1, 2])
def test_uint8_inputs_with_tied_scores(regular, per_detection):
    n = 120
    enc_q, pred_q, anc_q = (dict(scale=0.05, zero_point=128), dict(scale=1 / 16, zero_point=3),
                            dict(scale=1 / 255, zero_point=0))
    enc = quantize(encodings(n, seed=9), **enc_q)
    pred = quantize(predictions(n, 5, seed=9), **pred_q)  # 17 levels: many ties
    anc = quantize(anchors(n, seed=9), **anc_q)
    check_dp(options(use_regular_nms=regular, max_classes_per_detection=per_detection,
                     max_detections=20, nms_score_threshold=0.2),
             enc, pred, anc, enc_quant=enc_q, pred_quant=pred_q, anc_quant=anc_q)


@pytest.mark.parametrize("regular", [False, True])
def test_float_boxes_uint8_scores_and_tied_float_scores(regular):
    n = 50
    pred_q = dict(scale=0.1, zero_point=0)
    check_dp(options(use_regular_nms=regular), encodings(n), quantize(predictions(n, 5), **pred_q),
             anchors(n), pred_quant=pred_q)
    tied = (np.round(predictions(n, 5, seed=4) * 4) / 4).astype(F32)
    check_dp(options(use_regular_nms=regular, max_detections=15), encodings(n, seed=4), tied,
             anchors(n, seed=4))


def test_wide_box_encodings_use_the_first_four():
    check_dp(options(), encodings(30, width=6), predictions(30, 5), anchors(30))


def test_default_options_and_zero_detections():
    opts = dict(max_detections=5, max_classes_per_detection=1, nms_score_threshold=0.2,
                nms_iou_threshold=0.4, num_classes=3, y_scale=10.0, x_scale=10.0, h_scale=5.0,
                w_scale=5.0)  # no detections_per_class / use_regular_nms: TFLite's defaults
    check_dp(opts, encodings(20), predictions(20, 4), anchors(20))


def test_inverted_decoded_box_fails_the_invoke():
    anc = anchors(10)
    anc[3, 2] = -0.2  # negative height: ymin > ymax after decoding
    opts = options()
    model = build_op_model(OP, [((1, 10, 4), F32), ((1, 10, 5), F32)], [anc], opts,
                           output_dtypes=[F32] * 4, output_shapes=[[1, 10, 4], [1, 10], [1, 10], [1]])
    for runtime in (litert_interpreter(), jitlite_interpreter()):
        with pytest.raises(RuntimeError):
            run_model(runtime, model, [encodings(10), predictions(10, 5)])


def _ssd_head(n, classes, opts):
    """Encodings and logits as graph inputs, LOGISTIC on the logits, anchors constant."""
    mb = ModelBuilder("SSD-like post-processing head")
    enc = mb.add_input("raw_boxes", F32, [1, n, 4])
    logits = mb.add_input("logits", F32, [1, n, classes + 1])
    scores = mb.add_tensor("scores", F32, [1, n, classes + 1])
    anc = mb.add_constant("anchors", anchors(n, seed=11))
    slots = opts["max_detections"] * opts["max_classes_per_detection"]
    outs = [mb.add_tensor("detection_boxes", F32, [1, slots, 4]),
            mb.add_tensor("detection_classes", F32, [1, slots]),
            mb.add_tensor("detection_scores", F32, [1, slots]),
            mb.add_tensor("num_detections", F32, [1])]
    mb.add_op("LOGISTIC", [logits], [scores])
    mb.add_op(OP, [enc, scores, anc], outs, opts)
    mb.mark_output(*outs)
    return mb.build()


@pytest.mark.parametrize("regular", [False, True])
def test_ssd_like_head_from_the_model_builder(regular):
    n, classes = 200, 6
    opts = options(num_classes=classes, use_regular_nms=regular, max_detections=12)
    model = _ssd_head(n, classes, opts)
    rng = np.random.default_rng(12)
    for _ in range(2):  # invoke twice: scratch and outputs are rewritten each run
        values = [rng.normal(0, 1, (1, n, 4)).astype(F32),
                  rng.normal(-1, 2, (1, n, classes + 1)).astype(F32)]
        expected = run_model(litert_interpreter(), model, values)
        actual = run_model(jitlite_interpreter(), model, values)
        assert_outputs_match(masked(actual, opts), masked(expected, opts))
        assert expected[3][0] > 0


OK_SPECS = [((1, 8, 4), F32), ((1, 8, 5), F32)]


@pytest.mark.parametrize("inputs, anc, opts, match", [
    ([((1, 8, 4), np.int8, dict(scale=0.1)), ((1, 8, 5), F32)],
     (np.zeros((8, 4), np.int8), dict(scale=0.1)), options(), "INT8"),
    ([((1, 8, 3), F32), ((1, 8, 5), F32)], anchors(8), options(), "num_boxes, >= 4"),
    ([((2, 8, 4), F32), ((2, 8, 5), F32)], anchors(8), options(), "num_boxes, >= 4"),
    ([((1, 8, 4), F32), ((1, 7, 5), F32)], anchors(8), options(), "class predictions"),
    (OK_SPECS, anchors(7), options(), "anchors .input 2."),
    (OK_SPECS, anchors(8), options(num_classes=2), "num_classes is 2"),
    (OK_SPECS, anchors(8), options(nms_iou_threshold=0.0), "nms_iou_threshold"),
    (OK_SPECS, anchors(8), options(max_classes_per_detection=0), "max_classes_per_detection"),
    (OK_SPECS, anchors(8), options(use_regular_nms=True, detections_per_class=0),
     "detections_per_class"),
    (OK_SPECS, anchors(8), options(use_regular_nms=True, max_detections=0), "regular NMS"),
    (OK_SPECS, anchors(8), options(max_detections=1 << 16, max_classes_per_detection=1 << 16),
     "output slots"),
    ([((1, 8, 4), U8, dict(scale=0.1)), ((1, 8, 5), F32)], anchors(8), options(),
     "same type"),
])
def test_invalid(inputs, anc, opts, match):
    assert_rejected(OP, inputs, [anc], opts, match=match, output_dtypes=[F32] * 4,
                    output_shapes=[[1, 10, 4], [1, 10], [1, 10], [1]])


def test_missing_options_are_rejected():
    # LiteRT's kernel reads the options unchecked (it crashes on none), so jitlite only.
    model = build_op_model(OP, OK_SPECS, [anchors(8)], {}, output_dtypes=[F32] * 4,
                           output_shapes=[[1, 10, 4], [1, 10], [1, 10], [1]])
    with pytest.raises(RuntimeError, match="no custom options"):
        run_model(jitlite_interpreter(), model, [encodings(8), predictions(8, 5)])


def test_threads():
    # Regular NMS writes every slot in TFLite too, so whole outputs compare.
    check_threads(OP, [((1, 100, 4), F32), ((1, 100, 5), F32)], [anchors(100)],
                  options(use_regular_nms=True, nms_score_threshold=0.0),
                  output_dtypes=[F32] * 4)
