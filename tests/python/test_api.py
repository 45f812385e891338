"""jitlite.Interpreter against LiteRT's Interpreter: the same steps on both.

Each test runs one method or one error path of the tf.lite.Interpreter API on
jitlite and on ai_edge_litert (the reference) and compares what comes out:
exception types (and LiteRT's exact wording where the Python layer words it),
detail dicts key by key with value types, and outputs. Models come from
../shared/models; tests skip with a reason where that corpus is absent.

Known, deliberate differences are tested on jitlite alone and say so:
delegates are refused, fused intermediates have no data, and signatures of
subgraphs other than 0 cannot run yet.
"""

import gc
import pathlib
import sys

import numpy as np
import pytest

ADD = "api/add.bin"                      # out = (in + in) + in, [1, 8, 8, 3]
MULTI_ADD = "api/multi_add.bin"          # x = a + b + c, y = a + b + d (4 inputs)
MULTI_SIGNATURES = "api/multi_signatures.bin"  # 'add' on subgraph 0, 'sub' on 1
BROKEN = "api/test_model_broken.bin"
HELLO_WORLD = "micro/hello_world_float.tflite"  # 3 FULLY_CONNECTED, batch -1
STALE_VIEW = "There is at least 1 reference to internal data"


# ---- comparison helpers ------------------------------------------------------

def outcome(step):
    """('ok', value) or ('raise', exception type, message) of one step."""
    try:
        return ("ok", step())
    except Exception as error:  # noqa: BLE001 - the type is what we compare
        return ("raise", type(error), str(error))


