"""jitlite: a TensorFlow Lite compatible inference engine that JIT-compiles
each model with LLVM.

    import jitlite
    interpreter = jitlite.Interpreter(model_path="model.tflite")

`jitlite.Interpreter` is a drop-in replacement for `tf.lite.Interpreter`
(see jitlite.interpreter); `get_jit_details()` tells what the compiler did.
"""

__all__ = [
    "Interpreter",
    "InterpreterWithCustomOps",
    "OpResolverType",
    "SignatureRunner",
    "load_delegate",
    "__version__",
]


def __getattr__(name):
    # Imported on first use, so that `jitlite.testing` (pure Python) works
    # even where the native module has not been built.
    if name == "__version__":
        from jitlite._native import module as _jitlite
        return _jitlite.__version__
    if name in __all__:
        from jitlite import interpreter
        return getattr(interpreter, name)
    raise AttributeError(f"module 'jitlite' has no attribute {name!r}")
