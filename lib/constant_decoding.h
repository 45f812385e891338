// Import-time decoding of constants whose stored form kernels cannot read:
// INT4/INT2 constants (packed several to a byte) are unpacked to one byte per
// element, and sparse constants (TFLite SparsityParameters) are densified.
// Done once per model, so no shape specialization repeats it. Tensor::data
// keeps the stored bytes (what the API shows); Tensor::decoded_data points at
// the decoded ones, owned by the Graph.
#pragma once

#include "lib/graph.h"

namespace jitlite {

// Decodes every constant of `sg` that needs it into `graph.owned_constants`.
// A sparse tensor whose metadata is inconsistent (sizes, index ranges, value
// count) is an InvalidArgument naming the tensor.
Status DecodeConstants(Subgraph& sg, Graph& graph);

}  // namespace jitlite
