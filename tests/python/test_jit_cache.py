"""The compiled-code caches: the per-interpreter shape cache is covered in
test_api.py; this is the on-disk object cache shared by processes
($JITLITE_CACHE_DIR, default ~/.cache/jitlite/objects)."""
import numpy as np
import pytest

from jitlite.testing import random_inputs, run_model


@pytest.fixture
def add_model(model_file):
    return model_file("api/add.bin").read_bytes()


def _run(model):
    from jitlite import Interpreter

    interpreter = Interpreter(model_content=model)
    inputs = random_inputs(model, seed=3)
    interpreter.allocate_tensors()
    for detail, value in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    return output, interpreter.get_jit_details()


def test_second_interpreter_loads_the_cached_object(tmp_path, monkeypatch, add_model):
    monkeypatch.setenv("JITLITE_CACHE_DIR", str(tmp_path))
    first, first_jit = _run(add_model)
    assert first_jit["disk_cache_hits"] == 0
    entries = sorted(tmp_path.glob("*.o"))  # one per kernel, one for the entry function
    assert len(entries) == first_jit["unique_kernels"] + 1
    second, second_jit = _run(add_model)
    assert second_jit["disk_cache_hits"] == 1
    assert sorted(tmp_path.glob("*.o")) == entries
    assert second_jit["last_compile_phases_ms"]["optimize"] == 0.0  # LLVM did not run
    np.testing.assert_array_equal(first, second)
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    expected = run_model(LiteRT, add_model, random_inputs(add_model, seed=3))[0]
    np.testing.assert_allclose(second, expected, rtol=1e-6)


def test_damaged_entry_is_recompiled(tmp_path, monkeypatch, add_model):
    monkeypatch.setenv("JITLITE_CACHE_DIR", str(tmp_path))
    good, _ = _run(add_model)
    entry = sorted(tmp_path.glob("*.o"))[0]
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte anywhere in the object
    entry.write_bytes(bytes(data))
    again, jit = _run(add_model)
    assert jit["disk_cache_hits"] == 0
    np.testing.assert_array_equal(good, again)
    _, jit = _run(add_model)  # the recompiled entry replaced the damaged one
    assert jit["disk_cache_hits"] == 1


def test_cache_can_be_turned_off(tmp_path, monkeypatch, add_model):
    monkeypatch.setenv("JITLITE_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    _, jit = _run(add_model)
    _, jit = _run(add_model)
    assert jit["disk_cache_hits"] == 0
    assert not any(tmp_path.rglob("*.o"))


def test_different_shapes_are_different_entries(tmp_path, monkeypatch, add_model):
    from jitlite import Interpreter

    monkeypatch.setenv("JITLITE_CACHE_DIR", str(tmp_path))
    interpreter = Interpreter(model_content=add_model)
    interpreter.allocate_tensors()
    index = interpreter.get_input_details()[0]["index"]
    before = set(tmp_path.glob("*.o"))
    interpreter.resize_tensor_input(index, [2, 8, 8, 3])
    interpreter.allocate_tensors()
    assert interpreter.get_jit_details()["disk_cache_hits"] == 0
    assert len(set(tmp_path.glob("*.o")) - before) >= 1
