// Tests for the model-loading layer (lib/model.cc, lib/graph.cc): every model
// of the shared corpus loads or fails with InvalidArgument, concrete facts of
// a few real models, every verification rule on small synthetic models built
// with the flatbuffers builder, and robustness against truncated, bit-flipped
// and foreign inputs (run these under ASan/UBSan: "never crashes" is the
// point). Corpus tests skip when ../shared/models is absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "lib/float16.h"
#include "lib/graph.h"
#include "lib/model.h"
#include "lib/shaped_graph.h"
#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

namespace fs = std::filesystem;

#ifdef JITLITE_SHARED_MODELS_DIR
constexpr const char* kModelsDir = JITLITE_SHARED_MODELS_DIR;
#else
constexpr const char* kModelsDir = "../shared/models";
#endif

bool HaveModels() { return fs::is_directory(kModelsDir); }

#define SKIP_WITHOUT_MODELS()                                          \
  do {                                                                 \
    if (!HaveModels()) {                                               \
      GTEST_SKIP() << "model corpus not found at " << kModelsDir       \
                   << " (it lives in ../shared/models beside the "     \
                      "checkout)";                                     \
    }                                                                  \
  } while (0)

std::string ModelPath(const std::string& relative) {
  return std::string(kModelsDir) + "/" + relative;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::shared_ptr<const Model> LoadOrDie(const std::string& relative) {
  auto model = Model::FromFile(ModelPath(relative));
  EXPECT_TRUE(model.ok()) << relative << ": " << model.status().message();
  return model.ok() ? *model : nullptr;
}

// Touches everything a loaded graph exposes, so ASan sees any bad pointer the
// importer let through (constant data, operator tables, options).
uint64_t WalkGraph(const Model& model) {
  uint64_t sum = 0;
  for (const Subgraph& sg : model.graph().subgraphs) {
    for (const Tensor& t : sg.tensors) {
      for (size_t i = 0; i < t.data_size; ++i) sum += t.data[i];
      sum += t.name.size() + t.quantization.scales.size();
      for (const auto& dim : t.sparsity.dim_metadata) {
        sum += dim.array_indices.size() + dim.array_segments.size();
      }
    }
    for (const Node& node : sg.nodes) {
      for (int input : node.inputs) {
        if (input >= 0) sum += sg.tensors.at(input).shape.size();
      }
      for (int output : node.outputs) sum += sg.tensors.at(output).is_variable;
      sum += static_cast<uint64_t>(node.op->builtin_options_type());
      if (node.op->custom_options()) sum += node.op->custom_options()->size();
    }
  }
  return sum;
}

// Loading `bytes` either succeeds (and the graph is walkable) or fails with
// InvalidArgument; anything else (a crash, another code) is a bug.
void ExpectLoadsOrInvalid(const std::vector<uint8_t>& bytes,
                          const std::string& what) {
  auto model = Model::FromBuffer(bytes.data(), bytes.size());
  if (model.ok()) {
    WalkGraph(**model);
  } else {
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument)
        << what << ": " << model.status().message();
    EXPECT_FALSE(model.status().message().empty()) << what;
  }
}

// ---------------------------------------------------------------------------
// The corpus.
// ---------------------------------------------------------------------------

TEST(ModelCorpus, EveryModelLoadsOrFailsWithInvalidArgument) {
  SKIP_WITHOUT_MODELS();
  // Exactly the files LiteRT's interpreter rejects, minus person_detect
  // (TFLM-era per-axis bias axis; LiteRT rejects it, we accept like TFLM).
  const std::set<std::string> kExpectedFailures = {
      "api/0_subgraphs.bin", "api/no_subgraphs.bin",
      "api/test_model_broken.bin"};
  std::set<std::string> failures;
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kModelsDir)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".tflite" && ext != ".bin")) {
      continue;
    }
    const std::string rel =
        fs::relative(entry.path(), kModelsDir).generic_string();
    ++count;
    auto from_file = Model::FromFile(entry.path().string());
    const std::vector<uint8_t> bytes = ReadFile(entry.path().string());
    auto from_buffer = Model::FromBuffer(bytes.data(), bytes.size());
    EXPECT_EQ(from_file.ok(), from_buffer.ok()) << rel;
    if (from_file.ok()) {
      WalkGraph(**from_file);
      continue;
    }
    failures.insert(rel);
    EXPECT_EQ(from_file.status().code(), StatusCode::kInvalidArgument)
        << rel << ": " << from_file.status().message();
  }
  EXPECT_GT(count, 50);
  EXPECT_EQ(failures, kExpectedFailures);
}

