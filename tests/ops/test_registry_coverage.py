"""Meta-test: every op file ops/<name>.cc (the registry is generated from these names; helpers
in ops/util are not ops) has its per-op test file tests/ops/test_<name>.py."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OP_NAMES = sorted(p.stem for p in (ROOT / "ops").glob("*.cc"))


def test_ops_directory_is_found():
    assert "add" in OP_NAMES and "conv_2d" in OP_NAMES


@pytest.mark.parametrize("name", OP_NAMES)
def test_op_has_a_test_file(name):
    path = ROOT / "tests" / "ops" / f"test_{name}.py"
    assert path.is_file(), f"ops/{name}.cc has no test file {path.relative_to(ROOT)}"