def assert_same(actual, expected, where="value"):
    """Deep equality that also compares types: dict keys in order, numpy
    dtypes and shapes, dtype *types* by identity, Python scalar types."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not a dict"
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected), f"{where}: {type(actual)} != {type(expected)}"
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), f"{where}: {actual!r} is not an ndarray"
        assert actual.dtype == expected.dtype, f"{where}: dtype {actual.dtype} != {expected.dtype}"
        assert actual.shape == expected.shape, f"{where}: shape {actual.shape} != {expected.shape}"
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    elif isinstance(expected, type):
        assert actual is expected, f"{where}: {actual} is not {expected}"
    else:
        assert type(actual) is type(expected), f"{where}: {type(actual)} != {type(expected)}"
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def assert_same_error(both_apis, step, exact_message=True):
    """`step(api)` raises the same exception type on both (and the same
    message when the message is LiteRT's Python-level wording)."""
    jl, lr = (outcome(lambda api=api: step(api)) for api in both_apis)
    assert lr[0] == "raise", f"LiteRT did not raise: {lr}"
    assert jl[0] == "raise", f"jitlite did not raise (LiteRT raised {lr[1].__name__}: {lr[2]})"
    assert jl[1] is lr[1], f"jitlite raised {jl[1].__name__}: {jl[2]!r}; LiteRT {lr[1].__name__}: {lr[2]!r}"
    if exact_message:
        assert jl[2] == lr[2]


def rand(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(-2, 2, shape).astype(dtype)


@pytest.fixture
def add_path(model_file):
    return model_file(ADD)


def allocated(api, path, **kwargs):
    interpreter = api.Interpreter(model_path=str(path), **kwargs)
    interpreter.allocate_tensors()
    return interpreter


def run(interpreter, inputs):
    """Sets inputs (by input order), invokes, returns copies of all outputs."""
    for detail, value in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


# ---- package -----------------------------------------------------------------

def test_package_exports():
    import jitlite
    from jitlite import interpreter as module

    assert isinstance(jitlite.__version__, str) and jitlite.__version__
    for name in ("Interpreter", "OpResolverType", "SignatureRunner", "load_delegate",
                 "InterpreterWithCustomOps"):
        assert getattr(jitlite, name) is getattr(module, name)
    assert [m.name for m in jitlite.OpResolverType] == [
        "AUTO", "BUILTIN", "BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"]


# ---- constructor -------------------------------------------------------------

CONSTRUCTOR_ERRORS = {
    "no source": (lambda api, p: {}, True),
    "empty content": (lambda api, p: {"model_content": b""}, True),
    "empty path and content": (lambda api, p: {"model_path": "", "model_content": b""}, True),
    "both sources": (lambda api, p: {"model_path": str(p), "model_content": p.read_bytes()}, True),
    "content not bytes": (lambda api, p: {"model_content": bytearray(p.read_bytes())}, False),
    "path not a path": (lambda api, p: {"model_path": 123}, True),
    "missing file": (lambda api, p: {"model_path": str(p) + ".missing"}, False),
    "garbage content": (lambda api, p: {"model_content": b"garbage!" * 8}, False),
    "num_threads=0": (lambda api, p: {"model_path": str(p), "num_threads": 0}, True),
    "num_threads=-1": (lambda api, p: {"model_path": str(p), "num_threads": -1}, True),
    "num_threads float": (lambda api, p: {"model_path": str(p), "num_threads": 1.0}, True),
    "num_threads numpy": (lambda api, p: {"model_path": str(p), "num_threads": np.int32(2)}, True),
    "num_threads before source": (lambda api, p: {"num_threads": 0}, True),
    "resolver str": (lambda api, p: {"model_path": str(p),
                                     "experimental_op_resolver_type": "test"}, True),
    "resolver int": (lambda api, p: {"model_path": str(p),
                                     "experimental_op_resolver_type": 1}, True),
    "resolver before num_threads": (lambda api, p: {"experimental_op_resolver_type": "test",
                                                    "num_threads": 0}, True),
}


@pytest.mark.parametrize("case", CONSTRUCTOR_ERRORS, ids=list(CONSTRUCTOR_ERRORS))
def test_constructor_errors(both_apis, add_path, case):
    make_kwargs, exact = CONSTRUCTOR_ERRORS[case]
    assert_same_error(both_apis, lambda api: api.Interpreter(**make_kwargs(api, add_path)),
                      exact_message=exact)


def test_broken_model_is_value_error(both_apis, model_file):
    path = model_file(BROKEN)
    assert_same_error(both_apis, lambda api: api.Interpreter(model_path=str(path)),
                      exact_message=False)
    assert_same_error(both_apis, lambda api: api.Interpreter(model_content=path.read_bytes()),
                      exact_message=False)


CONSTRUCTOR_OK = {
    "str path": lambda api, p: {"model_path": str(p)},
    "pathlib path": lambda api, p: {"model_path": p},
    "content": lambda api, p: {"model_content": p.read_bytes()},
    "num_threads=2": lambda api, p: {"model_path": str(p), "num_threads": 2},
    "num_threads=True": lambda api, p: {"model_path": str(p), "num_threads": True},
    "delegates None": lambda api, p: {"model_path": str(p), "experimental_delegates": None},
    "delegates []": lambda api, p: {"model_path": str(p), "experimental_delegates": []},
    "resolver REF": lambda api, p: {"model_path": str(p), "experimental_op_resolver_type":
                                    api.OpResolverType.BUILTIN_REF},
    "resolver no delegates": lambda api, p: {
        "model_path": str(p),
        "experimental_op_resolver_type": api.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES},
    "delegate flags": lambda api, p: {
        "model_path": str(p), "experimental_disable_delegate_clustering": True,
        "experimental_default_delegate_latest_features": True},
}


@pytest.mark.parametrize("case", CONSTRUCTOR_OK, ids=list(CONSTRUCTOR_OK))
def test_constructor_accepts(both_apis, add_path, case):
    x = rand((1, 8, 8, 3))
    results = []
    for api in both_apis:
        interpreter = api.Interpreter(**CONSTRUCTOR_OK[case](api, add_path))
        interpreter.allocate_tensors()
        results.append(run(interpreter, [x]))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][0], 3 * x, rtol=1e-6)