TEST(ModelCorpus, HelloWorldFloat) {
  SKIP_WITHOUT_MODELS();
  auto model = LoadOrDie("micro/hello_world_float.tflite");
  ASSERT_TRUE(model);
  const Graph& g = model->graph();
  ASSERT_EQ(g.subgraphs.size(), 1u);
  const Subgraph& sg = g.subgraphs[0];
  EXPECT_EQ(sg.name, "main");
  ASSERT_EQ(sg.nodes.size(), 3u);
  for (const Node& node : sg.nodes) {
    EXPECT_EQ(node.builtin_code, 9);
    EXPECT_EQ(node.op_name, "FULLY_CONNECTED");
    EXPECT_TRUE(node.custom_code.empty());
    EXPECT_NE(node.op, nullptr);
    EXPECT_EQ(node.op->builtin_options_type(),
              tflite::BuiltinOptions::FullyConnectedOptions);
  }
  EXPECT_EQ(sg.nodes[1].index, 1);
  EXPECT_EQ(sg.nodes[0].inputs, (std::vector<int>{0, 4, 3}));
  EXPECT_EQ(sg.nodes[0].outputs, (std::vector<int>{7}));
  ASSERT_EQ(sg.inputs, (std::vector<int>{0}));
  ASSERT_EQ(sg.outputs, (std::vector<int>{9}));
  const Tensor& input = sg.tensors[0];
  EXPECT_EQ(input.dtype, DType::kFloat32);
  EXPECT_EQ(input.shape, (Shape{1, 1}));
  EXPECT_EQ(input.shape_signature, (Shape{-1, 1}));
  EXPECT_FALSE(input.is_constant());
  // Weights of the middle layer: a 16x16 float constant inside the model.
  const Tensor& weights = sg.tensors[5];
  EXPECT_EQ(weights.shape, (Shape{16, 16}));
  EXPECT_EQ(weights.shape_signature, weights.shape);  // no signature in file
  ASSERT_TRUE(weights.is_constant());
  EXPECT_EQ(weights.data_size, 1024u);
  EXPECT_GE(weights.data, model->bytes());
  EXPECT_LE(weights.data + weights.data_size, model->bytes() + model->size());
  // Signature.
  ASSERT_EQ(g.signatures.size(), 1u);
  EXPECT_EQ(g.signatures[0].key, "serving_default");
  EXPECT_EQ(g.signatures[0].subgraph_index, 0);
  using Map = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(g.signatures[0].inputs, (Map{{"dense_input", 0}}));
  EXPECT_EQ(g.signatures[0].outputs, (Map{{"dense_2", 9}}));
}

TEST(ModelCorpus, MobileNetV2PerChannelConvWeights) {
  SKIP_WITHOUT_MODELS();
  auto model = LoadOrDie("micro/mobilenet_v2_quantized_1x3x224x224.tflite");
  ASSERT_TRUE(model);
  const Subgraph& sg = model->graph().subgraphs[0];
  int convs = 0;
  int depthwise = 0;
  for (const Node& node : sg.nodes) {
    if (node.op_name != "CONV_2D" && node.op_name != "DEPTHWISE_CONV_2D") {
      continue;
    }
    const Tensor& w = sg.tensors.at(node.inputs.at(1));
    ASSERT_TRUE(w.is_constant()) << w.name;
    EXPECT_EQ(w.dtype, DType::kInt8);
    const QuantizationInfo& q = w.quantization;
    // OHWI filters are quantized along O, depthwise [1,H,W,C] along C.
    const int axis = node.builtin_code == 3 ? 0 : 3;
    EXPECT_EQ(q.quantized_dimension, axis) << w.name;
    ASSERT_EQ(q.scales.size(), static_cast<size_t>(w.shape.at(axis)))
        << w.name;
    EXPECT_GT(q.scales.size(), 1u);
    EXPECT_EQ(q.zero_points.size(), q.scales.size());
    node.builtin_code == 3 ? ++convs : ++depthwise;
  }
  EXPECT_EQ(convs, 35);
  EXPECT_EQ(depthwise, 17);
}

TEST(ModelCorpus, PersonDetectLoadsWithBiasAxisNormalized) {
  SKIP_WITHOUT_MODELS();
  auto model = LoadOrDie("micro/person_detect.tflite");
  ASSERT_TRUE(model);
  const Subgraph& sg = model->graph().subgraphs[0];
  const Tensor& bias = sg.tensors.at(33);  // file says axis 3 on a vector
  EXPECT_EQ(bias.shape, (Shape{8}));
  EXPECT_EQ(bias.quantization.scales.size(), 8u);
  EXPECT_EQ(bias.quantization.quantized_dimension, 0);
  const Tensor& dw = sg.tensors.at(1);
  EXPECT_EQ(dw.quantization.quantized_dimension, 3);
}

TEST(ModelCorpus, DegenerateApiModels) {
  SKIP_WITHOUT_MODELS();
  for (const char* name : {"api/0_subgraphs.bin", "api/no_subgraphs.bin"}) {
    auto model = Model::FromFile(ModelPath(name));
    ASSERT_FALSE(model.ok()) << name;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(model.status().message().find("no subgraphs"),
              std::string::npos)
        << model.status().message();
  }
  auto broken = Model::FromFile(ModelPath("api/test_model_broken.bin"));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("not a valid Flatbuffer"),
            std::string::npos);
  auto empty = LoadOrDie("api/empty_model.bin");
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->graph().subgraphs.size(), 1u);
  EXPECT_TRUE(empty->graph().subgraphs[0].tensors.empty());
  EXPECT_TRUE(empty->graph().subgraphs[0].nodes.empty());
}

