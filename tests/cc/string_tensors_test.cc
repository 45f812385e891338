// The C++ API of STRING tensors (SetStringTensor / GetStringTensor) on the
// corpus' ops/gather_string.tflite: a [10] STRING input gathered by INT64
// indices. Skips where ../shared/models is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jitlite/interpreter.h"

namespace jitlite {
namespace {

const char* kGatherString = JITLITE_SHARED_MODELS_DIR "/ops/gather_string.tflite";

std::unique_ptr<Interpreter> LoadOrSkip() {
  if (!std::filesystem::exists(kGatherString)) return nullptr;
  auto interp = Interpreter::FromFile(kGatherString);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  return interp.ok() ? std::move(interp).value() : nullptr;
}

TEST(StringTensors, GatherPicksTheIndexedStrings) {
  auto interp = LoadOrSkip();
  if (!interp) GTEST_SKIP() << kGatherString << " is missing";
  ASSERT_TRUE(interp->AllocateTensors().ok());
  const int params = interp->inputs()[0], indices = interp->inputs()[1];
  std::vector<std::string> words;
  for (int i = 0; i < 10; ++i) {
    // Varied lengths, UTF-8 and a NUL byte: strings are bytes.
    words.push_back(std::string(i % 3, static_cast<char>('a' + i)) + "\xc3\xa9" +
                    std::string(1, '\0'));
  }
  words[4] = "";
  ASSERT_TRUE(interp->SetStringTensor(params, words).ok());
  std::span<int64_t> at = interp->typed_tensor<int64_t>(indices);
  ASSERT_EQ(at.size(), 3u);
  const std::vector<int64_t> picks = {9, 4, 0};
  std::copy(picks.begin(), picks.end(), at.begin());
  ASSERT_TRUE(interp->Invoke().ok());
  auto out = interp->GetStringTensor(interp->outputs()[0]);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), picks.size());
  for (size_t i = 0; i < picks.size(); ++i) EXPECT_EQ((*out)[i], words[picks[i]]);
  EXPECT_EQ(interp->GetStringTensor(params).value(), words);
  EXPECT_EQ(interp->tensor_data(params), nullptr);  // ids inside, no bytes to hand out
  EXPECT_NE(interp->tensor_data_unavailable_reason(params).find("STRING"), std::string::npos);
}

TEST(StringTensors, OutOfRangeIndexFailsTheInvoke) {
  auto interp = LoadOrSkip();
  if (!interp) GTEST_SKIP() << kGatherString << " is missing";
  ASSERT_TRUE(interp->AllocateTensors().ok());
  ASSERT_TRUE(interp->SetStringTensor(interp->inputs()[0], std::vector<std::string>(10, "x")).ok());
  interp->typed_tensor<int64_t>(interp->inputs()[1])[1] = 10;
  EXPECT_FALSE(interp->Invoke().ok());
}

TEST(StringTensors, MisuseIsAnInvalidArgument) {
  auto interp = LoadOrSkip();
  if (!interp) GTEST_SKIP() << kGatherString << " is missing";
  Status wrong_count = interp->SetStringTensor(interp->inputs()[0], {"a", "b"});
  EXPECT_EQ(wrong_count.code(), StatusCode::kInvalidArgument) << wrong_count.message();
  EXPECT_EQ(interp->SetStringTensor(interp->inputs()[1], std::vector<std::string>(3)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(interp->GetStringTensor(interp->inputs()[1]).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(interp->SetStringTensor(interp->outputs()[0], std::vector<std::string>(3)).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jitlite
