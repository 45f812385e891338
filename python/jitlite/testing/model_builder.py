"""Writes small .tflite models from Python, for tests.

A `ModelBuilder` collects tensors, constants and operators of one subgraph and serializes them
into a TFLite flatbuffer (schema version 3, identifier "TFL3") with the low-level
`flatbuffers.Builder`. Table layouts follow the TFLite schema (lib/schema/tflite.fbs): field id k is
vtable slot k. Supported ops and their option tables are one-line entries in `OPS`.

    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [1, 8, 8, 3])
    w = mb.add_constant("w", np.ones((4, 3, 3, 3), np.float32))
    b = mb.add_constant("b", np.zeros(4, np.float32))
    y = mb.add_tensor("y", np.float32, [1, 8, 8, 4])
    mb.add_op("CONV_2D", [x, w, b], [y], dict(padding="SAME", stride_w=1, stride_h=1))
    mb.mark_output(y)
    model_bytes = mb.build()
"""

from dataclasses import dataclass, field

import flatbuffers
import numpy as np
from flatbuffers import flexbuffers

try:  # numpy has no bfloat16; ml_dtypes (a TensorFlow dependency) provides LiteRT's.
    from ml_dtypes import bfloat16
except ImportError:
    bfloat16 = None

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"

# TensorType codes for the numpy dtypes the builder writes.
TENSOR_TYPES = {
    np.dtype(np.float32): 0,
    np.dtype(np.float16): 1,
    np.dtype(np.float64): 10,
    np.dtype(np.int32): 2,
    np.dtype(np.uint8): 3,
    np.dtype(np.int64): 4,
    np.dtype(np.bool_): 6,
    np.dtype(np.int16): 7,
    np.dtype(np.complex64): 8,
    np.dtype(np.int8): 9,
    np.dtype(np.uint64): 12,
    np.dtype(np.uint32): 15,
    np.dtype(np.uint16): 16,
    np.dtype(np.object_): 13,  # RESOURCE: a VAR_HANDLE's handle
    np.dtype(np.bytes_): 5,  # STRING (any numpy bytes/str dtype normalizes to this)
}
if bfloat16 is not None:
    TENSOR_TYPES[np.dtype(bfloat16)] = 18

# Sub-byte constant types (add_constant's tensor_type): values given as int8, written packed
# as TFLite stores them, lowest bits first (INT4: element 2i in the low nibble of byte i, 2i+1
# in the high one; INT2: element 4i + j in bits 2j..2j+1), the last byte zero-padded.
SUB_BYTE_TYPES = {"INT4": (17, 4), "INT2": (19, 2)}

PADDING = {"SAME": 0, "VALID": 1}
ACTIVATION = {"NONE": 0, "RELU": 1, "RELU_N1_TO_1": 2, "RELU6": 3, "TANH": 4, "SIGN_BIT": 5}
WEIGHTS_FORMAT = {"DEFAULT": 0, "SHUFFLED4x16INT8": 1}
MIRROR_PAD_MODE = {"REFLECT": 0, "SYMMETRIC": 1}
LSTM_KERNEL_TYPE = {"FULL": 0, "BASIC": 1}

# Option field kinds: how a Python value is encoded into a table slot.
PAD, ACT, WFMT, I32, BOOL, F32, I32_LIST, TTYPE, MPMODE, LKTYPE, STR, F32_LIST = (
    "padding", "activation", "weights_format", "int32", "bool", "float32", "int32[]", "tensor_type",
    "mirror_pad_mode", "lstm_kernel_type", "string", "float32[]")
_VECTOR_KINDS = {I32_LIST: np.int32, F32_LIST: np.float32}

# Shared field lists (name, kind, schema default). Fields are listed in field-id order, so the
# position in the list is the field id. The default must be the schema's: a value equal to it is
# not written, and readers fall back to the schema default.
_ACT = ("fused_activation_function", ACT, "NONE")
_ADD_SUB = [_ACT, ("pot_scale_int16", BOOL, True)]
_POOL = [("padding", PAD, "SAME"), ("stride_w", I32, 0), ("stride_h", I32, 0),
         ("filter_width", I32, 0), ("filter_height", I32, 0), _ACT]
_LSTM_CLIPS = [_ACT, ("cell_clip", F32, 0.0), ("proj_clip", F32, 0.0)]
_CONV_3D = [("padding", PAD, "SAME"), ("stride_d", I32, 0), ("stride_w", I32, 0),
            ("stride_h", I32, 0), _ACT, ("dilation_d_factor", I32, 1),
            ("dilation_w_factor", I32, 1), ("dilation_h_factor", I32, 1)]