def test_model_content_is_kept(jitlite_api, add_path):
    content = add_path.read_bytes()
    interpreter = jitlite_api.Interpreter(model_content=content)
    assert interpreter._model_content is content


def test_preserve_all_tensors_warns_like_litert(both_apis, add_path):
    for api in both_apis:
        with pytest.warns(UserWarning):
            api.Interpreter(model_path=str(add_path), experimental_preserve_all_tensors=True)


def test_litert_resolver_enum_is_accepted(jitlite_api, litert_api, add_path):
    # A script may keep importing OpResolverType from tf.lite / LiteRT.
    interpreter = jitlite_api.Interpreter(
        model_path=str(add_path),
        experimental_op_resolver_type=litert_api.OpResolverType.BUILTIN_REF)
    assert interpreter._op_resolver_type is jitlite_api.OpResolverType.BUILTIN_REF


def test_delegates_are_refused_clearly(jitlite_api, add_path):
    with pytest.raises(ValueError, match="delegates"):
        jitlite_api.Interpreter(model_path=str(add_path), experimental_delegates=[object()])
    # LiteRT's failure for a delegate that cannot be created is a ValueError
    # starting like this; scripts catch it to fall back to the CPU.
    with pytest.raises(ValueError, match="^Failed to load delegate from libedgetpu.so.1"):
        jitlite_api.load_delegate("libedgetpu.so.1")


# ---- detail dicts ------------------------------------------------------------

DETAIL_MODELS = [ADD, MULTI_ADD, MULTI_SIGNATURES, HELLO_WORLD,
                 "api/no_signatures_no_tensor_names.bin", "api/add_quantized_int8.bin",
                 "micro/hello_world_int8.tflite",
                 "api/pc_conv.bin"]  # per-channel quantization details


def structure(interpreter):
    """Everything an unallocated interpreter tells about its model."""
    subgraphs = interpreter.num_subgraphs()
    return {
        "num_subgraphs": subgraphs,
        "inputs": interpreter.get_input_details(),
        "outputs": interpreter.get_output_details(),
        "tensors": [interpreter.get_tensor_details(s) for s in range(subgraphs)],
        "one_tensor": [interpreter._get_tensor_details(d["index"], 0)
                       for d in interpreter.get_tensor_details()],
        # LiteRT replaces nodes by DELEGATE nodes at allocation: compare before.
        "ops": interpreter._get_ops_details(),
        "signatures": interpreter.get_signature_list(),
        "full_signatures": interpreter._get_full_signature_list(),
    }


@pytest.mark.parametrize("model", DETAIL_MODELS)
def test_details_match(both_apis, model_file, model):
    path = model_file(model)
    jl, lr = (structure(api.Interpreter(model_path=str(path))) for api in both_apis)
    assert_same(jl, lr)


def test_signature_runner_details_match(both_apis, model_file):
    path = model_file(MULTI_SIGNATURES)
    for key in ("add", "sub"):
        jl, lr = (api.Interpreter(model_path=str(path)).get_signature_runner(key)
                  for api in both_apis)
        assert_same(jl.get_input_details(), lr.get_input_details())
        assert_same(jl.get_output_details(), lr.get_output_details())


DETAIL_ERRORS = {
    "get_tensor_details subgraph 3": lambda i: i.get_tensor_details(3),
    "get_tensor_details subgraph -1": lambda i: i.get_tensor_details(-1),
    "_get_tensor_details index 5": lambda i: i._get_tensor_details(5, 0),
    "_get_tensor_details index -1": lambda i: i._get_tensor_details(-1, 0),
    "_get_op_details 5": lambda i: i._get_op_details(5),
    "_get_op_details -1": lambda i: i._get_op_details(-1),
}