TEST(ModelCorpus, CustomOpsSparsityAndSubgraphs) {
  SKIP_WITHOUT_MODELS();
  auto custom = LoadOrDie("api/test_model.bin");
  ASSERT_TRUE(custom);
  const auto& nodes = custom->graph().subgraphs[0].nodes;
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].op_name, "CONV_2D");
  EXPECT_EQ(nodes[1].builtin_code, 32);
  EXPECT_EQ(nodes[1].custom_code, "testing_op");
  EXPECT_EQ(nodes[1].op_name, "testing_op");

  auto sparse = LoadOrDie("api/sparse_tensor.bin");
  ASSERT_TRUE(sparse);
  const Tensor& t = sparse->graph().subgraphs[0].tensors[0];
  ASSERT_TRUE(t.is_constant());
  EXPECT_EQ(t.data_size, 12u);  // compressed: smaller than 4x4 is fine
  EXPECT_EQ(t.sparsity.traversal_order, (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.sparsity.block_map, (std::vector<int32_t>{0, 1}));
  ASSERT_EQ(t.sparsity.dim_metadata.size(), 4u);
  EXPECT_EQ(t.sparsity.dim_metadata[0].format, 0);
  EXPECT_EQ(t.sparsity.dim_metadata[0].dense_size, 2);
  EXPECT_EQ(t.sparsity.dim_metadata[1].format, 1);
  EXPECT_EQ(t.sparsity.dim_metadata[1].array_segments,
            (std::vector<int32_t>{0, 2, 3}));
  EXPECT_EQ(t.sparsity.dim_metadata[1].array_indices,
            (std::vector<int32_t>{0, 1, 1}));
  // Densified once at import: 2x2 blocks (0,0), (0,1) and (1,1) of a 4x4.
  ASSERT_EQ(t.dtype, DType::kInt8);
  ASSERT_NE(t.decoded_data, nullptr);
  ASSERT_EQ(t.decoded_size, 16u);
  const std::vector<int8_t> dense(t.decoded_data, t.decoded_data + 16);
  EXPECT_EQ(dense, (std::vector<int8_t>{1, 0, 2, 3, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 6}));

  auto loop = LoadOrDie("api/multi_subgraphs_while.bin");
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->graph().subgraphs.size(), 3u);
  bool saw_while = false;
  for (const Node& node : loop->graph().subgraphs[0].nodes) {
    saw_while |= node.op_name == "WHILE";
  }
  EXPECT_TRUE(saw_while);
}

TEST(ModelCorpus, Int4ConstantsArePacked) {
  SKIP_WITHOUT_MODELS();
  auto model = LoadOrDie("ops/qwen_fc_blockwise_quantized.tflite");
  ASSERT_TRUE(model);
  const Tensor& w = model->graph().subgraphs[0].tensors[1];
  EXPECT_EQ(w.dtype, DType::kInt4);
  EXPECT_EQ(w.shape, (Shape{1024, 1024}));
  EXPECT_EQ(w.data_size, 1024u * 1024u / 2);
  // Unpacked once at import, one sign-extended byte per element.
  ASSERT_NE(w.decoded_data, nullptr);
  ASSERT_EQ(w.decoded_size, 1024u * 1024u);
  for (size_t i = 0; i < 64; ++i) {
    const int nibble = (w.data[i / 2] >> (4 * (i % 2))) & 15;
    EXPECT_EQ(static_cast<int8_t>(w.decoded_data[i]), nibble >= 8 ? nibble - 16 : nibble);
  }
}

TEST(ModelCorpus, BlockwiseScalesComeFromTheirTensor) {
  SKIP_WITHOUT_MODELS();
  auto model = LoadOrDie("ops/qwen_fc_blockwise_quantized.tflite");
  ASSERT_TRUE(model);
  const Subgraph& sg = model->graph().subgraphs[0];
  const QuantizationInfo& q = sg.tensors[1].quantization;
  EXPECT_EQ(q.block_size, 32);
  // One scale per block of 32 inputs of each of the 1024 units: the FLOAT16 tensor 3.
  ASSERT_EQ(q.scales.size(), 1024u * 32u);
  EXPECT_EQ(q.zero_points, std::vector<int64_t>(q.scales.size(), 0));
  const Tensor& scales = sg.tensors[3];
  ASSERT_EQ(scales.dtype, DType::kFloat16);
  uint16_t first;
  std::memcpy(&first, scales.data, sizeof first);
  EXPECT_EQ(q.scales[0], HalfToFloat(first));
  for (float s : q.scales) EXPECT_TRUE(s > 0.0f && std::isfinite(s));
}

// ---------------------------------------------------------------------------
// Synthetic models: one rule per test, no corpus needed.
// ---------------------------------------------------------------------------

// A small description of a model, turned into flatbuffer bytes by Build().
// The default is input[2] + constant[2] -> ADD -> output[2].
struct TestModel {
  struct TensorSpec {
    std::vector<int32_t> shape = {};
    tflite::TensorType type = tflite::TensorType::FLOAT32;
    uint32_t buffer = 0;
    std::string name = {};
    bool is_variable = false;
    std::optional<std::vector<int32_t>> shape_signature = std::nullopt;
    std::optional<std::vector<float>> scales = std::nullopt;
    std::optional<std::vector<int64_t>> zero_points = std::nullopt;
    int32_t quantized_dimension = 0;
    uint32_t external_buffer = 0;
  };
  struct BufferSpec {
    std::vector<uint8_t> data = {};
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  struct OpSpec {
    uint32_t opcode_index = 0;
    std::vector<int32_t> inputs = {};
    std::vector<int32_t> outputs = {};
    std::vector<int32_t> intermediates = {};
    std::optional<std::pair<int32_t, int32_t>> while_subgraphs = std::nullopt;
  };
  struct CodeSpec {
    int8_t deprecated_code = 0;
    int32_t code = 0;
    std::optional<std::string> custom_code = std::nullopt;
  };
  struct SignatureSpec {
    std::string key;
    uint32_t subgraph = 0;
    std::vector<std::pair<std::string, uint32_t>> inputs;
    std::vector<std::pair<std::string, uint32_t>> outputs;
  };

  uint32_t version = 3;
  std::vector<TensorSpec> tensors;
  std::vector<BufferSpec> buffers;
  std::vector<OpSpec> ops;
  std::vector<CodeSpec> codes;
  std::vector<int32_t> inputs{0};
  std::vector<int32_t> outputs{2};
  int extra_subgraphs = 0;  // empty subgraphs after the main one
  std::vector<SignatureSpec> signatures;

