"""Loads the native extension, jitlite._jitlite, with its own libraries bound first.

The extension links the shared libLLVM. Other packages in the same process may carry a
different LLVM of their own and export its symbols (TensorFlow's libtensorflow_framework
does); loaded first, their definitions would win symbol lookup, and our JIT would run
TensorFlow's LLVM code on our LLVM's objects (a crash). RTLD_DEEPBIND makes the extension
and the libraries it brings resolve symbols in their own dependency tree first.
"""
import os
import sys


def _load():
    flags = sys.getdlopenflags()
    sys.setdlopenflags(flags | getattr(os, "RTLD_DEEPBIND", 0))
    try:
        from jitlite import _jitlite
    finally:
        sys.setdlopenflags(flags)
    return _jitlite


module = _load()