@pytest.mark.parametrize("case", DETAIL_ERRORS, ids=list(DETAIL_ERRORS))
def test_detail_errors(both_apis, add_path, case):
    assert_same_error(both_apis,
                      lambda api: DETAIL_ERRORS[case](api.Interpreter(model_path=str(add_path))))


def test_tensor_details_of_bad_subgraph_is_value_error(jitlite_api, add_path):
    # LiteRT crashes (segfault) here; jitlite raises.
    interpreter = jitlite_api.Interpreter(model_path=str(add_path))
    with pytest.raises(ValueError, match="Invalid subgraph index 3"):
        interpreter._get_tensor_details(0, 3)


# ---- running -----------------------------------------------------------------

def test_add_outputs_match(both_apis, add_path):
    x = rand((1, 8, 8, 3), seed=1)
    jl, lr = (run(allocated(api, add_path), [x]) for api in both_apis)
    assert_same([o.dtype for o in jl], [o.dtype for o in lr])
    np.testing.assert_allclose(jl[0], lr[0], rtol=1e-6)
    np.testing.assert_allclose(jl[0], 3 * x, rtol=1e-6)


def test_multi_add_outputs_match(both_apis, model_file):
    path = model_file(MULTI_ADD)
    inputs = [rand((1, 8, 8, 3), seed=s) for s in range(4)]
    jl, lr = (run(allocated(api, path), inputs) for api in both_apis)
    for a, b in zip(jl, lr):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_hello_world_outputs_match(both_apis, model_file):
    path = model_file(HELLO_WORLD)
    for x in (0.0, 0.5, 1.5, 3.0, 5.5):
        value = np.array([[x]], np.float32)
        jl, lr = (run(allocated(api, path), [value]) for api in both_apis)
        np.testing.assert_allclose(jl[0], lr[0], rtol=1e-5, atol=1e-6)


def test_get_tensor_is_a_copy(jitlite_api, add_path):
    interpreter = allocated(jitlite_api, add_path)
    run(interpreter, [np.ones((1, 8, 8, 3), np.float32)])
    out = interpreter.get_tensor(2)
    out[...] = 7
    assert np.all(interpreter.get_tensor(2) == 3)


def test_num_threads_gives_same_result(jitlite_api, add_path):
    x = rand((1, 8, 8, 3), seed=2)
    one, two = (run(allocated(jitlite_api, add_path, num_threads=n), [x]) for n in (1, 2))
    np.testing.assert_array_equal(one[0], two[0])


def test_invoke_before_allocate(both_apis, add_path):
    assert_same_error(both_apis, lambda api: api.Interpreter(model_path=str(add_path)).invoke())


def test_invoke_after_resize_needs_allocate(both_apis, add_path):
    def step(api):
        interpreter = allocated(api, add_path)
        interpreter.resize_tensor_input(1, [2, 8, 8, 3])
        interpreter.invoke()
    assert_same_error(both_apis, step)


def test_reset_all_variables_without_variables(both_apis, add_path):
    for api in both_apis:
        interpreter = api.Interpreter(model_path=str(add_path))
        interpreter.reset_all_variables()
        interpreter.allocate_tensors()
        interpreter.reset_all_variables()


# ---- set_tensor / get_tensor -------------------------------------------------

GOOD = np.zeros((1, 8, 8, 3), np.float32)
SET_TENSOR_ERRORS = {
    "index too big": (5, GOOD),
    "index negative": (-1, GOOD),
    "float64": (1, GOOD.astype(np.float64)),
    "python ints": (1, [[1]]),
    "python floats": (1, [[[[1.0] * 3] * 8] * 8]),
    "str": (1, "abc"),
    "object": (1, object()),
    "ragged": (1, [[1], [1, 2]]),
    "bool": (1, GOOD.astype(bool)),
    "rank": (1, np.zeros((1, 8, 8), np.float32)),
    "dimension": (1, np.zeros((1, 8, 7, 3), np.float32)),
    "scalar": (1, np.float32(1)),
}