  TestModel() {
    tensors = {{{2}, tflite::TensorType::FLOAT32, 0, "in"},
               {{2}, tflite::TensorType::FLOAT32, 1, "const"},
               {{2}, tflite::TensorType::FLOAT32, 0, "out"}};
    buffers = {{}, {std::vector<uint8_t>(8, 0x3f)}};
    ops = {{0, {0, 1}, {2}}};
    codes = {{0, 0}};
  }

  std::vector<uint8_t> Build() const {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<tflite::Tensor>> fb_tensors;
    for (const TensorSpec& t : tensors) fb_tensors.push_back(BuildTensor(fbb, t));
    std::vector<flatbuffers::Offset<tflite::Operator>> fb_ops;
    for (const OpSpec& op : ops) fb_ops.push_back(BuildOp(fbb, op));
    std::vector<flatbuffers::Offset<tflite::SubGraph>> subgraphs = {
        tflite::CreateSubGraphDirect(fbb, &fb_tensors, &inputs, &outputs,
                                     &fb_ops, "main")};
    for (int i = 0; i < extra_subgraphs; ++i) {
      subgraphs.push_back(tflite::CreateSubGraphDirect(fbb));
    }
    std::vector<flatbuffers::Offset<tflite::Buffer>> fb_buffers;
    for (const BufferSpec& b : buffers) {
      fb_buffers.push_back(tflite::CreateBufferDirect(
          fbb, b.data.empty() ? nullptr : &b.data, b.offset, b.size));
    }
    std::vector<flatbuffers::Offset<tflite::OperatorCode>> fb_codes;
    for (const CodeSpec& c : codes) {
      fb_codes.push_back(tflite::CreateOperatorCodeDirect(
          fbb, c.deprecated_code,
          c.custom_code ? c.custom_code->c_str() : nullptr, 1,
          static_cast<tflite::BuiltinOperator>(c.code)));
    }
    std::vector<flatbuffers::Offset<tflite::SignatureDef>> fb_sigs;
    for (const SignatureSpec& s : signatures) {
      fb_sigs.push_back(BuildSignature(fbb, s));
    }
    auto root = tflite::CreateModelDirect(
        fbb, version, &fb_codes, &subgraphs, "test model", &fb_buffers,
        nullptr, nullptr, fb_sigs.empty() ? nullptr : &fb_sigs);
    tflite::FinishModelBuffer(fbb, root);
    return std::vector<uint8_t>(fbb.GetBufferPointer(),
                                fbb.GetBufferPointer() + fbb.GetSize());
  }

  static flatbuffers::Offset<tflite::Tensor> BuildTensor(
      flatbuffers::FlatBufferBuilder& fbb, const TensorSpec& t) {
    flatbuffers::Offset<tflite::QuantizationParameters> q = 0;
    if (t.scales || t.zero_points) {
      q = tflite::CreateQuantizationParametersDirect(
          fbb, nullptr, nullptr, t.scales ? &*t.scales : nullptr,
          t.zero_points ? &*t.zero_points : nullptr,
          tflite::QuantizationDetails::NONE, 0, t.quantized_dimension);
    }
    return tflite::CreateTensorDirect(
        fbb, &t.shape, t.type, t.buffer, t.name.c_str(), q, t.is_variable, 0,
        t.shape_signature ? &*t.shape_signature : nullptr, false, nullptr,
        t.external_buffer);
  }

  static flatbuffers::Offset<tflite::Operator> BuildOp(
      flatbuffers::FlatBufferBuilder& fbb, const OpSpec& op) {
    auto options_type = tflite::BuiltinOptions::NONE;
    flatbuffers::Offset<void> options = 0;
    if (op.while_subgraphs) {
      options_type = tflite::BuiltinOptions::WhileOptions;
      options = tflite::CreateWhileOptions(fbb, op.while_subgraphs->first,
                                           op.while_subgraphs->second)
                    .Union();
    }
    return tflite::CreateOperatorDirect(
        fbb, op.opcode_index, &op.inputs, &op.outputs, options_type, options,
        nullptr, tflite::CustomOptionsFormat::FLEXBUFFERS, nullptr,
        op.intermediates.empty() ? nullptr : &op.intermediates);
  }

  static flatbuffers::Offset<tflite::SignatureDef> BuildSignature(
      flatbuffers::FlatBufferBuilder& fbb, const SignatureSpec& s) {
    auto maps = [&](const std::vector<std::pair<std::string, uint32_t>>& v) {
      std::vector<flatbuffers::Offset<tflite::TensorMap>> out;
      for (const auto& [name, index] : v) {
        out.push_back(tflite::CreateTensorMapDirect(fbb, name.c_str(), index));
      }
      return fbb.CreateVector(out);
    };
    auto in = maps(s.inputs);
    auto out = maps(s.outputs);
    return tflite::CreateSignatureDef(fbb, in, out,
                                      fbb.CreateString(s.key), 0, s.subgraph);
  }
};

StatusOr<std::shared_ptr<const Model>> Load(const TestModel& spec) {
  const std::vector<uint8_t> bytes = spec.Build();
  return Model::FromBuffer(bytes.data(), bytes.size());
}

// Expects an InvalidArgument whose message contains `needle`.
void ExpectInvalid(const TestModel& spec, const std::string& needle) {
  auto model = Load(spec);
  ASSERT_FALSE(model.ok()) << "expected an error containing: " << needle;
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find(needle), std::string::npos)
      << "message: " << model.status().message();
}

