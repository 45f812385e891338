"""STRING tensors against LiteRT (reference kernels): the corpus' string models, a constant
vocabulary looked up by indices the compiled code computes (ARG_MAX -> GATHER), and the Python
API surface (details dtype, set/get round trip, LiteRT's errors for wrong values)."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.model_builder import ModelBuilder

S = np.bytes_


def litert(**kwargs):
    from ai_edge_litert.interpreter import Interpreter as LiteRT, OpResolverType
    return LiteRT(experimental_op_resolver_type=OpResolverType.BUILTIN_REF, **kwargs)


def strings(*items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def run(interpreter, feeds):
    interpreter.allocate_tensors()
    for index, value in feeds.items():
        interpreter.set_tensor(index, value)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def assert_same(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.dtype == e.dtype and a.shape == e.shape, (a, e)
        assert a.tolist() == e.tolist(), (a, e)


def reshape_model(shape=(3,)):
    mb = ModelBuilder()
    x = mb.add_input("x", S, list(shape))
    y = mb.add_tensor("y", S, [int(np.prod(shape))])
    mb.add_op("RESHAPE", [x, mb.add_constant("shape", np.array([-1], np.int32))], [y])
    mb.mark_output(y)
    return mb.build()


# --- corpus models ----------------------------------------------------------------------------

@pytest.mark.parametrize("relative", ["ops/gather_string.tflite", "api/string_input_model.bin",
                                      "api/string_input_model_with_signature.bin"])
def test_corpus_string_models_match_litert(model_file, relative):
    path = str(model_file(relative))
    rng = np.random.default_rng(0)
    for seed in range(2):
        feeds = {}
        for d in litert(model_path=path).get_input_details():
            if d["dtype"] is S:
                feeds[d["index"]] = strings(*[bytes(rng.integers(0, 256, rng.integers(0, 5),
                                                                 dtype=np.uint8))
                                              for _ in range(int(np.prod(d["shape"])))]
                                            ).reshape(d["shape"])
            else:
                feeds[d["index"]] = rng.integers(0, 10, d["shape"]).astype(d["dtype"])
        assert_same(run(Interpreter(model_path=path), feeds), run(litert(model_path=path), feeds))


def test_corpus_string_signature_runner(model_file):
    path = str(model_file("api/string_input_model_with_signature.bin"))
    value = strings(b"x", "\u00e9".encode(), b"").reshape(1, 3)
    out = {}
    for interp in (Interpreter(model_path=path), litert(model_path=path)):
        runner = interp.get_signature_runner()
        key = list(runner.get_input_details())[0]
        result = runner(**{key: value})
        out[type(interp).__module__] = {k: v.tolist() for k, v in result.items()}
    mine, theirs = out.values()
    assert mine == theirs


def test_corpus_add_on_strings_is_refused(model_file):
    """LiteRT allocates, then fails the invoke ('Type STRING is unsupported by op Add');
    jitlite refuses at allocate_tensors, naming the node, op and input."""
    path = str(model_file("api/tensor_string_data_type.bin"))
    interpreter = Interpreter(model_path=path)
    assert interpreter.get_input_details()[0]["dtype"] is S
    with pytest.raises(RuntimeError, match="node 0 ADD: input 0 has type STRING: unsupported "
                                           "by op ADD"):
        interpreter.allocate_tensors()


# --- constants and computed indices -----------------------------------------------------------

def label_lookup_model():
    """ARG_MAX over float scores picks a label of a constant vocabulary (GATHER), and the
    label is compared with a STRING input (EQUAL, a graph output)."""
    mb = ModelBuilder()
    scores = mb.add_input("scores", np.float32, [2, 4])
    wanted = mb.add_input("wanted", S, [2])
    labels = mb.add_constant("labels", strings(b"cat", b"", "\u00e9t\u00e9".encode(), b"a\x00"))
    best = mb.add_tensor("best", np.int32, [2])
    label = mb.add_tensor("label", S, [2])
    same = mb.add_tensor("same", np.bool_, [2])
    mb.add_op("ARG_MAX", [scores, mb.add_constant("axis", np.array(1, np.int32))], [best],
              dict(output_type=np.int32))
    mb.add_op("GATHER", [labels, best], [label])
    mb.add_op("EQUAL", [label, wanted], [same])
    mb.mark_output(label, same)
    return mb.build()


def test_constant_vocabulary_by_computed_indices():
    model = label_lookup_model()
    rng = np.random.default_rng(1)
    for _ in range(3):
        feeds = {0: rng.uniform(-1, 1, (2, 4)).astype(np.float32),
                 1: strings(b"cat", "\u00e9t\u00e9".encode())}
        assert_same(run(Interpreter(model_content=model), feeds),
                    run(litert(model_content=model), feeds))


def test_constant_string_tensor_reads_back():
    model = label_lookup_model()
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()
    labels = next(d["index"] for d in interpreter.get_tensor_details() if d["name"] == "labels")
    assert interpreter.get_tensor(labels).tolist() == [b"cat", b"", "\u00e9t\u00e9".encode(),
                                                       b"a\x00"]


# --- Python API -------------------------------------------------------------------------------

def test_details_report_bytes_dtype():
    interpreter = Interpreter(model_content=label_lookup_model())
    interpreter.allocate_tensors()
    assert interpreter.get_input_details()[1]["dtype"] is S
    assert [d["dtype"] for d in interpreter.get_output_details()] == [S, np.bool_]
    by_name = {d["name"]: d["dtype"] for d in interpreter.get_tensor_details()}
    assert by_name["labels"] is S and by_name["best"] is np.int32


@pytest.mark.parametrize("value", [
    np.array([b"a", b"bb", b""]),
    np.array(["\u00e9", "x", ""]),
    strings(b"\x00\xff", "\u4e2d", b"trailing\x00"),
])
def test_set_get_round_trip_like_litert(value):
    model = reshape_model()
    mine, theirs = Interpreter(model_content=model), litert(model_content=model)
    assert_same(run(mine, {0: value}), run(theirs, {0: value}))
    got = mine.get_tensor(0)
    assert got.dtype == object and got.tolist() == theirs.get_tensor(0).tolist()


def test_set_before_allocate_and_resize():
    model = reshape_model()
    interpreter = Interpreter(model_content=model)
    interpreter.set_tensor(0, np.array([b"q", b"r", b"s"]))  # LiteRT allows it too
    assert interpreter.get_tensor(0).tolist() == [b"q", b"r", b"s"]
    interpreter.resize_tensor_input(0, [5])
    interpreter.allocate_tensors()
    interpreter.set_tensor(0, np.array([b"1", b"22", b"333", b"", b"5"]))
    interpreter.invoke()
    assert interpreter.get_tensor(1).tolist() == [b"1", b"22", b"333", b"", b"5"]
    assert list(interpreter.get_output_details()[0]["shape"]) == [5]


@pytest.mark.parametrize("value, match", [
    (np.array([1, 2, 3], np.int32), "Got value of type INT32 but expected type STRING for input 0"),
    (np.array([b"a", b"b"]), "Dimension mismatch. Got 2 but expected 3 for dimension 0"),
    (np.array([[b"a", b"b", b"c"]]), "Dimension mismatch. Got 2 but expected 1 for input 0"),
    ([b"a", b"b", b"c"], "Passed in value type is not a numpy array, got type list."),
])
def test_wrong_values_raise_like_litert(value, match):
    model = reshape_model()
    for interpreter in (Interpreter(model_content=model), litert(model_content=model)):
        interpreter.allocate_tensors()
        with pytest.raises(ValueError, match=match):
            interpreter.set_tensor(0, value)


def test_no_numeric_view_of_strings():
    interpreter = Interpreter(model_content=reshape_model())
    interpreter.allocate_tensors()
    with pytest.raises(ValueError, match="STRING"):
        interpreter.tensor(0)()


def test_unset_input_reads_as_empty_strings():
    """LiteRT crashes reading an unset STRING input; jitlite gives empty strings."""
    interpreter = Interpreter(model_content=reshape_model())
    interpreter.allocate_tensors()
    interpreter.invoke()
    assert interpreter.get_tensor(0).tolist() == [b""] * 3
    assert interpreter.get_tensor(1).tolist() == [b""] * 3


def test_strings_gathered_by_data_dependent_indices():
    """WHERE's coordinates (a later compiled segment) pick strings; one interpreter per runtime
    across invokes whose output sizes differ (none, some, all)."""
    mb = ModelBuilder()
    mask = mb.add_input("mask", np.bool_, [6])
    words = mb.add_input("words", S, [6])
    where = mb.add_tensor("where", np.int64, [-1, 1])
    flat = mb.add_tensor("flat", np.int64, [-1])
    picked = mb.add_tensor("picked", S, [-1])
    mb.add_op("WHERE", [mask], [where])
    mb.add_op("RESHAPE", [where, mb.add_constant("shape", np.array([-1], np.int32))], [flat])
    mb.add_op("GATHER", [words, flat], [picked])
    mb.mark_output(picked)
    model = mb.build()
    mine, theirs = Interpreter(model_content=model), litert(model_content=model)
    for m in ([1, 0, 1, 1, 0, 0], [0] * 6, [1] * 6):
        feeds = {0: np.array(m, bool),
                 1: strings(b"a", b"", b"c\x00", "\u00e9".encode(), b"e", bytes(m[:2]))}
        assert_same(run(mine, feeds), run(theirs, feeds))