# op name -> (BuiltinOperator code, BuiltinOptions type id, option fields).
# Options type 0 means the operator carries no options table at all.
OPS = {
    "ADD": (0, 11, _ADD_SUB),
    "SUB": (41, 28, _ADD_SUB),
    "MUL": (18, 21, [_ACT]),
    "DIV": (42, 29, [_ACT]),
    "MAXIMUM": (55, 39, []),
    "MINIMUM": (57, 39, []),
    "RELU": (19, 0, []),
    "RELU6": (21, 0, []),
    "RELU_N1_TO_1": (20, 0, []),
    "LEAKY_RELU": (98, 75, [("alpha", F32, 0.0)]),
    "PRELU": (54, 0, []),
    "LOGISTIC": (14, 0, []),
    "TANH": (28, 0, []),
    "HARD_SWISH": (117, 91, []),
    "EXP": (47, 33, []),
    "SQRT": (75, 0, []),
    "RSQRT": (76, 0, []),
    "ABS": (101, 78, []),
    "NEG": (59, 42, []),
    "SQUARE": (92, 66, []),
    "FLOOR": (8, 0, []),
    "CEIL": (104, 0, []),
    "ROUND": (116, 0, []),
    "SIGN": (158, 123, []),
    "LOG": (73, 0, []),
    "SIN": (66, 0, []),
    "COS": (108, 84, []),
    "ELU": (111, 0, []),
    "RELU_0_TO_1": (152, 0, []),
    "GELU": (150, 116, [("approximate", BOOL, False)]),
    "ZEROS_LIKE": (93, 67, []),
    "SQUARED_DIFFERENCE": (99, 76, []),
    "CONV_2D": (3, 1, [("padding", PAD, "SAME"), ("stride_w", I32, 0), ("stride_h", I32, 0), _ACT,
                       ("dilation_w_factor", I32, 1), ("dilation_h_factor", I32, 1),
                       ("quantized_bias_type", TTYPE, 0)]),
    "DEPTHWISE_CONV_2D": (4, 2, [("padding", PAD, "SAME"), ("stride_w", I32, 0),
                                 ("stride_h", I32, 0), ("depth_multiplier", I32, 0), _ACT,
                                 ("dilation_w_factor", I32, 1), ("dilation_h_factor", I32, 1)]),
    "FULLY_CONNECTED": (9, 8, [_ACT, ("weights_format", WFMT, "DEFAULT"),
                               ("keep_num_dims", BOOL, False),
                               ("asymmetric_quantize_inputs", BOOL, False),
                               ("quantized_bias_type", TTYPE, 0)]),
    "TRANSPOSE_CONV": (67, 49, [("padding", PAD, "SAME"), ("stride_w", I32, 0),
                                ("stride_h", I32, 0), _ACT, ("quantized_bias_type", TTYPE, 0)]),
    "CONV_3D": (132, 106, _CONV_3D),
    "CONV_3D_TRANSPOSE": (141, 106, _CONV_3D),
    "AVERAGE_POOL_2D": (1, 5, _POOL),
    "MAX_POOL_2D": (17, 5, _POOL),
    "L2_POOL_2D": (12, 5, _POOL),
    "LOCAL_RESPONSE_NORMALIZATION": (13, 13, [("radius", I32, 0), ("bias", F32, 0.0),
                                              ("alpha", F32, 0.0), ("beta", F32, 0.0)]),
    "MEAN": (40, 27, [("keep_dims", BOOL, False)]),
    "SUM": (74, 27, [("keep_dims", BOOL, False)]),
    "REDUCE_MAX": (82, 27, [("keep_dims", BOOL, False)]),
    "REDUCE_MIN": (89, 27, [("keep_dims", BOOL, False)]),
    "REDUCE_PROD": (81, 27, [("keep_dims", BOOL, False)]),
    "REDUCE_ANY": (91, 27, [("keep_dims", BOOL, False)]),
    "REDUCE_ALL": (140, 27, [("keep_dims", BOOL, False)]),
    "ARG_MAX": (56, 40, [("output_type", TTYPE, 0)]),
    "ARG_MIN": (79, 57, [("output_type", TTYPE, 0)]),
    "LOG_SOFTMAX": (50, 36, []),
    "L2_NORMALIZATION": (11, 12, [_ACT]),
    "BATCH_MATMUL": (126, 101, [("adj_x", BOOL, False), ("adj_y", BOOL, False),
                                ("asymmetric_quantize_inputs", BOOL, False)]),
    "SOFTMAX": (25, 9, [("beta", F32, 0.0)]),
    "RESHAPE": (22, 17, [("new_shape", I32_LIST, None)]),
    "SQUEEZE": (43, 30, [("squeeze_dims", I32_LIST, None)]),
    "EXPAND_DIMS": (70, 52, []),
    "CONCATENATION": (2, 10, [("axis", I32, 0), _ACT]),
    "PAD": (34, 22, []),
    "DEQUANTIZE": (6, 38, []),
    "QUANTIZE": (114, 89, []),
    "SHAPE": (77, 55, [("out_type", TTYPE, 0)]),
    "STRIDED_SLICE": (45, 32, [("begin_mask", I32, 0), ("end_mask", I32, 0),
                               ("ellipsis_mask", I32, 0), ("new_axis_mask", I32, 0),
                               ("shrink_axis_mask", I32, 0), ("offset", BOOL, False)]),
    "PACK": (83, 59, [("values_count", I32, 0), ("axis", I32, 0)]),
    "EQUAL": (71, 53, []),
    "NOT_EQUAL": (72, 54, []),
    "LESS": (58, 41, []),
    "LESS_EQUAL": (63, 46, []),
    "GREATER": (61, 44, []),
    "GREATER_EQUAL": (62, 45, []),
    "LOGICAL_AND": (86, 62, []),
    "LOGICAL_OR": (84, 60, []),
    "LOGICAL_NOT": (87, 63, []),
    "SELECT": (64, 47, []),
    "SELECT_V2": (123, 98, []),
    "CAST": (53, 37, [("in_data_type", TTYPE, 0), ("out_data_type", TTYPE, 0)]),
    "FLOOR_DIV": (90, 65, []),
    "FLOOR_MOD": (95, 72, []),
    "POW": (78, 56, []),
    "ATAN2": (156, 122, []),
    "BITWISE_XOR": (160, 125, []),
    "RIGHT_SHIFT": (161, 126, []),
    "BUCKETIZE": (147, 115, [("boundaries", F32_LIST, None)]),
    "BITCAST": (159, 124, []),
    "BROADCAST_ARGS": (145, 0, []),
    "STABLEHLO_ADD": (163, 0, []),
    "STABLEHLO_MULTIPLY": (165, 0, []),
    "STABLEHLO_MAXIMUM": (166, 0, []),
    "STABLEHLO_MINIMUM": (181, 0, []),
    "STABLEHLO_AND": (176, 0, []),
    "STABLEHLO_SHIFT_LEFT": (207, 0, []),
    "FAKE_QUANT": (80, 58, [("min", F32, 0.0), ("max", F32, 0.0), ("num_bits", I32, 0),
                            ("narrow_range", BOOL, False)]),
    # Data movement.
    "TRANSPOSE": (39, 26, []),
    "SLICE": (65, 48, []),
    "GATHER": (36, 23, [("axis", I32, 0), ("batch_dims", I32, 0)]),
    "SPLIT": (49, 35, [("num_splits", I32, 0)]),
    "SPLIT_V": (102, 79, [("num_splits", I32, 0)]),
    "UNPACK": (88, 64, [("num", I32, 0), ("axis", I32, 0)]),
    "TILE": (69, 51, []),
    "REVERSE_V2": (105, 81, []),
    "REVERSE_SEQUENCE": (112, 87, [("seq_dim", I32, 0), ("batch_dim", I32, 0)]),
    "MATRIX_DIAG": (113, 88, []),
    "MATRIX_SET_DIAG": (115, 90, []),
    # DilateOptions (an empty BuiltinOptions2 table) is omitted: the kernel reads no options.
    "DILATE": (203, 0, []),
    "BROADCAST_TO": (130, 104, []),
    "PADV2": (60, 43, []),
    "MIRROR_PAD": (100, 77, [("mode", MPMODE, "REFLECT")]),
    "FILL": (94, 68, []),
    "SPACE_TO_DEPTH": (26, 19, [("block_size", I32, 0)]),
    "DEPTH_TO_SPACE": (5, 94, [("block_size", I32, 0)]),
    "SPACE_TO_BATCH_ND": (38, 25, []),
    "BATCH_TO_SPACE_ND": (37, 24, []),
    # Resizing; ResizeBilinearOptions' first two fields are retired placeholders.
    "RESIZE_BILINEAR": (23, 15, [("new_height", I32, 0), ("new_width", I32, 0),
                                 ("align_corners", BOOL, False),
                                 ("half_pixel_centers", BOOL, False)]),
    "RESIZE_NEAREST_NEIGHBOR": (97, 74, [("align_corners", BOOL, False),
                                         ("half_pixel_centers", BOOL, False)]),
    # Recurrent ops: their state inputs are variable tensors (build_op_model: a spec with
    # dict(is_variable=True)).
    "LSTM": (16, 14, _LSTM_CLIPS + [("kernel_type", LKTYPE, "FULL"),
                                    ("asymmetric_quantize_inputs", BOOL, False)]),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": (44, 71, _LSTM_CLIPS + [
        ("time_major", BOOL, False), ("asymmetric_quantize_inputs", BOOL, False),
        ("diagonal_recurrent_tensors", BOOL, False)]),
    "BIDIRECTIONAL_SEQUENCE_LSTM": (52, 69, _LSTM_CLIPS + [
        ("merge_outputs", BOOL, False), ("time_major", BOOL, True),
        ("asymmetric_quantize_inputs", BOOL, False)]),
    "RNN": (24, 7, [_ACT, ("asymmetric_quantize_inputs", BOOL, False)]),
    "SVDF": (27, 6, [("rank", I32, 0), _ACT, ("asymmetric_quantize_inputs", BOOL, False)]),
    "UNIDIRECTIONAL_SEQUENCE_RNN": (35, 31, [("time_major", BOOL, False), _ACT,
                                             ("asymmetric_quantize_inputs", BOOL, False)]),
    "BIDIRECTIONAL_SEQUENCE_RNN": (46, 70, [("time_major", BOOL, False), _ACT,
                                            ("merge_outputs", BOOL, False),
                                            ("asymmetric_quantize_inputs", BOOL, False)]),
    # Index ops (gather/scatter, one-hot, segments) and sequence builders.
    "GATHER_ND": (107, 83, []),
    "EMBEDDING_LOOKUP": (7, 0, []),
    "SCATTER_ND": (122, 97, []),
    "SPARSE_TO_DENSE": (68, 50, [("validate_indices", BOOL, False)]),
    "ONE_HOT": (85, 61, [("axis", I32, 0)]),
    "RANGE": (96, 73, []),
    "RFFT2D": (131, 105, []),
    "IMAG": (133, 0, []),
    "REAL": (134, 0, []),
    "COMPLEX_ABS": (135, 0, []),
    "CUMSUM": (128, 102, [("exclusive", BOOL, False), ("reverse", BOOL, False)]),
    "ADD_N": (106, 82, []),
    "RANK": (110, 86, []),
    "DYNAMIC_UPDATE_SLICE": (151, 117, []),
    "TOPK_V2": (48, 34, []),
    "NON_MAX_SUPPRESSION_V4": (120, 95, []),
    "NON_MAX_SUPPRESSION_V5": (121, 96, []),
    "SEGMENT_SUM": (125, 100, []),
    "UNSORTED_SEGMENT_SUM": (155, 121, []),
    "UNSORTED_SEGMENT_MAX": (154, 119, []),
    "UNSORTED_SEGMENT_MIN": (157, 120, []),
    "UNSORTED_SEGMENT_PROD": (153, 118, []),
    # Ops whose output sizes depend on the input values.
    "WHERE": (109, 85, []),
    "UNIQUE": (103, 80, [("idx_out_type", TTYPE, 2)]),
}