TEST(ModelSynthetic, DefaultModelLoads) {
  auto model = Load(TestModel());
  ASSERT_TRUE(model.ok()) << model.status().message();
  const Graph& g = (*model)->graph();
  EXPECT_EQ(g.description, "test model");
  const Subgraph& sg = g.subgraphs.at(0);
  EXPECT_EQ(sg.name, "main");
  ASSERT_EQ(sg.nodes.size(), 1u);
  EXPECT_EQ(sg.nodes[0].op_name, "ADD");
  EXPECT_EQ(sg.nodes[0].version, 1);
  EXPECT_TRUE(sg.tensors[1].is_constant());
  EXPECT_FALSE(sg.tensors[0].is_constant());
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*model)->bytes()) % 64, 0u);
  // Buffer.data is force_align 16 in the schema; the aligned copy keeps it.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(sg.tensors[1].data) % 16, 0u);
}

TEST(ModelSynthetic, ConstantBufferTooSmall) {
  TestModel m;
  m.tensors[1].shape = {8, 3, 3, 3};
  m.tensors[1].name = "conv/w";
  m.buffers[1].data.resize(10);
  ExpectInvalid(m,
                "subgraph 0: tensor 1 'conv/w': buffer 1 holds 10 bytes, "
                "shape [8, 3, 3, 3] FLOAT32 needs 864");
}

TEST(ModelSynthetic, ConstantBufferLargerThanNeededIsFine) {
  TestModel m;
  m.buffers[1].data.resize(64);
  EXPECT_TRUE(Load(m).ok());
}

TEST(ModelSynthetic, EmptyBufferMeansNotConstant) {
  // The MLIR converter gives every tensor its own (mostly empty) buffer.
  TestModel m;
  m.buffers.push_back({});
  m.tensors[2].buffer = 2;
  auto model = Load(m);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_FALSE((*model)->graph().subgraphs[0].tensors[2].is_constant());
}

TEST(ModelSynthetic, VariableWithBufferIsNotConstant) {
  TestModel m;
  m.tensors[1].is_variable = true;
  auto model = Load(m);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const Tensor& t = (*model)->graph().subgraphs[0].tensors[1];
  EXPECT_TRUE(t.is_variable);
  EXPECT_FALSE(t.is_constant());
}

TEST(ModelSynthetic, Int4DataIsPacked) {
  TestModel m;
  m.tensors[1].type = tflite::TensorType::INT4;
  m.tensors[1].shape = {5};
  m.buffers[1].data.assign(3, 0);  // ceil(5 / 2)
  EXPECT_TRUE(Load(m).ok());
  m.buffers[1].data.assign(2, 0);
  ExpectInvalid(m, "holds 2 bytes, shape [5] INT4 needs 3");
}

TEST(ModelSynthetic, BufferIndexOutOfRange) {
  TestModel m;
  m.tensors[1].buffer = 7;
  ExpectInvalid(m, "tensor 1 'const': buffer 7 is out of range");
}

TEST(ModelSynthetic, ExternalDataAtAbsoluteOffset) {
  // >2 GB layout in miniature: the data sits after the flatbuffer and the
  // buffer records its absolute offset and size.
  TestModel m;
  m.buffers[1] = {{}, 1, 1};  // placeholder of the final encoded size
  const size_t fb_size = m.Build().size();
  const uint64_t offset = (fb_size + 15) / 16 * 16;
  m.buffers[1] = {{}, offset, 8};
  std::vector<uint8_t> bytes = m.Build();
  ASSERT_EQ(bytes.size(), fb_size);
  bytes.resize(offset + 8, 0);
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<uint8_t>(i + 1);
  auto model = Model::FromBuffer(bytes.data(), bytes.size());
  ASSERT_TRUE(model.ok()) << model.status().message();
  const Tensor& t = (*model)->graph().subgraphs[0].tensors[1];
  ASSERT_TRUE(t.is_constant());
  EXPECT_EQ(t.data, (*model)->bytes() + offset);
  EXPECT_EQ(t.data_size, 8u);
  EXPECT_EQ(t.data[7], 8);

  bytes.resize(offset + 4);  // data cut short: out of the file
  auto cut = Model::FromBuffer(bytes.data(), bytes.size());
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("past the end"), std::string::npos)
      << cut.status().message();
}

TEST(ModelSynthetic, ExternalOffsetPlaceholderIsNotData) {
  TestModel m;
  m.buffers[1] = {{}, 1, 1};  // offset <= 1: not a real location
  auto model = Load(m);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_FALSE((*model)->graph().subgraphs[0].tensors[1].is_constant());
}

TEST(ModelSynthetic, HugeExternalRangeDoesNotOverflow) {
  TestModel m;
  m.buffers[1] = {{}, 16, UINT64_MAX - 8};
  ExpectInvalid(m, "past the end");
}

TEST(ModelSynthetic, TensorIndicesOutOfRange) {
  {
    TestModel m;
    m.ops[0].inputs = {0, 9};
    ExpectInvalid(m, "node 0 ADD: inputs[1] is tensor 9, out of range");
  }
  {
    TestModel m;
    m.ops[0].outputs = {-1};
    ExpectInvalid(m, "outputs[0] is tensor -1");
  }
  {
    TestModel m;
    m.ops[0].intermediates = {3};
    ExpectInvalid(m, "intermediates[0] is tensor 3");
  }
  {
    TestModel m;
    m.inputs = {5};
    ExpectInvalid(m, "subgraph 0: inputs[0] is tensor 5");
  }
  {
    TestModel m;
    m.outputs = {-1};
    ExpectInvalid(m, "outputs[0] is tensor -1");
  }
}

TEST(ModelSynthetic, OptionalInputIsAllowed) {
  TestModel m;
  m.ops[0].inputs = {0, -1};
  auto model = Load(m);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->graph().subgraphs[0].nodes[0].inputs,
            (std::vector<int>{0, -1}));
}