@pytest.mark.parametrize("case", SET_TENSOR_ERRORS, ids=list(SET_TENSOR_ERRORS))
def test_set_tensor_errors(both_apis, add_path, case):
    index, value = SET_TENSOR_ERRORS[case]
    assert_same_error(both_apis, lambda api: allocated(api, add_path).set_tensor(index, value))


def test_set_tensor_before_allocate(both_apis, add_path):
    assert_same_error(both_apis,
                      lambda api: api.Interpreter(model_path=str(add_path)).set_tensor(1, GOOD))


def test_set_tensor_accepts_non_contiguous(both_apis, add_path):
    wide = rand((1, 8, 8, 6), seed=3)
    value = wide[..., ::2]
    assert not value.flags.c_contiguous
    jl, lr = (run(allocated(api, add_path), [value]) for api in both_apis)
    np.testing.assert_allclose(jl[0], lr[0], rtol=1e-6)


GET_TENSOR_ERRORS = {
    "index too big": lambda i: i.get_tensor(5),
    "index negative": lambda i: i.get_tensor(-1),
    "subgraph too big": lambda i: i.get_tensor(0, 1),
    "subgraph negative": lambda i: i.get_tensor(0, -1),
    "float index": lambda i: i.get_tensor(1.5),
    "view index too big": lambda i: i.tensor(7)(),
}


@pytest.mark.parametrize("case", GET_TENSOR_ERRORS, ids=list(GET_TENSOR_ERRORS))
def test_get_tensor_errors(both_apis, add_path, case):
    # TypeError texts are pybind11's own and name the wrapper classes.
    exact = case != "float index"
    assert_same_error(both_apis, lambda api: GET_TENSOR_ERRORS[case](allocated(api, add_path)),
                      exact_message=exact)


def test_get_tensor_before_allocate(both_apis, add_path):
    for index in (1, 2):
        assert_same_error(
            both_apis, lambda api: api.Interpreter(model_path=str(add_path)).get_tensor(index))


def test_tensor_call_is_validated_lazily(both_apis, add_path):
    for api in both_apis:
        view = api.Interpreter(model_path=str(add_path)).tensor(7)  # no error yet
        with pytest.raises(ValueError):
            view()


# ---- fused intermediates -----------------------------------------------------

def test_fused_intermediate_says_why(jitlite_api, add_path):
    interpreter = allocated(jitlite_api, add_path)
    kernels = interpreter.get_jit_details()["kernels"]
    if not any({0, 1} <= set(k["op_indices"]) for k in kernels):
        pytest.skip("the JIT did not fuse the two ADDs of add.bin")
    with pytest.raises(ValueError, match="fused.*experimental_preserve_all_tensors=True"):
        interpreter.get_tensor(0)  # the first ADD's output
    with pytest.raises(ValueError, match="fused"):
        interpreter.set_tensor(0, GOOD)


