"""jitlite's drop-in replacement for `tf.lite.Interpreter`.

`Interpreter` mirrors the Python API of `ai_edge_litert.interpreter.Interpreter`
(and so `tf.lite.Interpreter` / `tflite_runtime`): the same constructor
arguments, methods, detail dicts, dtypes, exception types and numpy-view rules,
as written down in the project's api-spec. The native work happens in
`jitlite._jitlite`; this module holds the argument checks, LiteRT's exact
messages and the guard that keeps `tensor()` views from dangling.

jitlite compiles the whole model itself, so there are no delegates, and
intermediate tensors that the compiler fused into one kernel have no buffer
unless the interpreter is created with `experimental_preserve_all_tensors=True`.
"""

import enum
import os
import sys
import warnings

import numpy as np

from jitlite._native import module as _jitlite

__all__ = [
    "Interpreter",
    "InterpreterWithCustomOps",
    "OpResolverType",
    "SignatureRunner",
    "load_delegate",
]


class OpResolverType(enum.Enum):
    """Kernel set choice of TFLite. jitlite generates its own kernels for all
    of them; the value is validated and kept for compatibility only."""

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


_STALE_VIEW_MESSAGE = """There is at least 1 reference to internal data
      in the interpreter in the form of a numpy array or slice. Be sure to
      only hold the function returned from tensor() if you are using raw
      data access."""

_NOT_READY_MESSAGE = "Invoke called on model that is not ready."

# TFLite's names for the numpy dtypes a caller may pass to set_tensor; used
# only to word the dtype-mismatch error like LiteRT does.
_NUMPY_TYPE_NAMES = {
    np.dtype(np.float32): "FLOAT32",
    np.dtype(np.float16): "FLOAT16",
    np.dtype(np.float64): "FLOAT64",
    np.dtype(np.int8): "INT8",
    np.dtype(np.int16): "INT16",
    np.dtype(np.int32): "INT32",
    np.dtype(np.int64): "INT64",
    np.dtype(np.uint8): "UINT8",
    np.dtype(np.uint16): "UINT16",
    np.dtype(np.uint32): "UINT32",
    np.dtype(np.uint64): "UINT64",
    np.dtype(np.bool_): "BOOL",
    np.dtype(np.complex64): "COMPLEX64",
    np.dtype(np.complex128): "COMPLEX128",
}

# Narrow TFLite types stored one element per byte: the numpy dtypes set_tensor
# accepts for them and the value range a stored element must fit.
_NARROW_TYPES = {
    "INT4": ((np.int8,), (-8, 7)),
    "INT2": ((np.int8,), (-2, 1)),
    "UINT4": ((np.uint8,), (0, 15)),
    "FLOAT8_E4M3FN": ((np.int8, np.uint8), None),
    "FLOAT8_E5M2": ((np.int8, np.uint8), None),
}


def load_delegate(library, options=None):
    """TFLite loads a delegate plugin here. jitlite compiles the whole model
    itself and takes no delegates, so this always fails with the ValueError
    LiteRT raises for a delegate that cannot be created (scripts that fall
    back to the CPU on that error keep working)."""
    del options
    raise ValueError(
        f"Failed to load delegate from {library}\n"
        "jitlite does not support TFLite delegates: it compiles the whole "
        "model for the CPU itself. Create the Interpreter without "
        "experimental_delegates.")


def _numpy_type_name(dtype):
    if dtype in _NUMPY_TYPE_NAMES:
        return _NUMPY_TYPE_NAMES[dtype]
    # numpy's unicode/bytes/object arrays are what TFLite calls STRING.
    if dtype.kind in "OSU":
        return "STRING"
    return "NOTYPE"


def _resolver_type(value):
    """Accepts our OpResolverType, or a same-named member of TFLite's own enum
    (a script may still import OpResolverType from tf.lite)."""
    if isinstance(value, OpResolverType):
        return value
    if (isinstance(value, enum.Enum) and type(value).__name__ == "OpResolverType"
            and value.name in OpResolverType.__members__):
        return OpResolverType[value.name]
    raise ValueError(f"Unrecognized passed in op resolver type: {value}")


def _check_num_threads(num_threads):
    if num_threads is None:
        return 1
    if not isinstance(num_threads, int):
        raise ValueError("type of num_threads should be int")
    if num_threads < 1:
        raise ValueError("num_threads should >= 1")
    return num_threads