TEST(ModelSynthetic, OperatorCodes) {
  {
    TestModel m;
    m.ops[0].opcode_index = 4;
    ExpectInvalid(m, "opcode_index 4 is out of range");
  }
  {
    TestModel m;
    m.codes[0] = {127, 215};
    ExpectInvalid(m, "builtin code 215 is out of range");
  }
  {
    TestModel m;
    m.codes[0] = {32, 32};
    ExpectInvalid(m, "CUSTOM operator code has no custom_code");
  }
  {
    // Old files: only the int8 field is set.
    TestModel m;
    m.codes[0] = {18, 0};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    EXPECT_EQ((*model)->graph().subgraphs[0].nodes[0].op_name, "MUL");
  }
  {
    // Codes past 127 live in the int32 field only.
    TestModel m;
    m.codes[0] = {127, 150};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    EXPECT_EQ((*model)->graph().subgraphs[0].nodes[0].op_name, "GELU");
  }
  {
    TestModel m;
    m.codes[0] = {32, 32, "MyOp"};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    const Node& node = (*model)->graph().subgraphs[0].nodes[0];
    EXPECT_EQ(node.builtin_code, 32);
    EXPECT_EQ(node.op_name, "MyOp");
    EXPECT_EQ(node.custom_code, "MyOp");
  }
}

TEST(ModelSynthetic, SchemaVersionAndSubgraphs) {
  TestModel m;
  m.version = 2;
  ExpectInvalid(m, "schema version 2 not equal to supported version 3");
}

TEST(ModelSynthetic, TensorTypeAndShape) {
  {
    TestModel m;
    m.tensors[0].type = static_cast<tflite::TensorType>(40);
    ExpectInvalid(m, "tensor 0 'in': unknown tensor type 40");
  }
  {
    TestModel m;
    m.tensors[0].shape = {1, -1};
    ExpectInvalid(m, "shape [1, -1] has an invalid dimension -1");
  }
  {
    TestModel m;
    m.tensors[0].shape = {65536, 65536, 65536, 65536};
    ExpectInvalid(m, "too large");
  }
  {
    TestModel m;
    m.tensors[0].shape_signature = std::vector<int32_t>{-2, 2};
    ExpectInvalid(m, "shape_signature [-2, 2] has an invalid dimension -2");
  }
  {
    TestModel m;
    m.tensors[0].shape_signature = std::vector<int32_t>{-1, 2, 2};
    ExpectInvalid(m, "differ in rank");
  }
  {
    TestModel m;
    m.tensors[0].shape_signature = std::vector<int32_t>{-1};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    const Tensor& t = (*model)->graph().subgraphs[0].tensors[0];
    EXPECT_EQ(t.shape, (Shape{2}));
    EXPECT_EQ(t.shape_signature, (Shape{-1}));
  }
}

TEST(ModelSynthetic, Quantization) {
  {
    TestModel m;  // scales only: symmetric, zero points filled with 0
    m.tensors[0].type = tflite::TensorType::INT8;
    m.tensors[0].scales = std::vector<float>{0.5f};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    const QuantizationInfo& q = (*model)->graph().subgraphs[0].tensors[0].quantization;
    EXPECT_EQ(q.scales, (std::vector<float>{0.5f}));
    EXPECT_EQ(q.zero_points, (std::vector<int64_t>{0}));
  }
  {
    TestModel m;
    m.tensors[0].scales = std::vector<float>{0.5f, 0.25f};
    m.tensors[0].zero_points = std::vector<int64_t>{1};
    ExpectInvalid(m, "2 scales but 1 zero points");
  }
  {
    TestModel m;  // per-axis along dim 0 of [2]
    m.tensors[1].scales = std::vector<float>{0.5f, 0.25f};
    m.tensors[1].zero_points = std::vector<int64_t>{0, 0};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
  }
  {
    TestModel m;
    m.tensors[1].shape = {2, 3};
    m.buffers[1].data.resize(24);
    m.tensors[1].scales = std::vector<float>{0.5f, 0.25f};
    m.tensors[1].quantized_dimension = 1;
    ExpectInvalid(m, "2 scales but dimension 1 of shape [2, 3] is 3");
  }
  {
    TestModel m;
    m.tensors[1].shape = {2, 3};
    m.buffers[1].data.resize(24);
    m.tensors[1].scales = std::vector<float>{0.5f, 0.25f};
    m.tensors[1].quantized_dimension = 2;
    ExpectInvalid(m, "per-axis quantization dimension 2 is out of range");
  }
}

TEST(ModelSynthetic, StringConstants) {
  // Two strings "ab", "c": count, 3 offsets, then the characters.
  auto encode = [](std::vector<int32_t> header, const std::string& chars) {
    std::vector<uint8_t> out(header.size() * 4);
    std::memcpy(out.data(), header.data(), out.size());
    out.insert(out.end(), chars.begin(), chars.end());
    return out;
  };
  TestModel m;
  m.tensors[1].type = tflite::TensorType::STRING;
  m.buffers[1].data = encode({2, 16, 18, 19}, "abc");
  EXPECT_TRUE(Load(m).ok());
  m.buffers[1].data = encode({2, 16, 18, 99}, "abc");
  ExpectInvalid(m, "out of order or past the end");
  m.buffers[1].data = encode({3, 16, 18, 19}, "abc");
  ExpectInvalid(m, "claims 3 strings");
}

