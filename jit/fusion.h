// Fusion planning: which nodes become one generated kernel. LLVM-free, so the
// interpreter and tests can inspect the plan.
//
// Rules (each "no fuse" records its reason in the group's note):
//  - an elementwise node joins the group that produced its input when that
//    input has the same shape, exactly one consumer and is not a graph output
//    (so the intermediate never needs memory);
//  - a kernel node (conv, FC, pooling, ...) starts a group, and following
//    elementwise nodes join it as its epilogue under the same rule;
//  - a kernel node joins a group that is one kernel node producing its
//    input 0 (one consumer, not a graph output) when its op computes that
//    input itself (OpDef::FusesProducer; e.g. a depthwise conv running the
//    1x1 conv before it a few rows at a time); it becomes the anchor;
//  - alias nodes (RESHAPE, SQUEEZE, EXPAND_DIMS) emit no code: the output is
//    the input's buffer; folded nodes emit no code either. An alias of a
//    kernel group's tail that keeps its last dimension carries the chain on
//    (BATCH_MATMUL -> RESHAPE -> ADD stays one kernel): the epilogue nodes
//    after it index its shape, the same elements in the same order;
//  - a row kernel (float SOFTMAX) whose input is the tail of a kernel group
//    that stores whole row tiles (float BATCH_MATMUL) ends that group as its
//    row epilogue: it runs in place on each row tile just stored, while it is
//    in cache (attention scores -> mask ADD -> SOFTMAX is one kernel);
//  - a control-flow node (WHILE, IF) is a group of its own, never fused.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lib/shaped_graph.h"

namespace jitlite::jit {

struct FusionGroup {
  std::vector<int> nodes;    // execution order; nodes[anchor] is the kernel
  // Nodes before it are producers the anchor's kernel computes itself.
  size_t anchor = 0;
  bool kernel_anchor = false;  // nodes[0] is a kKernel op
  bool control_flow = false;   // nodes[0] is WHILE/IF: no kernel, the entry runs its subgraphs
  bool row_epilogue = false;   // nodes.back() is a row kernel run on the anchor's stored rows
  std::vector<int> outputs;  // tensors this group writes to memory
  // Aliases inside a kernel group's epilogue, (input, output) tensors in
  // execution order: the output's value is the input's.
  std::vector<std::pair<int, int>> aliases;
  std::string symbol;        // e.g. "k3_conv_2d_add_relu"
  std::string note;          // fusion decisions
};

struct FusionPlan {
  std::vector<FusionGroup> groups;
  // For each tensor: the tensor whose buffer it uses (itself unless it is the
  // output of an alias node; chains are resolved to the root).
  std::vector<int> buffer_root;
  // Tensors that need memory (written by a group, graph inputs, variables).
  std::vector<bool> materialized;
  // For tensors fused away: the kernel that consumes them in registers.
  std::vector<std::string> fused_into;
};

// preserve_all_tensors: every node gets its own group (nothing fused away).
FusionPlan PlanFusion(const ShapedGraph& g, bool preserve_all_tensors);

}  // namespace jitlite::jit