def test_preserve_all_tensors_keeps_intermediates(both_apis, add_path):
    x = rand((1, 8, 8, 3), seed=4)
    results = []
    for api in both_apis:
        # LiteRT keeps intermediates only without its default XNNPACK delegate.
        interpreter = allocated(
            api, add_path, experimental_preserve_all_tensors=True,
            experimental_op_resolver_type=api.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        run(interpreter, [x])
        results.append(interpreter.get_tensor(0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
    np.testing.assert_allclose(results[0], 2 * x, rtol=1e-6)


# ---- tensor() views and the stale-reference guard ---------------------------

GUARDED = {
    "allocate_tensors": lambda i: i.allocate_tensors(),
    "invoke": lambda i: i.invoke(),
    "resize_tensor_input": lambda i: i.resize_tensor_input(1, [1, 8, 8, 3]),
}


@pytest.mark.parametrize("method", GUARDED, ids=list(GUARDED))
def test_held_view_blocks(both_apis, add_path, method):
    for api in both_apis:
        interpreter = allocated(api, add_path)
        view = interpreter.tensor(1)()
        assert view.base is interpreter._interpreter
        with pytest.raises(RuntimeError, match=STALE_VIEW):
            GUARDED[method](interpreter)
        part = view[0, :2]  # a slice keeps the buffer alive too
        del view
        with pytest.raises(RuntimeError, match=STALE_VIEW):
            GUARDED[method](interpreter)
        del part
        GUARDED[method](interpreter)


def test_stale_view_message_matches(both_apis, add_path):
    def step(api):
        interpreter = allocated(api, add_path)
        view = interpreter.tensor(1)()  # noqa: F841 - held on purpose
        interpreter.invoke()
    assert_same_error(both_apis, step)


def test_view_rules(both_apis, add_path):
    for api in both_apis:
        interpreter = allocated(api, add_path)
        # Outside the asserts: pytest's rewriting would hold a reference itself.
        baseline = sys.getrefcount(interpreter._interpreter)
        input_view, output_view = interpreter.tensor(1), interpreter.tensor(2)
        references = sys.getrefcount(interpreter._interpreter)
        assert references == baseline  # the callables hold nothing
        input_view()[...] = 2.0  # writes go straight into the input buffer
        assert np.all(interpreter.get_tensor(1) == 2.0)
        interpreter.invoke()
        np.testing.assert_array_equal(output_view(), np.full((1, 8, 8, 3), 6.0, np.float32))
        view = input_view()
        interpreter.set_tensor(1, GOOD)  # neither set nor get is guarded
        assert np.all(view == 0) and interpreter.get_tensor(2).shape == (1, 8, 8, 3)
        assert view.flags.writeable and not view.flags.owndata
        del view
        interpreter.invoke()


# ---- resize_tensor_input -----------------------------------------------------

def test_resize_round_trip_uses_the_shape_cache(both_apis, add_path):
    jl_interp, lr_interp = (allocated(api, add_path) for api in both_apis)
    stats = []
    for step, batch in enumerate((1, 4, 1, 4)):
        x = rand((batch, 8, 8, 3), seed=step)
        outputs = []
        for interpreter in (jl_interp, lr_interp):
            interpreter.resize_tensor_input(1, [batch, 8, 8, 3])
            interpreter.allocate_tensors()
            outputs.append(run(interpreter, [x])[0])
        assert outputs[0].shape == (batch, 8, 8, 3)
        np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-6)
        np.testing.assert_allclose(outputs[0], 3 * x, rtol=1e-6)
        stats.append(jl_interp.get_jit_details())
    compilations = [s["compilations"] for s in stats]
    hits = [s["cache_hits"] for s in stats]
    assert compilations == [1, 2, 2, 2], compilations  # revisits compile nothing
    assert hits[2] == hits[1] + 1 and hits[3] == hits[2] + 1, hits


def test_resize_with_dynamic_batch(both_apis, model_file):
    path = model_file(HELLO_WORLD)
    x = np.linspace(0, 6, 4, dtype=np.float32).reshape(4, 1)
    results = []
    for api in both_apis:
        interpreter = allocated(api, path)
        interpreter.resize_tensor_input(0, [4, 1], strict=True)
        interpreter.allocate_tensors()
        results.append(run(interpreter, [x])[0])
    assert results[0].shape == (4, 1)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


def resized_details(api, path, index, shape):
    """Input details right after a resize, then input and output details
    after the allocation."""
    interpreter = allocated(api, path)
    interpreter.resize_tensor_input(index, shape)
    before = interpreter.get_input_details()
    interpreter.allocate_tensors()
    return before, interpreter.get_input_details(), interpreter.get_output_details()


def test_details_follow_resize(both_apis, model_file):
    path = model_file(HELLO_WORLD)  # has a shape signature: [-1, 1]
    jl, lr = (resized_details(api, path, 0, [4, 1]) for api in both_apis)
    assert_same(jl, lr)


def test_details_follow_resize_without_signature(both_apis, add_path):
    jl, lr = (resized_details(api, add_path, 1, [2, 8, 8, 3]) for api in both_apis)
    assert_same(jl, lr)


RESIZE_ERRORS = {
    "2-D shape": (ADD, lambda i: i.resize_tensor_input(1, [[1, 8], [8, 3]]), True),
    "scalar shape": (ADD, lambda i: i.resize_tensor_input(1, 5), True),
    "strict fixed dim": (ADD, lambda i: i.resize_tensor_input(1, [2, 8, 8, 3], strict=True), True),
    "strict rank": (ADD, lambda i: i.resize_tensor_input(1, [1, 2], strict=True), False),
    "bad index": (ADD, lambda i: i.resize_tensor_input(7, [1, 8, 8, 3]), False),
    "negative index": (ADD, lambda i: i.resize_tensor_input(-1, [1, 8, 8, 3]), False),
    "constant": (HELLO_WORLD, lambda i: i.resize_tensor_input(1, [3]), True),
}


@pytest.mark.parametrize("case", RESIZE_ERRORS, ids=list(RESIZE_ERRORS))
def test_resize_errors(both_apis, model_file, case):
    model, step, exact = RESIZE_ERRORS[case]
    path = model_file(model)
    assert_same_error(both_apis, lambda api: step(api.Interpreter(model_path=str(path))),
                      exact_message=exact)


def test_resized_input_has_no_data_until_allocate(both_apis, add_path):
    def step(api):
        interpreter = allocated(api, add_path)
        interpreter.resize_tensor_input(1, [2, 8, 8, 3])
        return interpreter.get_tensor(1)
    assert_same_error(both_apis, step)


# ---- signatures --------------------------------------------------------------

def test_single_signature_runner(both_apis, model_file):
    path = model_file(MULTI_ADD)
    inputs = {name: rand((1, 8, 8, 3), seed=i) for i, name in enumerate("abcd")}
    results = []
    for api in both_apis:
        runner = api.Interpreter(model_path=str(path)).get_signature_runner()
        results.append(runner(**inputs))
    assert list(results[0]) == list(results[1]) == ["x", "y"]
    for name in ("x", "y"):
        np.testing.assert_allclose(results[0][name], results[1][name], rtol=1e-6)


def test_signature_runner_resizes_inputs(both_apis, model_file):
    path = model_file(MULTI_SIGNATURES)
    for value in (np.array([1.0, 2.0], np.float32), np.array([[1.0, 2.0, 3.0]], np.float32)):
        jl, lr = (api.Interpreter(model_path=str(path)).get_signature_runner("add")(x=value)
                  for api in both_apis)
        assert_same(jl, lr)


SIGNATURE_ERRORS = {
    "key None with 2 signatures": lambda api, i: i.get_signature_runner(),
    "unknown key": lambda api, i: i.get_signature_runner("zz"),
    "no interpreter": lambda api, i: api.SignatureRunner(None, "add"),
    "no key": lambda api, i: api.SignatureRunner(i, None),
    "too few inputs": lambda api, i: i.get_signature_runner("add")(),
    "bad input name": lambda api, i: i.get_signature_runner("add")(z=np.ones(1, np.float32)),
    "wrong dtype": lambda api, i: i.get_signature_runner("add")(x=np.ones(1, np.float64)),
    "list input": lambda api, i: i.get_signature_runner("add")(x=[1.0]),
}


@pytest.mark.parametrize("case", SIGNATURE_ERRORS, ids=list(SIGNATURE_ERRORS))
def test_signature_errors(both_apis, model_file, case):
    path = model_file(MULTI_SIGNATURES)
    assert_same_error(
        both_apis, lambda api: SIGNATURE_ERRORS[case](api, api.Interpreter(model_path=str(path))))


def test_live_signature_runner_blocks_invoke(both_apis, add_path):
    for api in both_apis:
        interpreter = allocated(api, add_path)
        runner = interpreter.get_signature_runner()
        with pytest.raises(RuntimeError, match=STALE_VIEW):
            interpreter.invoke()
        del runner
        gc.collect()
        interpreter.invoke()


def test_signature_of_other_subgraph_is_a_clear_error(jitlite_api, model_file):
    interpreter = jitlite_api.Interpreter(model_path=str(model_file(MULTI_SIGNATURES)))
    runner = interpreter.get_signature_runner("sub")
    with pytest.raises(RuntimeError, match="subgraph 1"):
        runner(x=np.ones(2, np.float32))


# ---- jitlite's own: get_jit_details -----------------------------------------

def test_jit_details(jitlite_api, add_path):
    interpreter = jitlite_api.Interpreter(model_path=str(add_path))
    before = interpreter.get_jit_details()
    assert before["compilations"] == 0 and before["cache_hits"] == 0
    interpreter.allocate_tensors()
    details = interpreter.get_jit_details()
    assert isinstance(details["target_cpu"], str) and details["target_cpu"]
    assert details["compilations"] == 1 and details["cache_hits"] == 0
    assert isinstance(details["compile_time_ms"], float) and details["compile_time_ms"] > 0
    kernels = details["kernels"]
    assert kernels and all(set(k) >= {"symbol", "op_indices", "note"} for k in kernels)
    covered = sorted(i for k in kernels for i in k["op_indices"])
    assert covered == [0, 1]  # every op of the model runs in exactly one kernel
    interpreter.allocate_tensors()  # nothing changed: neither a compile nor a lookup
    assert interpreter.get_jit_details()["compilations"] == 1


def test_jit_details_count_conv_flops():
    from jitlite import Interpreter
    from jitlite.testing import ModelBuilder

    mb = ModelBuilder(description="flops")
    x = mb.add_input("x", np.float32, [1, 8, 8, 4])
    w = mb.add_constant("w", np.ones((6, 3, 3, 4), np.float32))
    conv = mb.add_tensor("conv", np.float32, [1, 4, 4, 6])
    mb.add_op("CONV_2D", [x, w, mb.add_constant("b", np.zeros(6, np.float32))], [conv],
              dict(padding="SAME", stride_w=2, stride_h=2))
    dw = mb.add_constant("dw", np.ones((1, 3, 3, 6), np.float32))
    out = mb.add_tensor("out", np.float32, [1, 4, 4, 6])
    mb.add_op("DEPTHWISE_CONV_2D", [conv, dw, mb.add_constant("db", np.zeros(6, np.float32))],
              [out], dict(padding="SAME", stride_w=1, stride_h=1, depth_multiplier=1))
    mb.mark_output(out)
    interpreter = Interpreter(model_content=mb.build())
    interpreter.allocate_tensors()
    flops = sum(k["flops"] for k in interpreter.get_jit_details()["kernels"])
    # Output elements x window size, padded taps included (the usual convention).
    assert flops == 2 * (4 * 4 * 6 * (3 * 3 * 4) + 4 * 4 * 6 * (3 * 3))


def test_jit_details_count_flops(jitlite_api, model_file):
    # hello_world is FC 1->16, 16->16, 16->1: 16 + 256 + 16 multiply-adds per
    # row, two FLOPs each; the count follows the batch after a resize.
    interpreter = jitlite_api.Interpreter(model_path=str(model_file(HELLO_WORLD)))
    interpreter.allocate_tensors()
    kernels = interpreter.get_jit_details()["kernels"]
    assert all(isinstance(k["flops"], int) and k["flops"] >= 0 for k in kernels)
    assert sum(k["flops"] for k in kernels) == 2 * (16 + 256 + 16)
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [4, 1])
    interpreter.allocate_tensors()
    kernels = interpreter.get_jit_details()["kernels"]
    assert sum(k["flops"] for k in kernels) == 4 * 2 * (16 + 256 + 16)