TEST(ModelSynthetic, Signatures) {
  {
    TestModel m;
    m.signatures = {{"serve", 0, {{"x", 0}}, {{"y", 2}}}};
    auto model = Load(m);
    ASSERT_TRUE(model.ok()) << model.status().message();
    const SignatureInfo& s = (*model)->graph().signatures.at(0);
    EXPECT_EQ(s.key, "serve");
    EXPECT_EQ(s.inputs.at(0), (std::pair<std::string, int>{"x", 0}));
    EXPECT_EQ(s.outputs.at(0), (std::pair<std::string, int>{"y", 2}));
  }
  {
    TestModel m;
    m.signatures = {{"serve", 3, {}, {}}};
    ExpectInvalid(m, "signature 0: 'serve' names subgraph 3, out of range");
  }
  {
    TestModel m;
    m.signatures = {{"serve", 0, {{"x", 30}}, {}}};
    ExpectInvalid(m, "input 'x' is tensor 30, out of range");
  }
}

TEST(ModelSynthetic, WhileSubgraphReferences) {
  TestModel m;
  m.codes[0] = {119, 119};
  m.extra_subgraphs = 2;
  m.ops[0].while_subgraphs = std::make_pair(1, 2);
  EXPECT_TRUE(Load(m).ok());
  m.ops[0].while_subgraphs = std::make_pair(1, 3);
  ExpectInvalid(m, "node 0 WHILE: WHILE body is subgraph 3, out of range");
}

// ---------------------------------------------------------------------------
// Files, empty and foreign inputs.
// ---------------------------------------------------------------------------

TEST(ModelFiles, MissingFile) {
  auto model = Model::FromFile("/nonexistent/dir/model.tflite");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.status().message(),
            "Could not open '/nonexistent/dir/model.tflite'.");
}

TEST(ModelFiles, DirectoryIsNotAModel) {
  auto model = Model::FromFile(fs::temp_directory_path().string());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
}

TEST(ModelFiles, EmptyFile) {
  const std::string path = (fs::temp_directory_path() /
                            ("jitlite_empty_" + std::to_string(getpid()) +
                             ".tflite"))
                               .string();
  { std::ofstream(path, std::ios::binary); }
  auto model = Model::FromFile(path);
  fs::remove(path);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("is empty"), std::string::npos);
}

TEST(ModelFiles, FileRoundTripMatchesBuffer) {
  const std::vector<uint8_t> bytes = TestModel().Build();
  const std::string path = (fs::temp_directory_path() /
                            ("jitlite_model_" + std::to_string(getpid()) +
                             ".tflite"))
                               .string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  auto model = Model::FromFile(path);
  fs::remove(path);  // the mapping outlives the directory entry
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->size(), bytes.size());
  const Tensor& t = (*model)->graph().subgraphs[0].tensors[1];
  ASSERT_TRUE(t.is_constant());
  EXPECT_EQ(t.data[0], 0x3f);
}

TEST(ModelBuffers, EmptyBuffer) {
  auto null_model = Model::FromBuffer(nullptr, 0);
  ASSERT_FALSE(null_model.ok());
  EXPECT_EQ(null_model.status().code(), StatusCode::kInvalidArgument);
  const uint8_t byte = 0;
  auto zero = Model::FromBuffer(&byte, 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
  auto tiny = Model::FromBuffer(&byte, 1);
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.status().message().find("too small"), std::string::npos);
}

TEST(ModelBuffers, ForeignBytes) {
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  png.resize(256, 0x42);
  auto model = Model::FromBuffer(png.data(), png.size());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.status().message(),
            "The model is not a valid Flatbuffer buffer: file identifier is "
            "'\\x0d\\x0a\\x1a\\x0a', expected 'TFL3'");
  const std::string text = "this is plainly not a model file";
  ExpectLoadsOrInvalid(std::vector<uint8_t>(text.begin(), text.end()),
                       "text");
}

TEST(ModelBuffers, RightIdentifierGarbageBody) {
  std::vector<uint8_t> bytes(64, 0xff);
  std::memcpy(bytes.data() + 4, "TFL3", 4);
  auto model = Model::FromBuffer(bytes.data(), bytes.size());
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("verifier rejected"),
            std::string::npos);
}

// ---------------------------------------------------------------------------
// Robustness: truncation and bit flips never crash.
// ---------------------------------------------------------------------------

std::vector<uint8_t> FuzzSeedModel() {
  if (HaveModels()) {
    std::vector<uint8_t> bytes =
        ReadFile(ModelPath("micro/hello_world_int8.tflite"));
    if (!bytes.empty()) return bytes;
  }
  TestModel m;
  m.tensors[1].scales = std::vector<float>{0.5f, 0.25f};
  m.signatures = {{"serve", 0, {{"x", 0}}, {{"y", 2}}}};
  return m.Build();
}

TEST(ModelRobustness, TruncationAtManyLengths) {
  const std::vector<uint8_t> bytes = FuzzSeedModel();
  ASSERT_TRUE(Model::FromBuffer(bytes.data(), bytes.size()).ok());
  // Every length in the first KB (headers, vtables), then a stride.
  const size_t step = std::max<size_t>(1, bytes.size() / 512);
  for (size_t len = 0; len < bytes.size(); len += (len < 1024 ? 1 : step)) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
    ExpectLoadsOrInvalid(cut, "truncated to " + std::to_string(len));
  }
}

TEST(ModelRobustness, RandomBitFlips) {
  const std::vector<uint8_t> bytes = FuzzSeedModel();
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> pos(0, bytes.size() - 1);
  std::uniform_int_distribution<int> bit(0, 7);
  std::uniform_int_distribution<int> flips(1, 8);
  int loaded = 0;
  for (int variant = 0; variant < 400; ++variant) {
    std::vector<uint8_t> mutated = bytes;
    const int n = flips(rng);
    for (int i = 0; i < n; ++i) mutated[pos(rng)] ^= 1u << bit(rng);
    auto model = Model::FromBuffer(mutated.data(), mutated.size());
    if (model.ok()) {
      ++loaded;
      WalkGraph(**model);
    } else {
      EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument)
          << "variant " << variant << ": " << model.status().message();
    }
  }
  // Most flips land in constant data, which stays loadable.
  EXPECT_GT(loaded, 0);
}