# Custom ops (operator code CUSTOM, 32, with the name as custom_code): option name -> Python type.
# Options are written as a flexbuffer map (custom_options); only the given ones are written, so
# the runtime's defaults apply to the rest.
CUSTOM_CODE = 32
CUSTOM_OPS = {
    "TFLite_Detection_PostProcess": {
        "max_detections": int, "max_classes_per_detection": int, "detections_per_class": int,
        "use_regular_nms": bool, "nms_score_threshold": float, "nms_iou_threshold": float,
        "num_classes": int, "y_scale": float, "x_scale": float, "h_scale": float,
        "w_scale": float},
}
# Control flow: ops whose options name other subgraphs of the model (ModelBuilder.add_subgraph).
# Kept apart from OPS, whose entries each build as a one-op model.
CONTROL_FLOW_OPS = {
    "IF": (118, 92, [("then_subgraph_index", I32, 0), ("else_subgraph_index", I32, 0)]),
    "WHILE": (119, 93, [("cond_subgraph_index", I32, 0), ("body_subgraph_index", I32, 0)]),
    # Resource variables: stateful across invokes, so built as graphs, not one-op models.
    "CALL_ONCE": (129, 103, [("init_subgraph_index", I32, 0)]),
    "VAR_HANDLE": (142, 111, [("container", STR, None), ("shared_name", STR, None)]),
    "READ_VARIABLE": (143, 112, []),
    "ASSIGN_VARIABLE": (144, 113, []),
}
# Ops whose input must be a sparse constant (ModelBuilder.add_sparse_constant), which a
# one-op model of OPS cannot give.
SPARSE_INPUT_OPS = {"DENSIFY": (124, 99, [])}
_ALL_OPS = {**OPS, **CONTROL_FLOW_OPS, **SPARSE_INPUT_OPS}

