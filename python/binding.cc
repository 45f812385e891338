// jitlite._jitlite: a thin pybind11 layer over the C++ API in
// lib/public/jitlite/interpreter.h. It converts types and errors and nothing
// more; the tf.lite.Interpreter surface (argument checks, detail-dict layout,
// exact messages, the stale-view guard) lives in python/jitlite/interpreter.py.
//
// Errors: a non-OK Status becomes ValueError (kInvalidArgument, kOutOfRange)
// or RuntimeError (everything else). Tensor data is handed out as numpy views
// whose base is the NativeInterpreter object itself, so Python can tell from
// the wrapper's reference count whether any view is still alive.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "jitlite/dtype.h"
#include "jitlite/interpreter.h"
#include "jitlite/status.h"

namespace py = pybind11;

namespace jitlite {
namespace {

[[noreturn]] void Raise(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      throw py::value_error(status.message());
    default:
      throw std::runtime_error(status.message());
  }
}

void Check(const Status& status) {
  if (!status.ok()) Raise(status);
}

template <typename T>
T Unwrap(StatusOr<T> value_or) {
  if (!value_or.ok()) Raise(value_or.status());
  return std::move(value_or).value();
}

// The numpy scalar type TFLite's Python API reports for each tensor type.
// Sub-byte and 8-bit float types are stored one element per byte in the
// arena, so they surface as int8/uint8 like in LiteRT.
py::object NumpyType(DType dtype) {
  py::module_ np = py::module_::import("numpy");
  switch (dtype) {
    case DType::kFloat32: return np.attr("float32");
    case DType::kFloat16: return np.attr("float16");
    case DType::kFloat64: return np.attr("float64");
    case DType::kInt32: return np.attr("int32");
    case DType::kUInt8: return np.attr("uint8");
    case DType::kInt64: return np.attr("int64");
    case DType::kString: return np.attr("bytes_");
    case DType::kBool: return np.attr("bool_");
    case DType::kInt16: return np.attr("int16");
    case DType::kComplex64: return np.attr("complex64");
    case DType::kInt8: return np.attr("int8");
    case DType::kComplex128: return np.attr("complex128");
    case DType::kUInt64: return np.attr("uint64");
    case DType::kUInt32: return np.attr("uint32");
    case DType::kUInt16: return np.attr("uint16");
    case DType::kResource:
    case DType::kVariant: return np.attr("object_");
    case DType::kInt4:
    case DType::kInt2:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E5M2: return np.attr("int8");
    case DType::kUInt4: return np.attr("uint8");
    case DType::kBFloat16: {
      // numpy has no bfloat16; ml_dtypes (a TensorFlow dependency) does.
      // Without it the raw 16-bit patterns are the most honest view.
      try {
        return py::module_::import("ml_dtypes").attr("bfloat16");
      } catch (const py::error_already_set&) {
        return np.attr("uint16");
      }
    }
  }
  return np.attr("object_");
}

// Types whose arena bytes are fixed-size numbers a numpy view can describe.
bool HasNumericView(DType dtype) {
  return dtype != DType::kString && dtype != DType::kResource &&
         dtype != DType::kVariant;
}

template <typename T>
py::array_t<T> ToArray(const std::vector<T>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

py::array_t<int32_t> ToInt32Array(const std::vector<int>& values) {
  return ToArray(std::vector<int32_t>(values.begin(), values.end()));
}

py::object SparsityDict(const SparsityInfo& sparsity) {
  if (sparsity.traversal_order.empty()) return py::none();
  py::list dims;
  for (const SparseDimension& dim : sparsity.dim_metadata) {
    py::dict d;
    d["format"] = dim.format;
    d["dense_size"] = dim.dense_size;
    d["array_segments"] = ToArray(dim.array_segments);
    d["array_indices"] = ToArray(dim.array_indices);
    dims.append(d);
  }
  py::dict out;
  out["traversal_order"] = ToArray(sparsity.traversal_order);
  out["block_map"] = ToArray(sparsity.block_map);
  out["dim_metadata"] = dims;
  return out;
}

// Raw facts about one tensor; interpreter.py shapes them into LiteRT's dict.
py::dict TensorInfoDict(const TensorInfo& info) {
  const QuantizationInfo& q = info.quantization;
  py::dict d;
  d["index"] = info.index;
  d["name"] = info.name;
  d["dtype"] = NumpyType(info.dtype);
  d["type_name"] = DTypeName(info.dtype);
  d["shape"] = ToArray(info.shape);
  d["shape_signature"] = ToArray(info.shape_signature);
  d["scales"] = ToArray(q.scales);
  d["zero_points"] = ToArray(
      std::vector<int32_t>(q.zero_points.begin(), q.zero_points.end()));
  d["quantized_dimension"] = q.quantized_dimension;
  d["block_size"] = q.block_size;
  d["sparsity"] = SparsityDict(info.sparsity);
  d["is_variable"] = info.is_variable;
  d["is_constant"] = info.is_constant;
  return d;
}

py::dict OpInfoDict(const OpInfo& info) {
  py::dict d;
  d["index"] = info.index;
  d["op_name"] = info.op_name;
  d["builtin_code"] = info.builtin_code;
  d["inputs"] = ToInt32Array(info.inputs);
  d["outputs"] = ToInt32Array(info.outputs);
  return d;
}

py::list NamedIndices(const std::vector<std::pair<std::string, int>>& items) {
  py::list out;
  for (const auto& [name, index] : items) out.append(py::make_tuple(name, index));
  return out;
}

py::list SignatureList(const Interpreter& interp) {
  py::list out;
  for (const SignatureInfo& sig : interp.signatures()) {
    py::dict d;
    d["key"] = sig.key;
    d["subgraph_index"] = sig.subgraph_index;
    d["inputs"] = NamedIndices(sig.inputs);
    d["outputs"] = NamedIndices(sig.outputs);
    out.append(d);
  }
  return out;
}

py::dict JitStatsDict(const JitStats& stats) {
  py::list kernels;
  for (const KernelStats& k : stats.kernels) {
    py::dict d;
    d["symbol"] = k.symbol;
    d["op_indices"] = k.op_indices;
    d["note"] = k.note;
    d["flops"] = k.flops;
    d["invocations"] = k.invocations;
    d["total_ms"] = k.total_ms;
    kernels.append(d);
  }
  py::dict d;
  d["target_cpu"] = stats.target_cpu;
  d["target_features"] = stats.target_features;
  d["compilations"] = stats.compilations;
  d["cache_hits"] = stats.cache_hits;
  d["disk_cache_hits"] = stats.disk_cache_hits;
  d["compile_time_ms"] = stats.compile_time_ms;
  d["last_compile_time_ms"] = stats.last_compile_time_ms;
  py::dict phases;
  phases["prepare"] = stats.last_phases.prepare_ms;
  phases["lower"] = stats.last_phases.lower_ms;
  phases["optimize"] = stats.last_phases.optimize_ms;
  phases["codegen"] = stats.last_phases.codegen_ms;
  phases["link"] = stats.last_phases.link_ms;
  d["last_compile_phases_ms"] = phases;
  d["kernels"] = kernels;
  d["unique_kernels"] = stats.unique_kernels;
  return d;
}

size_t ElementCount(const Shape& shape) {
  size_t count = 1;
  for (int32_t dim : shape) count *= static_cast<size_t>(dim);
  return count;
}

void CheckTensorIndex(const Interpreter& interp, int index) {
  if (index < 0 || index >= interp.num_tensors()) {
    throw py::value_error("Invalid tensor index " + std::to_string(index) +
                          " exceeds max tensor index " +
                          std::to_string(interp.num_tensors()));
  }
}

// A numpy array over the live tensor buffer, without a copy. Its base is
// `self` (the NativeInterpreter), which keeps the interpreter alive and lets
// Python count outstanding views. `raw` gives the bytes as a flat uint8 array
// (used for string tensors, whose layout numpy cannot describe).
py::array TensorView(py::object self, int index, bool raw) {
  Interpreter& interp = self.cast<Interpreter&>();
  CheckTensorIndex(interp, index);
  TensorInfo info = Unwrap(interp.tensor_info(index));
  void* data = interp.tensor_data(index);
  if (data == nullptr) {
    std::string reason = interp.tensor_data_unavailable_reason(index);
    // A zero-size tensor legitimately has no buffer: its view is empty.
    if (!reason.empty() || ElementCount(info.shape) != 0) {
      throw py::value_error(reason.empty() ? "Tensor data is null" : reason);
    }
  }
  const size_t bytes = interp.tensor_bytes(index);
  if (raw) {
    return py::array(py::dtype("uint8"), {static_cast<py::ssize_t>(bytes)},
                     data, self);
  }
  if (!HasNumericView(info.dtype)) {
    throw py::value_error(std::string("Tensor of type ") +
                          DTypeName(info.dtype) + " has no numeric view");
  }
  py::dtype dtype = py::dtype::from_args(NumpyType(info.dtype));
  // A sparse constant shows its stored values, 1-D, as LiteRT's get_tensor.
  if (info.is_constant && !info.sparsity.traversal_order.empty()) {
    py::array values(dtype, {static_cast<py::ssize_t>(bytes / dtype.itemsize())}, data, self);
    values.attr("setflags")(py::arg("write") = false);
    return values;
  }
  const size_t elements = ElementCount(info.shape);
  if (elements * static_cast<size_t>(dtype.itemsize()) != bytes) {
    throw std::runtime_error(
        "jitlite internal error: tensor " + std::to_string(index) + " holds " +
        std::to_string(bytes) + " bytes but its shape needs " +
        std::to_string(elements * dtype.itemsize()));
  }
  std::vector<py::ssize_t> shape(info.shape.begin(), info.shape.end());
  py::array view(dtype, shape, data, self);
  // Constants may be shared with packed weights or the model mapping:
  // writing through a view would silently not take effect, so refuse it.
  if (info.is_constant) view.attr("setflags")(py::arg("write") = false);
  return view;
}

std::unique_ptr<Interpreter> FromBuffer(const py::bytes& content,
                                        const InterpreterOptions& options) {
  char* data = nullptr;
  py::ssize_t size = 0;
  if (PyBytes_AsStringAndSize(content.ptr(), &data, &size) != 0) {
    throw py::error_already_set();
  }
  // FromBuffer copies the bytes, so no reference needs to outlive the call.
  return Unwrap(Interpreter::FromBuffer(data, static_cast<size_t>(size), options));
}

// Runs the model, without the GIL unless the run is brief.
Status InvokeReleasingGil(Interpreter& interpreter) {
  if (interpreter.invoke_is_brief()) return interpreter.Invoke();  // releasing would cost more
  py::gil_scoped_release release;
  return interpreter.Invoke();
}

// invoke() as a plain CPython METH_NOARGS function: pybind11's dispatch costs
// more than a tiny model's whole run. Its self is a capsule holding the
// interpreter and a strong reference to the NativeInterpreter object, whose
// reference count is the stale-view guard: exactly 2 (the Python
// Interpreter's attribute and this capsule) when no numpy view is alive.
struct FastInvoker {
  Interpreter* interpreter;
  PyObject* wrapper;  // owned reference
  std::string stale_view_message;
};

constexpr const char* kFastInvokerName = "jitlite.FastInvoker";

PyObject* FastInvoke(PyObject* capsule, PyObject* /*unused*/) {
  auto* invoker = static_cast<FastInvoker*>(PyCapsule_GetPointer(capsule, kFastInvokerName));
  if (invoker == nullptr) return nullptr;
  if (Py_REFCNT(invoker->wrapper) != 2) {
    PyErr_SetString(PyExc_RuntimeError, invoker->stale_view_message.c_str());
    return nullptr;
  }
  const Status status = InvokeReleasingGil(*invoker->interpreter);
  if (!status.ok()) {
    // TFLite's invoke raises RuntimeError for every failure.
    PyErr_SetString(PyExc_RuntimeError, status.message().c_str());
    return nullptr;
  }
  Py_RETURN_NONE;
}

void DestroyFastInvoker(PyObject* capsule) {
  auto* invoker = static_cast<FastInvoker*>(PyCapsule_GetPointer(capsule, kFastInvokerName));
  if (invoker == nullptr) return;
  Py_DECREF(invoker->wrapper);
  delete invoker;
}

PyMethodDef kFastInvokeDef = {"invoke", FastInvoke, METH_NOARGS,
                              "Runs the model once (jitlite's fast path)."};

// A callable running `wrapper`'s interpreter; it keeps `wrapper` alive.
py::object MakeFastInvoke(py::object wrapper, const std::string& stale_view_message) {
  auto* invoker = new FastInvoker{&wrapper.cast<Interpreter&>(), wrapper.ptr(),
                                  stale_view_message};
  PyObject* capsule = PyCapsule_New(invoker, kFastInvokerName, &DestroyFastInvoker);
  if (capsule == nullptr) {
    delete invoker;
    throw py::error_already_set();
  }
  Py_INCREF(invoker->wrapper);
  py::object owner = py::reinterpret_steal<py::object>(capsule);
  PyObject* function = PyCFunction_New(&kFastInvokeDef, owner.ptr());
  if (function == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(function);
}

}  // namespace
}  // namespace jitlite

PYBIND11_MODULE(_jitlite, m) {
  using namespace jitlite;
  m.doc() = "Native core of jitlite; use jitlite.Interpreter instead.";
  m.def("fast_invoke", &MakeFastInvoke, py::arg("wrapper"), py::arg("stale_view_message"));
#ifdef JITLITE_VERSION
  m.attr("__version__") = JITLITE_VERSION;
#endif

  py::class_<InterpreterOptions>(m, "InterpreterOptions")
      .def(py::init<>())
      .def_readwrite("num_threads", &InterpreterOptions::num_threads)
      .def_readwrite("target_cpu", &InterpreterOptions::target_cpu)
      .def_readwrite("preserve_all_tensors",
                     &InterpreterOptions::preserve_all_tensors)
      .def_readwrite("opt_level", &InterpreterOptions::opt_level)
      .def_readwrite("cache_dir", &InterpreterOptions::cache_dir);

  py::class_<Interpreter, std::unique_ptr<Interpreter>>(m, "NativeInterpreter")
      .def_static(
          "from_file",
          [](const std::string& path, const InterpreterOptions& options) {
            return Unwrap(Interpreter::FromFile(path, options));
          },
          py::arg("path"), py::arg("options") = InterpreterOptions())
      .def_static("from_buffer", &FromBuffer, py::arg("content"),
                  py::arg("options") = InterpreterOptions())
      // --- structure ---
      .def("num_subgraphs", &Interpreter::num_subgraphs)
      .def("num_tensors", &Interpreter::num_tensors, py::arg("subgraph") = 0)
      .def("num_ops", &Interpreter::num_ops, py::arg("subgraph") = 0)
      .def("inputs", &Interpreter::inputs)
      .def("outputs", &Interpreter::outputs)
      .def(
          "tensor_info",
          [](const Interpreter& self, int index, int subgraph) {
            return TensorInfoDict(Unwrap(self.tensor_info(index, subgraph)));
          },
          py::arg("index"), py::arg("subgraph") = 0)
      .def(
          "op_info",
          [](const Interpreter& self, int index) {
            return OpInfoDict(Unwrap(self.op_info(index)));
          },
          py::arg("index"))
      .def("signatures", &SignatureList)
      .def("has_variables", &Interpreter::has_variables)
      .def("invokable", &Interpreter::invokable)
      .def("invoke_is_brief", &Interpreter::invoke_is_brief)
      // --- lifecycle ---
      .def(
          "resize_input_tensor",
          [](Interpreter& self, int index, const Shape& shape, bool strict) {
            Check(self.ResizeInputTensor(index, shape, strict));
          },
          py::arg("index"), py::arg("shape"), py::arg("strict") = false)
      .def("allocate_tensors",
           [](Interpreter& self) {
             // Compiling can take a while; let other Python threads run.
             Status status;
             {
               py::gil_scoped_release release;
               status = self.AllocateTensors();
             }
             Check(status);
           })
      .def("invoke",
           [](Interpreter& self) {
             // TFLite's invoke raises RuntimeError for every failure, shape
             // errors of value-dependent shapes included.
             const Status status = InvokeReleasingGil(self);
             if (!status.ok()) throw std::runtime_error(status.message());
           })
      .def("reset_variable_tensors",
           [](Interpreter& self) { Check(self.ResetVariableTensors()); })
      // --- data ---
      .def("tensor_view", &TensorView, py::arg("index"), py::arg("raw") = false)
      .def(
          "has_tensor_data",
          [](const Interpreter& self, int index) {
            CheckTensorIndex(self, index);
            return self.tensor_data(index) != nullptr;
          },
          py::arg("index"))
      .def(
          "tensor_bytes",
          [](const Interpreter& self, int index) {
            CheckTensorIndex(self, index);
            return self.tensor_bytes(index);
          },
          py::arg("index"))
      .def(
          "tensor_data_unavailable_reason",
          [](const Interpreter& self, int index) {
            CheckTensorIndex(self, index);
            return self.tensor_data_unavailable_reason(index);
          },
          py::arg("index"))
      .def(
          "set_string_tensor",
          [](Interpreter& self, int index, const std::vector<py::bytes>& values) {
            CheckTensorIndex(self, index);
            std::vector<std::string> strings(values.begin(), values.end());
            Check(self.SetStringTensor(index, strings));
          },
          py::arg("index"), py::arg("values"))
      .def(
          "get_string_tensor",
          [](const Interpreter& self, int index) {
            CheckTensorIndex(self, index);
            py::list out;
            for (const std::string& s : Unwrap(self.GetStringTensor(index))) {
              out.append(py::bytes(s));
            }
            return out;
          },
          py::arg("index"))
      .def("jit_stats",
           [](const Interpreter& self) { return JitStatsDict(self.jit_stats()); })
      .def("set_kernel_profiling", &Interpreter::SetKernelProfiling, py::arg("enabled"))
      .def("native_handle", [](const Interpreter& self) {
        return reinterpret_cast<std::uintptr_t>(&self);
      });
}