TEST(ModelRobustness, RandomWordOverwritesInTheHeader) {
  // Offsets and vtables live near the start and end of the flatbuffer; hit
  // them with whole random 32-bit words, which bit flips rarely produce.
  const std::vector<uint8_t> bytes = FuzzSeedModel();
  std::mt19937 rng(7);
  const size_t region = std::min<size_t>(bytes.size(), 512);
  std::uniform_int_distribution<size_t> head(0, region - 4);
  std::uniform_int_distribution<size_t> tail(bytes.size() - region,
                                             bytes.size() - 4);
  std::uniform_int_distribution<uint32_t> word;
  for (int variant = 0; variant < 300; ++variant) {
    std::vector<uint8_t> mutated = bytes;
    const size_t at = (variant % 2) ? head(rng) : tail(rng);
    const uint32_t value = word(rng);
    std::memcpy(mutated.data() + at, &value, sizeof(value));
    ExpectLoadsOrInvalid(mutated, "word overwrite " + std::to_string(variant));
  }
}

// ---------------------------------------------------------------------------
// graph.h helpers.
// ---------------------------------------------------------------------------

TEST(GraphHelpers, NumElementsAndShapeToString) {
  EXPECT_EQ(NumElements({}), 1);
  EXPECT_EQ(NumElements({2, 3, 4}), 24);
  EXPECT_EQ(NumElements({2, 0}), 0);
  EXPECT_EQ(NumElements({-1, 3}), -1);
  EXPECT_EQ(ShapeToString({}), "[]");
  EXPECT_EQ(ShapeToString({1, 224, 224, 3}), "[1, 224, 224, 3]");
}

TEST(GraphHelpers, BuiltinOpNames) {
  EXPECT_STREQ(BuiltinOpName(0), "ADD");
  EXPECT_STREQ(BuiltinOpName(3), "CONV_2D");
  EXPECT_STREQ(BuiltinOpName(32), "CUSTOM");
  EXPECT_STREQ(BuiltinOpName(126), "BATCH_MATMUL");
  EXPECT_STREQ(BuiltinOpName(161), "RIGHT_SHIFT");
  EXPECT_STREQ(BuiltinOpName(163), "STABLEHLO_ADD");
  EXPECT_STREQ(BuiltinOpName(203), "DILATE");
  EXPECT_STREQ(BuiltinOpName(205), "REDUCE_WINDOW");
  EXPECT_STREQ(BuiltinOpName(209), "STABLEHLO_CASE");
  EXPECT_STREQ(BuiltinOpName(210), "BUILTIN_210");
  EXPECT_STREQ(BuiltinOpName(-3), "BUILTIN_-3");
  // Names are stable pointers.
  EXPECT_EQ(BuiltinOpName(999), BuiltinOpName(999));
  // The table agrees with the schema's own enum names for every code.
  for (int code = 0; code <= 209; ++code) {
    EXPECT_STREQ(BuiltinOpName(code),
                 tflite::EnumNameBuiltinOperator(
                     static_cast<tflite::BuiltinOperator>(code)))
        << code;
  }
}

// Nodes whose packed weights have equal bytes share one buffer (an unrolled
// RNN's steps): the same weight tensor twice, an equal copy in another
// buffer, and different weights, through four float FULLY_CONNECTEDs.
TEST(ShapedGraph, EqualPackedWeightsAreShared) {
  auto weights = [](float first) {
    std::vector<uint8_t> bytes(16 * sizeof(float));
    for (int i = 0; i < 16; ++i) {
      float v = first + static_cast<float>(i);
      std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
    }
    return bytes;
  };
  TestModel spec;
  spec.tensors = {{{1, 4}, tflite::TensorType::FLOAT32, 0, "in"},
                  {{4, 4}, tflite::TensorType::FLOAT32, 1, "w"},
                  {{4, 4}, tflite::TensorType::FLOAT32, 2, "w_copy"},
                  {{4, 4}, tflite::TensorType::FLOAT32, 3, "w_other"},
                  {{1, 4}, tflite::TensorType::FLOAT32, 0, "a"},
                  {{1, 4}, tflite::TensorType::FLOAT32, 0, "b"},
                  {{1, 4}, tflite::TensorType::FLOAT32, 0, "c"},
                  {{1, 4}, tflite::TensorType::FLOAT32, 0, "out"}};
  spec.buffers = {{}, {weights(1)}, {weights(1)}, {weights(2)}};
  spec.codes = {{9, 9}};  // FULLY_CONNECTED
  spec.ops = {{0, {0, 1, -1}, {4}}, {0, {4, 1, -1}, {5}}, {0, {5, 2, -1}, {6}},
              {0, {6, 3, -1}, {7}}};
  spec.outputs = {7};
  auto model = Load(spec);
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto g = InferShapes((*model)->graph().subgraphs[0], {});
  ASSERT_TRUE(g.ok()) << g.status().message();
  const auto& packed = (*g)->packed;
  ASSERT_EQ(packed.size(), 4u);
  for (const auto& node : packed) ASSERT_FALSE(node.empty());
  EXPECT_EQ(packed[0][0], packed[1][0]);  // the same tensor
  EXPECT_EQ(packed[0][0], packed[2][0]);  // an equal copy
  EXPECT_NE(packed[0][0], packed[3][0]);  // other weights
}

}  // namespace
}  // namespace jitlite