# Operator versions other than 1: LiteRT registers some ops from a later version only.
OP_VERSIONS = {"BROADCAST_TO": 2}

# Values used when the caller omits a field whose schema default (0) makes the op degenerate:
# stride 0 is invalid (stride_d: CONV_3D) and softmax with beta 0 is a constant (the same name
# in LOCAL_RESPONSE_NORMALIZATION gets 1 too). Explicit values always win.
CONVENIENCE_DEFAULTS = {"stride_w": 1, "stride_h": 1, "stride_d": 1, "beta": 1.0}


def pack_sub_byte(values, bits):
    """Signed integers -> TFLite's packed bytes of `bits`-bit elements, lowest bits first."""
    flat = np.asarray(values).reshape(-1).astype(np.int64)
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if flat.size and (flat.min() < low or flat.max() > high):
        raise ValueError(f"values must lie in [{low}, {high}] for {bits}-bit elements")
    per_byte = 8 // bits
    padded = np.zeros(-(-flat.size // per_byte) * per_byte, np.int64)
    padded[:flat.size] = flat & ((1 << bits) - 1)
    groups = padded.reshape(-1, per_byte) << (bits * np.arange(per_byte))
    return groups.sum(axis=1).astype(np.uint8).tobytes()


def dtype_of(dtype):
    """Normalizes a numpy dtype-like and checks that the builder can write it."""
    dt = np.dtype(dtype)
    if dt.kind in "SU":
        return np.dtype(np.bytes_)
    if dt not in TENSOR_TYPES:
        raise ValueError(f"unsupported tensor dtype {dt}; supported: "
                         f"{', '.join(str(d) for d in TENSOR_TYPES)}")
    return dt


def pack_strings(array):
    """TFLite's STRING buffer: int32 count, int32 offsets[count + 1] (from the buffer start),
    then the bytes; str elements are encoded as UTF-8."""
    items = [v.encode() if isinstance(v, str) else bytes(v) for v in np.asarray(array).flat]
    header = 4 * (len(items) + 2)
    offsets = np.cumsum([header] + [len(v) for v in items]).astype("<i4")
    return np.int32(len(items)).astype("<i4").tobytes() + offsets.tobytes() + b"".join(items)


@dataclass
class SparseLevel:
    """One DimensionMetadata: DENSE of `dense_size`, or SPARSE_CSR with its segments and
    indices, written as Int32Vector / Uint16Vector / Uint8Vector per `index_dtype`."""
    dense_size: int = 0
    segments: list = None  # None: DENSE
    indices: list = None
    index_dtype: object = np.int32


@dataclass
class Sparsity:
    """A tensor's SparsityParameters, as written into the model."""
    traversal_order: list
    block_map: list
    levels: list  # SparseLevel per traversal position


_INDEX_VECTORS = {np.dtype(np.int32): 1, np.dtype(np.uint16): 2, np.dtype(np.uint8): 3}


def sparsify(dense, traversal_order, formats, block_map=(), block_sizes=(), index_dtype=np.int32):
    """Encodes a dense array as TFLite stores a sparse tensor: returns (values, Sparsity).

    `block_map[k]` is the original dimension block k splits, in blocks of `block_sizes[k]`;
    the tensor is walked over its rank + len(block_map) expanded dimensions (original
    dimensions counted in blocks, then the positions inside each block) in `traversal_order`;
    `formats[l]` ("DENSE" or "CSR") is the storage of traversal level l. A CSR level keeps the
    positions whose sub-tensor has a nonzero, as TFLite's converter does.
    """
    dense = np.asarray(dense)
    rank = dense.ndim
    split_shape, expanded_axes = [], []  # the dense array reshaped with each block split off
    block_of = {d: k for k, d in enumerate(block_map)}
    for d in range(rank):
        if d in block_of:
            b = block_sizes[block_of[d]]
            split_shape += [dense.shape[d] // b, b]
        else:
            split_shape.append(dense.shape[d])
    axis, outer, inner = 0, [], {}
    for d in range(rank):
        outer.append(axis)
        axis += 1
        if d in block_of:
            inner[block_of[d]] = axis
            axis += 1
    expanded = outer + [inner[k] for k in range(len(block_map))]
    walked = dense.reshape(split_shape).transpose([expanded[t] for t in traversal_order])
    positions, levels = [walked], []
    for level, fmt in enumerate(formats):
        size = walked.shape[level]
        if fmt == "DENSE":
            positions = [p[i] for p in positions for i in range(size)]
            levels.append(SparseLevel(dense_size=size))
            continue
        segments, indices, kept = [0], [], []
        for p in positions:
            nonzero = [i for i in range(size) if np.any(p[i] != 0)]
            indices += nonzero
            kept += [p[i] for i in nonzero]
            segments.append(len(indices))
        positions = kept
        levels.append(SparseLevel(segments=segments, indices=indices, index_dtype=index_dtype))
    values = np.array(positions, dtype=dense.dtype).reshape(-1)
    return values, Sparsity(list(traversal_order), list(block_map), levels)


@dataclass
class _Tensor:
    name: str
    dtype: np.dtype
    shape: list
    shape_signature: list = None
    buffer: int = 0
    scale: list = None
    zero_point: list = None
    quantized_dimension: int = 0
    is_variable: bool = False
    type_code: int = None  # overrides TENSOR_TYPES[dtype] (sub-byte constants)
    block_size: int = 0  # blockwise quantization (BlockwiseQuantization details) when > 0
    block_scales: int = -1  # the scales tensor of blockwise quantization
    sparsity: "Sparsity" = None  # SparsityParameters of a sparse constant


@dataclass
class _Operator:
    op: str
    inputs: list
    outputs: list
    options: dict = field(default_factory=dict)
    intermediates: list = field(default_factory=list)


class ModelBuilder:
    """Collects one subgraph and serializes it as a .tflite model (the main subgraph, followed
    by any added with add_subgraph)."""

    def __init__(self, description="jitlite test model", name="main"):
        self.description = description
        self.name = name
        self.tensors = []
        self.operators = []
        self.inputs = []
        self.outputs = []
        self.buffers = [b""]  # buffer 0 is the empty sentinel every TFLite model has
        self.subgraphs = []  # further ModelBuilders, subgraphs 1, 2, ...

    def add_subgraph(self, builder):
        """Appends another builder's subgraph (its tensors, operators and constants) to this
        model and returns its subgraph index, for WHILE/IF options. Its own added subgraphs are
        not carried over: add every subgraph to the main builder."""
        self.subgraphs.append(builder)
        return len(self.subgraphs)

    # --- tensors -------------------------------------------------------------------------------

    def add_tensor(self, name, dtype, shape, *, shape_signature=None, scale=None,
                   zero_point=None, quantized_dimension=0, is_variable=False):
        """Adds a non-constant tensor and returns its index.

        -1 in `shape` marks a dynamic dimension: the stored shape gets 1 there and the
        shape_signature keeps -1, as the TFLite converter writes it. `scale`/`zero_point` may be
        scalars (per-tensor) or sequences (per-axis along `quantized_dimension`).
        """
        shape = [int(d) for d in shape]
        if shape_signature is None and -1 in shape:
            shape_signature = shape
        shape = [1 if d == -1 else d for d in shape]
        scales = zero_points = None
        if scale is not None:
            scales = [float(s) for s in np.atleast_1d(scale)]
            # TFLite requires one zero point per scale; a scalar (or omitted) one is repeated.
            zp = np.atleast_1d(0 if zero_point is None else zero_point)
            zero_points = [int(z) for z in np.broadcast_to(zp, len(scales))]
        self.tensors.append(_Tensor(
            name=name, dtype=dtype_of(dtype), shape=shape,
            shape_signature=None if shape_signature is None else [int(d) for d in shape_signature],
            scale=scales, zero_point=zero_points,
            quantized_dimension=int(quantized_dimension), is_variable=is_variable))
        return len(self.tensors) - 1

    def add_input(self, name, dtype, shape, **tensor_args):
        """Adds a tensor and makes it the next subgraph input."""
        index = self.add_tensor(name, dtype, shape, **tensor_args)
        self.inputs.append(index)
        return index

    def add_constant(self, name, value, dtype=None, *, tensor_type=None, **tensor_args):
        """Adds a tensor whose data is stored in its own buffer and returns its index.

        tensor_type "INT4" or "INT2" (SUB_BYTE_TYPES) writes integer `value`s, which must fit
        the type's range, packed into a tensor of that type.
        """
        array = np.asarray(value, dtype=dtype)
        shape = array.shape  # np.ascontiguousarray makes a scalar 1-D; keep rank 0
        array = np.ascontiguousarray(array)
        if tensor_type is not None:
            return self._add_sub_byte_constant(name, array, tensor_type, tensor_args)
        # Object arrays of bytes/str are STRING too (they keep trailing NUL bytes, 'S' does not).
        is_string = array.dtype.kind in "SU" or (
            array.dtype.kind == "O" and array.size > 0
            and all(isinstance(v, (bytes, str)) for v in array.flat))
        index = self.add_tensor(name, np.bytes_ if is_string else array.dtype, shape,
                                **tensor_args)
        self.buffers.append(pack_strings(array) if is_string else array.tobytes())
        self.tensors[index].buffer = len(self.buffers) - 1
        return index

    def _add_sub_byte_constant(self, name, array, tensor_type, tensor_args):
        if tensor_type not in SUB_BYTE_TYPES:
            raise ValueError(f"tensor_type {tensor_type!r} is not one of {sorted(SUB_BYTE_TYPES)}")
        code, bits = SUB_BYTE_TYPES[tensor_type]
        index = self.add_tensor(name, np.int8, array.shape, **tensor_args)
        self.tensors[index].type_code = code
        self.buffers.append(pack_sub_byte(array, bits))
        self.tensors[index].buffer = len(self.buffers) - 1
        return index

    def add_sparse_constant(self, name, values, sparsity, shape, **tensor_args):
        """Adds a sparse constant: the stored `values` (1-D, their dtype is the tensor's) of a
        tensor of dense `shape`, with `sparsity` (a Sparsity, e.g. from sparsify())."""
        values = np.ascontiguousarray(np.asarray(values).reshape(-1))
        index = self.add_tensor(name, values.dtype, shape, **tensor_args)
        self.buffers.append(values.tobytes())
        self.tensors[index].buffer = len(self.buffers) - 1
        self.tensors[index].sparsity = sparsity
        return index

    def set_blockwise_quantization(self, tensor, scales, block_size):
        """Gives `tensor` BlockwiseQuantization details: per-block scales in tensor `scales`
        (zero points none), blocks of `block_size` along the last dimension."""
        self.tensors[tensor].block_size = int(block_size)
        self.tensors[tensor].block_scales = int(scales)

    def mark_output(self, *indices):
        """Appends tensors to the subgraph outputs."""
        self.outputs.extend(indices)

    # --- operators -----------------------------------------------------------------------------

    def add_op(self, op, inputs, outputs, options=None, intermediates=()):
        """Adds an operator; `inputs` may hold -1 (or None) for an omitted optional input.

        `intermediates` are tensor indices for the operator's intermediates list (tensors that
        only carry quantization parameters, e.g. the integer LSTM's gate and hidden scales).
        """
        if op not in _ALL_OPS and op not in CUSTOM_OPS:
            raise ValueError(f"unknown op {op!r}; the builder supports: "
                             f"{', '.join(sorted(_ALL_OPS) + sorted(CUSTOM_OPS))}")
        options = dict(options or {})
        known = (set(CUSTOM_OPS[op]) if op in CUSTOM_OPS
                 else {name for name, _, _ in _ALL_OPS[op][2]})
        unknown = set(options) - known
        if unknown:
            raise ValueError(f"{op} has no option(s) {sorted(unknown)}; known: {sorted(known)}")
        inputs = [-1 if i is None else int(i) for i in inputs]
        self.operators.append(_Operator(op, inputs, [int(o) for o in outputs], options,
                                        [int(t) for t in intermediates]))
        return len(self.operators) - 1

    # --- serialization -------------------------------------------------------------------------

    def build(self):
        """Returns the model as .tflite bytes."""
        return _Serializer(self).serialize()


class _Serializer:
    """Writes a ModelBuilder's content bottom-up (children before the tables pointing to them)."""

    def __init__(self, model):
        self.m = model
        self.b = flatbuffers.Builder(1024)
        self.opcodes = []  # distinct op names in first-use order; opcode_index points here

    def serialize(self):
        b = self.b
        # Each added subgraph's constants follow the previous ones (their sentinel dropped).
        graphs, all_buffers = [(self.m, 0)], list(self.m.buffers)
        for sub in self.m.subgraphs:
            graphs.append((sub, len(all_buffers) - 1))
            all_buffers.extend(sub.buffers[1:])
        buffers = self._vector_of_tables([self._buffer(data) for data in all_buffers])
        subgraphs = self._vector_of_tables([self._subgraph(g, shift) for g, shift in graphs])
        operator_codes = self._vector_of_tables([self._operator_code(op) for op in self.opcodes])
        description = b.CreateString(self.m.description)
        b.StartObject(5)
        b.PrependUint32Slot(0, SCHEMA_VERSION, 0)
        b.PrependUOffsetTRelativeSlot(1, operator_codes, 0)
        b.PrependUOffsetTRelativeSlot(2, subgraphs, 0)
        b.PrependUOffsetTRelativeSlot(3, description, 0)
        b.PrependUOffsetTRelativeSlot(4, buffers, 0)
        b.Finish(b.EndObject(), file_identifier=FILE_IDENTIFIER)
        return bytes(b.Output())

    # Vectors -----------------------------------------------------------------------------------

    def _vector_of_tables(self, offsets):
        self.b.StartVector(4, len(offsets), 4)
        for off in reversed(offsets):
            self.b.PrependUOffsetTRelative(off)
        return self.b.EndVector()

    def _numeric_vector(self, values, dtype):
        return self.b.CreateNumpyVector(np.asarray(values, dtype=dtype))

    # Tables ------------------------------------------------------------------------------------

    def _buffer(self, data):
        b = self.b
        data_vec = None
        if data:
            # Constant data is 16-byte aligned so runtimes may read it in place with SIMD loads.
            b.Prep(16, len(data))
            data_vec = b.CreateByteVector(data)
        b.StartObject(1)
        if data_vec is not None:
            b.PrependUOffsetTRelativeSlot(0, data_vec, 0)
        return b.EndObject()

    def _operator_code(self, op):
        b = self.b
        if op in CUSTOM_OPS:
            name = b.CreateString(op)
            b.StartObject(4)
            b.PrependInt8Slot(0, CUSTOM_CODE, 0)
            b.PrependUOffsetTRelativeSlot(1, name, 0)
            b.PrependInt32Slot(3, CUSTOM_CODE, 0)
            return b.EndObject()
        code = _ALL_OPS[op][0]
        b.StartObject(4)
        # Old readers only know the i8 field; codes >= 127 use the 127 placeholder there.
        b.PrependInt8Slot(0, min(code, 127), 0)
        b.PrependInt32Slot(2, OP_VERSIONS.get(op, 1), 1)  # version
        b.PrependInt32Slot(3, code, 0)
        return b.EndObject()

    def _subgraph(self, graph, buffer_shift):
        b = self.b
        tensors = self._vector_of_tables([self._tensor(t, buffer_shift) for t in graph.tensors])
        operators = self._vector_of_tables([self._operator(op) for op in graph.operators])
        inputs = self._numeric_vector(graph.inputs, np.int32)
        outputs = self._numeric_vector(graph.outputs, np.int32)
        name = b.CreateString(graph.name)
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, tensors, 0)
        b.PrependUOffsetTRelativeSlot(1, inputs, 0)
        b.PrependUOffsetTRelativeSlot(2, outputs, 0)
        b.PrependUOffsetTRelativeSlot(3, operators, 0)
        b.PrependUOffsetTRelativeSlot(4, name, 0)
        return b.EndObject()

    def _tensor(self, t, buffer_shift=0):
        b = self.b
        shape = self._numeric_vector(t.shape, np.int32)
        signature = (None if t.shape_signature is None
                     else self._numeric_vector(t.shape_signature, np.int32))
        name = b.CreateString(t.name)
        quant = (self._quantization(t) if t.scale is not None or t.block_size else None)
        type_code = TENSOR_TYPES[t.dtype] if t.type_code is None else t.type_code
        sparsity = self._sparsity(t.sparsity) if t.sparsity is not None else None
        b.StartObject(9)
        b.PrependUOffsetTRelativeSlot(0, shape, 0)
        b.PrependInt8Slot(1, type_code, 0)
        b.PrependUint32Slot(2, t.buffer + buffer_shift if t.buffer else 0, 0)
        b.PrependUOffsetTRelativeSlot(3, name, 0)
        if quant is not None:
            b.PrependUOffsetTRelativeSlot(4, quant, 0)
        b.PrependBoolSlot(5, t.is_variable, False)
        if sparsity is not None:
            b.PrependUOffsetTRelativeSlot(6, sparsity, 0)
        if signature is not None:
            b.PrependUOffsetTRelativeSlot(7, signature, 0)
        b.PrependBoolSlot(8, True, False)  # has_rank: our shapes are always known, even scalars
        return b.EndObject()

    def _sparsity(self, sp):
        """SparsityParameters {0 traversal_order, 1 block_map, 2 dim_metadata}."""
        b = self.b
        levels = self._vector_of_tables([self._dimension_metadata(m) for m in sp.levels])
        order = self._numeric_vector(sp.traversal_order, np.int32)
        # Omitted when empty, as the converter writes unblocked tensors.
        block_map = self._numeric_vector(sp.block_map, np.int32) if sp.block_map else None
        b.StartObject(3)
        b.PrependUOffsetTRelativeSlot(0, order, 0)
        if block_map is not None:
            b.PrependUOffsetTRelativeSlot(1, block_map, 0)
        b.PrependUOffsetTRelativeSlot(2, levels, 0)
        return b.EndObject()

    def _dimension_metadata(self, level):
        """DimensionMetadata {0 format, 1 dense_size, 2/3 array_segments (union type, table),
        4/5 array_indices}."""
        b = self.b
        vectors = None
        if level.segments is not None:
            kind = _INDEX_VECTORS[np.dtype(level.index_dtype)]
            vectors = [self._index_vector(v, level.index_dtype) for v in (level.segments,
                                                                          level.indices)]
        b.StartObject(6)
        b.PrependInt8Slot(0, 0 if vectors is None else 1, 0)
        b.PrependInt32Slot(1, level.dense_size, 0)
        if vectors is not None:
            b.PrependUint8Slot(2, kind, 0)
            b.PrependUOffsetTRelativeSlot(3, vectors[0], 0)
            b.PrependUint8Slot(4, kind, 0)
            b.PrependUOffsetTRelativeSlot(5, vectors[1], 0)
        return b.EndObject()

    def _index_vector(self, values, dtype):
        """Int32Vector / Uint16Vector / Uint8Vector {0 values}."""
        info = np.iinfo(dtype)
        if len(values) and (min(values) < info.min or max(values) > info.max):
            raise ValueError(f"sparse index {max(values)} does not fit {np.dtype(dtype)}")
        vec = self._numeric_vector(values, dtype)
        self.b.StartObject(1)
        self.b.PrependUOffsetTRelativeSlot(0, vec, 0)
        return self.b.EndObject()

    def _quantization(self, t):
        b = self.b
        details = self._blockwise_details(t) if t.block_size else None
        scale = zero_point = None
        if t.scale is not None:
            scale = self._numeric_vector(t.scale, np.float32)
            zero_point = self._numeric_vector(t.zero_point, np.int64)
        b.StartObject(7)
        if scale is not None:
            b.PrependUOffsetTRelativeSlot(2, scale, 0)
            b.PrependUOffsetTRelativeSlot(3, zero_point, 0)
        if details is not None:
            b.PrependUint8Slot(4, 2, 0)  # QuantizationDetails: BlockwiseQuantization
            b.PrependUOffsetTRelativeSlot(5, details, 0)
        b.PrependInt32Slot(6, t.quantized_dimension, 0)
        return b.EndObject()

    def _blockwise_details(self, t):
        """BlockwiseQuantization {0 scales (tensor index), 1 zero_points (-1: none),
        2 block_size}."""
        b = self.b
        b.StartObject(3)
        b.PrependInt32Slot(0, t.block_scales, 0)
        b.PrependInt32Slot(1, -1, 0)
        b.PrependInt32Slot(2, t.block_size, 0)
        return b.EndObject()

    def _operator(self, op):
        b = self.b
        if op.op not in self.opcodes:
            self.opcodes.append(op.op)
        inputs = self._numeric_vector(op.inputs, np.int32)
        outputs = self._numeric_vector(op.outputs, np.int32)
        if op.op in CUSTOM_OPS:
            return self._custom_operator(op, inputs, outputs)
        options_type, options = self._options(op)
        intermediates = (self._numeric_vector(op.intermediates, np.int32)
                         if op.intermediates else None)
        b.StartObject(9 if intermediates is not None else 5)
        b.PrependUint32Slot(0, self.opcodes.index(op.op), 0)
        b.PrependUOffsetTRelativeSlot(1, inputs, 0)
        b.PrependUOffsetTRelativeSlot(2, outputs, 0)
        if options is not None:
            b.PrependUint8Slot(3, options_type, 0)  # union type tag
            b.PrependUOffsetTRelativeSlot(4, options, 0)
        if intermediates is not None:
            b.PrependUOffsetTRelativeSlot(8, intermediates, 0)  # Operator.intermediates
        return b.EndObject()

    def _custom_operator(self, op, inputs, outputs):
        """A CUSTOM operator: its options are a flexbuffer map (format 0, FLEXBUFFERS)."""
        b = self.b
        types = CUSTOM_OPS[op.op]
        values = {name: types[name](value) for name, value in op.options.items()}
        options = b.CreateByteVector(bytes(flexbuffers.Dumps(values))) if values else None
        b.StartObject(6)
        b.PrependUint32Slot(0, self.opcodes.index(op.op), 0)
        b.PrependUOffsetTRelativeSlot(1, inputs, 0)
        b.PrependUOffsetTRelativeSlot(2, outputs, 0)
        if options is not None:
            b.PrependUOffsetTRelativeSlot(5, options, 0)
        return b.EndObject()

    def _options(self, op):
        """Writes the op's builtin options table; returns (options type id, offset or None)."""
        _, options_type, fields = _ALL_OPS[op.op]
        if options_type == 0:
            return 0, None
        values = [self._option_value(op, name, default) for name, _, default in fields]
        # Vectors must be finished before the table that refers to them is started.
        vectors = {i: (self.b.CreateString(v) if kind == STR
                       else self._numeric_vector(v, _VECTOR_KINDS[kind]))
                   for i, ((_, kind, _), v) in enumerate(zip(fields, values))
                   if (kind in _VECTOR_KINDS or kind == STR) and v is not None}
        b = self.b
        b.StartObject(len(fields))
        for slot, ((name, kind, default), value) in enumerate(zip(fields, values)):
            if slot in vectors:
                b.PrependUOffsetTRelativeSlot(slot, vectors[slot], 0)
            elif kind not in _VECTOR_KINDS and kind != STR:
                self._prepend_scalar(slot, kind, value, default, f"{op.op}.{name}")
        return options_type, b.EndObject()

    @staticmethod
    def _option_value(op, name, default):
        if name in op.options:
            return op.options[name]
        return CONVENIENCE_DEFAULTS.get(name, default)

    def _prepend_scalar(self, slot, kind, value, default, what):
        b = self.b
        enums = {PAD: PADDING, ACT: ACTIVATION, WFMT: WEIGHTS_FORMAT, MPMODE: MIRROR_PAD_MODE,
                 LKTYPE: LSTM_KERNEL_TYPE}
        if kind in enums:
            table = enums[kind]
            if isinstance(value, str):
                if value not in table:
                    raise ValueError(f"{what}: {value!r} is not one of {sorted(table)}")
                value = table[value]
            b.PrependUint8Slot(slot, int(value), table[default])
        elif kind == TTYPE:
            if not isinstance(value, int):
                value = TENSOR_TYPES[dtype_of(value)]
            b.PrependInt8Slot(slot, value, default)
        elif kind == I32:
            b.PrependInt32Slot(slot, int(value), default)
        elif kind == BOOL:
            b.PrependBoolSlot(slot, bool(value), default)
        elif kind == F32:
            b.PrependFloat32Slot(slot, float(value), default)
        else:
            raise AssertionError(f"unhandled option kind {kind}")