def _strings_array(items, shape):
    """An object array of bytes, which is what LiteRT's get_tensor returns for
    STRING tensors."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out.reshape(shape)


def _string_bytes(value):
    """One element of a STRING value: bytes as they are, str as UTF-8 (as
    LiteRT encodes it)."""
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise ValueError(f"Cannot set tensor: STRING elements must be bytes or str, "
                     f"got {type(value).__name__}")


def _format_sparsity(sparsity):
    if sparsity is None:
        return {}
    dims = []
    for dim in sparsity["dim_metadata"]:
        if dim["format"] == 0:
            dims.append({"format": 0, "dense_size": dim["dense_size"]})
        else:
            dims.append({"format": dim["format"],
                         "array_segments": dim["array_segments"],
                         "array_indices": dim["array_indices"]})
    out = {"traversal_order": sparsity["traversal_order"]}
    if len(sparsity["block_map"]):
        out["block_map"] = sparsity["block_map"]
    out["dim_metadata"] = dims
    return out


def _format_tensor_details(raw):
    """LiteRT's tensor detail dict, from the binding's raw tensor facts."""
    scales = raw["scales"].astype(np.float32)
    zero_points = raw["zero_points"].astype(np.int32)
    # The legacy (scale, zero_point) pair only describes per-tensor quantization.
    if len(scales) == 1:
        zero_point = int(zero_points[0]) if len(zero_points) else 0
        quantization = (float(scales[0]), zero_point)
    else:
        quantization = (0.0, 0)
    return {
        "name": raw["name"],
        "index": raw["index"],
        "shape": raw["shape"].astype(np.int32),
        "shape_signature": raw["shape_signature"].astype(np.int32),
        "dtype": raw["dtype"],
        "quantization": quantization,
        "quantization_parameters": {
            "scales": scales,
            "zero_points": zero_points,
            "quantized_dimension": raw["quantized_dimension"],
            "block_size": raw["block_size"],
        },
        "sparsity_parameters": _format_sparsity(raw["sparsity"]),
    }


class Interpreter:
    """Runs a TFLite model, with the API of `tf.lite.Interpreter`.

    jitlite compiles the model at `allocate_tensors()` for the current input
    shapes (shapes seen before come from a cache) and runs it in one native
    call at `invoke()`.
    """

    def __init__(self,
                 model_path=None,
                 model_content=None,
                 experimental_delegates=None,
                 num_threads=None,
                 experimental_op_resolver_type=OpResolverType.AUTO,
                 experimental_preserve_all_tensors=False,
                 experimental_disable_delegate_clustering=False,
                 experimental_default_delegate_latest_features=False,
                 experimental_compress_quantization_zero_points=False,
                 experimental_disable_delegate_node_fusion=False,
                 experimental_force_delegate_node_profiling=False,
                 experimental_target_cpu=None):
        # The delegate-tuning flags have nothing to tune in jitlite.
        del experimental_disable_delegate_clustering
        del experimental_default_delegate_latest_features
        del experimental_disable_delegate_node_fusion
        del experimental_force_delegate_node_profiling
        self._compress_quantization_zero_points = bool(
            experimental_compress_quantization_zero_points)

        # Same checks in the same order as LiteRT, so the same bad call
        # fails with the same exception.
        self._preserve_all_tensors = bool(experimental_preserve_all_tensors)
        if self._preserve_all_tensors and experimental_op_resolver_type in (
                OpResolverType.AUTO, OpResolverType.BUILTIN):
            warnings.warn(
                "experimental_preserve_all_tensors=True keeps every "
                "intermediate tensor in memory and disables kernel fusion: "
                "use it for debugging only.")
        self._op_resolver_type = _resolver_type(experimental_op_resolver_type)

        options = _jitlite.InterpreterOptions()
        options.num_threads = _check_num_threads(num_threads)
        options.preserve_all_tensors = self._preserve_all_tensors
        # jitlite only: generate code for another CPU than the host, e.g.
        # "x86-64-v3" (AVX2, no AVX-512); also from $JITLITE_TARGET_CPU.
        options.target_cpu = (experimental_target_cpu
                              or os.environ.get("JITLITE_TARGET_CPU", ""))
        self._interpreter = self._load(model_path, model_content, options)
        self._native_invoke = _jitlite.fast_invoke(self._interpreter, _STALE_VIEW_MESSAGE)

        if experimental_delegates:
            raise ValueError(
                "jitlite does not support TFLite delegates "
                f"(got experimental_delegates={experimental_delegates!r}): it "
                "compiles the whole model for the CPU itself. Pass None or [].")
        self._delegates = []
        self._signature_defs = self.get_signature_list()

    def _load(self, model_path, model_content, options):
        """Builds the native interpreter from a file or from bytes; build
        failures are ValueErrors, as in LiteRT."""
        if model_path and not model_content:
            source = _jitlite.NativeInterpreter.from_file
            argument = os.fspath(model_path)
        elif model_content and not model_path:
            if not isinstance(model_content, bytes):
                raise TypeError("model_content must be bytes, got "
                                f"{type(model_content).__name__}")
            # Kept for parity with LiteRT, which reads the caller's buffer.
            self._model_content = model_content
            source = _jitlite.NativeInterpreter.from_buffer
            argument = model_content
        elif not model_path and not model_content:
            raise ValueError("`model_path` or `model_content` must be specified.")
        else:
            raise ValueError("Can't both provide `model_path` and `model_content`")
        try:
            return source(argument, options)
        except RuntimeError as error:
            raise ValueError(str(error)) from None

    # ---- the stale-view guard ----------------------------------------------

    def _safe_to_run(self):
        # Every numpy view from tensor() has the native wrapper as its base,
        # so the wrapper's refcount is 3 (our attribute, _native_invoke's
        # reference, getrefcount's argument) exactly when no view is alive.
        return sys.getrefcount(self._interpreter) == 3

    def _ensure_safe(self):
        if not self._safe_to_run():
            raise RuntimeError(_STALE_VIEW_MESSAGE)

    # ---- index checks (LiteRT's messages) ----------------------------------

    def _check_subgraph_index(self, subgraph_index):
        count = self._interpreter.num_subgraphs()
        if not 0 <= subgraph_index < count:
            raise ValueError(f"Invalid subgraph index {subgraph_index} exceeds "
                             f"max subgraph index {count}")

    def _check_tensor_index(self, tensor_index, subgraph_index=0):
        count = self._interpreter.num_tensors(subgraph_index)
        if not 0 <= tensor_index < count:
            raise ValueError(f"Invalid tensor index {tensor_index} exceeds "
                             f"max tensor index {count}")

    # ---- lifecycle ---------------------------------------------------------

    def allocate_tensors(self):
        """Infers shapes, then compiles for them (or reuses the cached code
        for shapes seen before). A no-op when nothing was resized."""
        self._ensure_safe()
        self._core_call(self._interpreter.allocate_tensors)

    def invoke(self):
        """Runs the model once; the GIL is released while it runs."""
        # The hot path: one plain CPython call, which does the stale-view
        # check and raises RuntimeError(_NOT_READY_MESSAGE) itself.
        self._native_invoke()

    def _invoke(self):
        self._interpreter.invoke()

    def reset_all_variables(self):
        """Zero-fills the variable tensors (quantized ones with their zero
        point)."""
        self._core_call(self._interpreter.reset_variable_tensors)

    def resize_tensor_input(self, input_index, tensor_size, strict=False):
        """Records a new shape for a tensor; the next allocate_tensors()
        compiles for it. With strict, only -1 dimensions may change."""
        self._ensure_safe()
        self._resize(input_index, tensor_size, strict)

    def _resize(self, tensor_index, tensor_size, strict):
        shape = np.array(tensor_size, dtype=np.int32)
        if shape.ndim != 1:
            raise ValueError(f"Shape should be 1D instead of {shape.ndim}.")
        count = self._interpreter.num_tensors()
        if not 0 <= tensor_index < count:
            # A failing core call in LiteRT, hence RuntimeError.
            raise RuntimeError(f"Invalid tensor index {tensor_index}: the "
                               f"model has {count} tensors.")
        self._core_call(self._interpreter.resize_input_tensor, tensor_index,
                        shape.tolist(), bool(strict))

    @staticmethod
    def _core_call(method, *args):
        # LiteRT reports every failing core call (allocate, invoke, resize,
        # reset) as RuntimeError, whatever the cause.
        try:
            method(*args)
        except ValueError as error:
            raise RuntimeError(str(error)) from None

    # ---- details -----------------------------------------------------------

    def _tensor_details(self, tensor_index, subgraph_index=0):
        raw = self._interpreter.tensor_info(tensor_index, subgraph_index)
        return _format_tensor_details(raw)

    def _get_tensor_details(self, tensor_index, subgraph_index=0):
        """The detail dict of one tensor."""
        self._check_subgraph_index(subgraph_index)
        self._check_tensor_index(tensor_index, subgraph_index)
        return self._tensor_details(tensor_index, subgraph_index)

    def get_tensor_details(self, subgraph_index=0):
        """Detail dicts of every tensor of a subgraph that has a type and a
        shape (others are skipped, as in LiteRT)."""
        count = self._interpreter.num_subgraphs()
        if not 0 <= subgraph_index < count:
            raise ValueError(f"subgraph_index is out of range: {subgraph_index} "
                             f"for the model, which has {count} subgraphs.")
        details = []
        for index in range(self._interpreter.num_tensors(subgraph_index)):
            try:
                details.append(self._tensor_details(index, subgraph_index))
            except ValueError:
                continue
        return details

    def get_input_details(self):
        """Detail dicts of the model inputs, in the model's order."""
        return [self._tensor_details(i) for i in self._interpreter.inputs()]

    def get_output_details(self):
        """Detail dicts of the model outputs, in the model's order."""
        return [self._tensor_details(i) for i in self._interpreter.outputs()]

    def _get_op_details(self, op_index):
        """The detail dict of one operator of subgraph 0."""
        if not 0 <= op_index < self._interpreter.num_ops():
            raise ValueError("Invalid node index")
        raw = self._interpreter.op_info(op_index)
        dtype = lambda t: self._interpreter.tensor_info(int(t))["dtype"]
        return {
            "index": raw["index"],
            "op_name": raw["op_name"],
            "inputs": raw["inputs"],
            "outputs": raw["outputs"],
            "operand_types": [dtype(t) for t in raw["inputs"] if t >= 0],
            "result_types": [dtype(t) for t in raw["outputs"] if t >= 0],
        }

    def _get_ops_details(self):
        """Detail dicts of every operator of subgraph 0."""
        return [self._get_op_details(i) for i in range(self._interpreter.num_ops())]

    def num_subgraphs(self):
        return self._interpreter.num_subgraphs()

    # ---- data --------------------------------------------------------------

    def _null_data_error(self, tensor_index):
        """The ValueError for a tensor without a buffer. The core says why:
        not allocated yet, or fused into a kernel (with the remedy)."""
        reason = self._interpreter.tensor_data_unavailable_reason(tensor_index)
        return ValueError(reason or "Tensor data is null")

    def _view(self, tensor_index):
        """A numpy view of a tensor's live buffer (base: the native wrapper)."""
        self._check_tensor_index(tensor_index)
        raw = self._interpreter.tensor_info(tensor_index)
        if raw["type_name"] in ("STRING", "RESOURCE", "VARIANT"):
            raise ValueError(f"tensor() gives no view of {raw['type_name']} "
                             "tensors; use get_tensor()")
        if not self._interpreter.has_tensor_data(tensor_index) and np.prod(raw["shape"]):
            raise self._null_data_error(tensor_index)
        return self._interpreter.tensor_view(tensor_index)

    def _read_tensor(self, tensor_index):
        """A copy of a subgraph-0 tensor, shaped like LiteRT's get_tensor."""
        self._check_tensor_index(tensor_index)
        raw = self._interpreter.tensor_info(tensor_index)
        if raw["type_name"] == "STRING":
            try:
                items = self._interpreter.get_string_tensor(tensor_index)
            except RuntimeError as error:  # no data yet: the ValueError numeric reads raise
                raise ValueError(str(error)) from None
            return _strings_array(items, tuple(raw["shape"]))
        if raw["type_name"] in ("RESOURCE", "VARIANT"):
            raise ValueError(f"Cannot read a {raw['type_name']} tensor.")
        value = self._view(tensor_index).copy()
        # LiteRT hands out 0-d tensors as numpy scalars.
        return value[()] if value.ndim == 0 else value

    def get_tensor(self, tensor_index, subgraph_index=0):
        """A copy of a tensor's current value."""
        self._check_subgraph_index(subgraph_index)
        self._check_tensor_index(tensor_index, subgraph_index)
        if subgraph_index != 0:
            raise ValueError(
                f"Tensor data is null: jitlite runs subgraph {subgraph_index} "
                "only inside control-flow ops of subgraph 0 and keeps no "
                "readable buffers for it.")
        return self._read_tensor(tensor_index)

    def tensor(self, tensor_index):
        """A function returning a numpy view of a tensor's live buffer.

        Hold the function, not the array: while any view or slice is alive,
        allocate_tensors(), invoke() and resize_tensor_input() raise
        RuntimeError, because they may move or rewrite the buffer.
        """
        def view():
            value = self._view(tensor_index)
            # LiteRT returns 0-d tensors as numpy scalars (copies).
            return value[()] if value.ndim == 0 else value
        return view

    def set_tensor(self, tensor_index, value):
        """Copies `value` into a tensor. No casting, no implicit resize: the
        dtype and shape must match the tensor's."""
        self._check_tensor_index(tensor_index)
        raw = self._interpreter.tensor_info(tensor_index)
        if raw["type_name"] == "STRING":
            self._set_strings(tensor_index, raw, value)
            return
        array = self._to_array(value)
        self._check_value_type(tensor_index, raw, array)
        self._check_value_shape(tensor_index, raw["shape"], array)
        if raw["is_constant"]:
            raise ValueError(f"Cannot set tensor: tensor {tensor_index} "
                             f"('{raw['name']}') is a constant of the model.")
        if not self._interpreter.has_tensor_data(tensor_index) and array.size:
            if not self._interpreter.invokable():
                raise ValueError("Cannot set tensor: Tensor is unallocated. "
                                 "Try calling allocate_tensors() first")
            raise ValueError(f"Cannot set tensor: {self._null_data_error(tensor_index)}")
        expected = self._interpreter.tensor_bytes(tensor_index)
        if array.nbytes != expected:
            raise ValueError(f"numpy array had {array.nbytes} bytes but "
                             f"expected {expected} bytes.")
        if array.size:
            np.copyto(self._interpreter.tensor_view(tensor_index),
                      array.view(raw["dtype"]), casting="no")

    def _set_strings(self, tensor_index, raw, value):
        """set_tensor of a STRING tensor, with LiteRT's checks in its order."""
        if not isinstance(value, np.ndarray):
            raise ValueError("Passed in value type is not a numpy array, got type "
                             f"{type(value).__name__}.")
        if value.dtype.kind not in "SUO":
            raise ValueError(
                f"Cannot set tensor: Got value of type {_numpy_type_name(value.dtype)} "
                f"but expected type STRING for input {tensor_index}, name: {raw['name']} ")
        self._check_value_shape(tensor_index, raw["shape"], value)
        if raw["is_constant"]:
            raise ValueError(f"Cannot set tensor: tensor {tensor_index} "
                             f"('{raw['name']}') is a constant of the model.")
        items = [_string_bytes(v) for v in value.flat]
        self._interpreter.set_string_tensor(tensor_index, items)

    @staticmethod
    def _to_array(value):
        try:
            array = np.asarray(value)
        except Exception:  # numpy raises several types for ragged input
            raise ValueError("Failed to convert value into readable tensor.") from None
        return array if array.flags.c_contiguous else array.copy(order="C")

    @staticmethod
    def _check_value_type(tensor_index, raw, array):
        type_name = raw["type_name"]
        accepted, value_range = _NARROW_TYPES.get(type_name, ((raw["dtype"],), None))
        if array.dtype not in [np.dtype(t) for t in accepted]:
            raise ValueError(
                f"Cannot set tensor: Got value of type "
                f"{_numpy_type_name(array.dtype)} but expected type {type_name} "
                f"for input {tensor_index}, name: {raw['name']} ")
        if value_range and array.size:
            low, high = value_range
            if array.min() < low or array.max() > high:
                raise ValueError(f"Cannot set tensor: {type_name} values must "
                                 f"lie in [{low}, {high}].")

    @staticmethod
    def _check_value_shape(tensor_index, shape, array):
        if array.ndim != len(shape):
            raise ValueError(f"Cannot set tensor: Dimension mismatch. Got "
                             f"{array.ndim} but expected {len(shape)} for "
                             f"input {tensor_index}.")
        for dim, (got, want) in enumerate(zip(array.shape, shape)):
            if got != want:
                raise ValueError(f"Cannot set tensor: Dimension mismatch. Got "
                                 f"{got} but expected {want} for dimension "
                                 f"{dim} of input {tensor_index}.")

    # ---- signatures --------------------------------------------------------

    def get_signature_list(self):
        """{signature key: {'inputs': [names], 'outputs': [names]}}, names
        sorted, keys in model order."""
        return {
            sig["key"]: {
                "inputs": sorted(name for name, _ in sig["inputs"]),
                "outputs": sorted(name for name, _ in sig["outputs"]),
            }
            for sig in self._interpreter.signatures()
        }

    def _get_full_signature_list(self):
        """{signature key: {'inputs': {name: tensor index}, 'outputs': ...}};
        indices are local to the signature's subgraph."""
        return {
            sig["key"]: {
                "inputs": dict(sorted(sig["inputs"])),
                "outputs": dict(sorted(sig["outputs"])),
            }
            for sig in self._interpreter.signatures()
        }

    def get_signature_runner(self, signature_key=None):
        """A callable running one signature; the key may be omitted when the
        model has exactly one."""
        if signature_key is None:
            if len(self._signature_defs) != 1:
                raise ValueError(
                    "SignatureDef signature_key is None and model has "
                    f"{len(self._signature_defs)} Signatures. None is only "
                    "allowed when the model has 1 SignatureDef")
            signature_key = next(iter(self._signature_defs))
        return SignatureRunner(interpreter=self, signature_key=signature_key)

    # ---- misc --------------------------------------------------------------

    def get_jit_details(self):
        """What the JIT did: target CPU, compilation and shape-cache counts,
        compile time, and the kernels of the current shapes (symbol, the
        model op indices fused into it, and fusion notes)."""
        return self._interpreter.jit_stats()

    def experimental_profile_kernels(self, enabled=True):
        """jitlite only: time each kernel of every invoke; get_jit_details()
        then gives each kernel's `invocations` and `total_ms`."""
        self._interpreter.set_kernel_profiling(bool(enabled))

    def _native_handle(self):
        """Address of the C++ jitlite::Interpreter, as an int."""
        return self._interpreter.native_handle()

    @property
    def experimental_compress_quantization_zero_points(self):
        return self._compress_quantization_zero_points


