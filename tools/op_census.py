"""Census: which builtin codes LiteRT's builtin op resolver registers, and which jitlite resolves.

    PYTHONPATH=python python3 tools/op_census.py [--list]

Builds a one-node model per BuiltinOperator code of lib/schema/tflite.fbs (LiteRT: versions 1..12
until one resolves) and asks each runtime to construct it. LiteRT "Didn't find op" and jitlite's
"does not support these ops" mean unregistered; any other error (bad operands) means the op
resolved. CUSTOM, DELEGATE and the placeholder code are left out.
"""

import pathlib
import re
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

import jitlite
from jitlite.testing import model_builder as mb

SCHEMA = pathlib.Path(__file__).resolve().parents[1] / "lib" / "schema" / "tflite.fbs"
NOT_OPS = {"CUSTOM", "DELEGATE", "PLACEHOLDER_FOR_GREATER_OP_CODES"}


def builtin_codes():
    enum = re.search(r"enum BuiltinOperator[^{]*\{(.*?)\}", SCHEMA.read_text(), re.S).group(1)
    codes = {int(m.group(2)): m.group(1) for m in re.finditer(r"(\w+)\s*=\s*(-?\d+)", enum)}
    return {c: n for c, n in sorted(codes.items()) if c >= 0 and n not in NOT_OPS}


def one_node_model(code, version):
    key = f"_CODE_{code}"
    mb._ALL_OPS[key] = (code, 0, [])
    mb.OP_VERSIONS[key] = version
    b = mb.ModelBuilder()
    x = b.add_input("x", np.float32, [2])
    y = b.add_tensor("y", np.float32, [2])
    b.add_op(key, [x], [y])
    b.mark_output(y)
    return bytes(b.build())


def litert_version(code):
    """The first version LiteRT resolves, or None."""
    for version in range(1, 13):
        try:
            Interpreter(model_content=one_node_model(code, version),
                        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        except Exception as error:  # noqa: BLE001 - any other failure means it resolved
            if "Didn't find op" in str(error):
                continue
        return version
    return None


def jitlite_resolves(code, version):
    try:
        jitlite.Interpreter(model_content=one_node_model(code, version))
    except ValueError as error:
        return "does not support these ops" not in str(error)
    except Exception:  # noqa: BLE001
        pass
    return True


def main():
    names = builtin_codes()
    litert = {c: litert_version(c) for c in names}
    ours = {c: jitlite_resolves(c, litert[c] or 1) for c in names}
    theirs = [c for c in names if litert[c]]
    both = [c for c in theirs if ours[c]]
    print(f"LiteRT's builtin resolver registers {len(theirs)} builtin ops; jitlite runs "
          f"{len(both)} of them ({sum(ours.values())} in all)")
    print("LiteRT only:", ", ".join(names[c] for c in theirs if not ours[c]))
    print("jitlite only:", ", ".join(names[c] for c in names if ours[c] and not litert[c]))
    if "--list" in sys.argv:
        for c in names:
            print(c, names[c], "litert" if litert[c] else "-", "jitlite" if ours[c] else "-")


if __name__ == "__main__":
    main()