class InterpreterWithCustomOps(Interpreter):
    """LiteRT's Interpreter with custom-op registerers. jitlite cannot load
    native TFLite kernels, so only an empty registerer list is accepted."""

    def __init__(self, custom_op_registerers=None, **kwargs):
        if custom_op_registerers:
            raise ValueError("jitlite does not support custom op registerers: "
                             "it generates every kernel itself.")
        super().__init__(**kwargs)


class SignatureRunner:
    """Runs one SignatureDef of a model by input and output names:
    `outputs = runner(x=array)` resizes the inputs to the given arrays,
    allocates, sets them, invokes and returns copies of the outputs."""

    def __init__(self, interpreter=None, signature_key=None):
        if not interpreter:
            raise ValueError("None interpreter provided.")
        if not signature_key:
            raise ValueError("None signature_key provided.")
        self._interpreter = interpreter
        # Holding the native wrapper, as LiteRT does, makes a live runner
        # count as a reference in the Interpreter's stale-view guard.
        self._interpreter_wrapper = interpreter._interpreter
        signatures = {s["key"]: s for s in interpreter._interpreter.signatures()}
        if signature_key not in signatures:
            raise ValueError(f'Invalid signature_key provided: "{signature_key}".')
        signature = signatures[signature_key]
        self._signature_key = signature_key
        self._subgraph_index = signature["subgraph_index"]
        self._inputs = dict(signature["inputs"])
        self._outputs = dict(signature["outputs"])

    def get_input_details(self):
        """{input name: tensor detail dict}."""
        return {name: self._interpreter._tensor_details(index, self._subgraph_index)
                for name, index in self._inputs.items()}

    def get_output_details(self):
        """{output name: tensor detail dict}."""
        return {name: self._interpreter._tensor_details(index, self._subgraph_index)
                for name, index in self._outputs.items()}

    def __call__(self, **kwargs):
        if len(kwargs) != len(self._inputs):
            raise ValueError(
                "Invalid number of inputs provided for running a SignatureDef, "
                f"expected {len(self._inputs)} vs provided {len(kwargs)}")
        self._check_runnable()
        interpreter = self._interpreter
        for name, value in kwargs.items():
            if name not in self._inputs:
                raise ValueError(f"Invalid Input name ({name}) for SignatureDef")
            interpreter._resize(self._inputs[name], value.shape, False)
        interpreter._core_call(interpreter._interpreter.allocate_tensors)
        for name, value in kwargs.items():
            interpreter.set_tensor(self._inputs[name], value)
        interpreter._invoke()
        return {name: interpreter._read_tensor(index)
                for name, index in self._outputs.items()}

    def _check_runnable(self):
        if self._subgraph_index != 0:
            raise RuntimeError(
                f"Signature '{self._signature_key}' runs subgraph "
                f"{self._subgraph_index}; jitlite can only run signatures of "
                "subgraph 0 so far.")
