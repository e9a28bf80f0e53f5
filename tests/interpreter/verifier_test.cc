// VerifyModelFlatbuffer against the oracle it replaces, flatc's generated
// schema::VerifyModelBuffer: on valid files and on thousands of corrupted
// ones, both must give the same verdict. The models carry every options
// table of the schema with all fields present (scalars forced, vectors
// filled), so a field size or slot that differs from the schema makes the
// verdicts differ.
#include "interpreter/verifier.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/interpreter/test_models.h"

namespace ember::testing {
namespace {

using schema::OpOptions;
using schema::OpOptionsUnion;

bool GeneratedVerifierAccepts(const std::vector<uint8_t>& file) {
  flatbuffers::Verifier verifier(file.data(), file.size(), kVerifierMaxDepth, kVerifierMaxTables);
  return schema::VerifyModelBuffer(verifier);
}

// Every options table of the schema, each field given a value (the vectors
// a few entries), so that serializing with forced defaults writes them all.
std::vector<OpOptionsUnion> EveryOptionsTable() {
  std::vector<OpOptionsUnion> all;
  auto add = [&all](auto options) {
    all.emplace_back();
    all.back().Set(std::move(options));
  };
  schema::Conv2DOptionsT conv;
  conv.explicit_padding = {1, 2, 3, 4};
  add(conv);
  schema::DepthwiseConv2DOptionsT depthwise;
  depthwise.explicit_padding = {1, 2, 3, 4};
  add(depthwise);
  add(schema::FullyConnectedOptionsT());
  schema::TransposeConvOptionsT transpose_conv;
  transpose_conv.explicit_padding = {1, 2, 3, 4};
  add(transpose_conv);
  schema::Pool2DOptionsT pool;
  pool.explicit_padding = {1, 2, 3, 4};
  add(pool);
  add(schema::ArithmeticOptionsT());
  add(schema::LeakyReluOptionsT());
  schema::ReducerOptionsT reducer;
  reducer.axes = {1, 2};
  add(reducer);
  schema::ReshapeOptionsT reshape;
  reshape.new_shape = {2, -1};
  add(reshape);
  add(schema::ConcatenationOptionsT());
  schema::SplitOptionsT split;
  split.size_splits = {1, 3};
  add(split);
  schema::PadOptionsT pad;
  pad.paddings = {0, 1, 1, 0};
  add(pad);
  schema::StridedSliceOptionsT strided_slice;
  strided_slice.begin = {0, 1};
  strided_slice.end = {2, 3};
  strided_slice.strides = {1, 1};
  add(strided_slice);
  schema::SliceOptionsT slice;
  slice.begin = {0};
  slice.size = {2};
  add(slice);
  schema::TransposeOptionsT transpose;
  transpose.perm = {1, 0};
  add(transpose);
  add(schema::SoftmaxOptionsT());
  add(schema::ResizeOptionsT());
  add(schema::GatherOptionsT());
  add(schema::PackOptionsT());
  add(schema::ArgMinMaxOptionsT());
  add(schema::OneHotOptionsT());
  add(schema::ReverseSequenceOptionsT());
  return all;
}

// A chain of ADDs, one per options table given (the verifier does not look
// at op codes), serialized with every scalar field written.
std::vector<uint8_t> OptionsModel(const std::vector<OpOptionsUnion>& options) {
  ModelBuilder builder;
  int previous = builder.AddTensor("in", TensorType::FLOAT32, {4});
  const int input = previous;
  for (size_t i = 0; i < options.size(); ++i) {
    const int next = builder.AddTensor("t" + std::to_string(i), TensorType::FLOAT32, {4});
    builder.AddOperator(OpCode::ADD, {previous, previous}, {next}, options[i]);
    previous = next;
  }
  builder.SetInputs({input});
  builder.SetOutputs({previous});
  flatbuffers::FlatBufferBuilder fbb;
  fbb.ForceDefaults(true);
  fbb.Finish(schema::Model::Pack(fbb, &builder.model()), schema::ModelIdentifier());
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

std::vector<uint8_t> EveryOptionsModel() { return OptionsModel(EveryOptionsTable()); }

// Whether both verifiers agree on `file`; on a disagreement, says which.
::testing::AssertionResult SameVerdict(const std::vector<uint8_t>& file) {
  const AlignedBuffer bytes(file.data(), file.size());
  const bool expected = GeneratedVerifierAccepts(file);
  if (VerifyModelFlatbuffer(bytes.data(), bytes.size()) == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "the generated verifier " << (expected ? "accepts" : "rejects") << " it";
}

TEST(VerifierTest, OneEntryPerOptionsTable) {
  EXPECT_EQ(EveryOptionsTable().size(), static_cast<size_t>(OpOptions::MAX));
  for (const OpOptionsUnion& options : EveryOptionsTable()) {
    EXPECT_NE(options.type, OpOptions::NONE);
  }
}

TEST(VerifierTest, AcceptsValidFiles) {
  std::vector<std::vector<uint8_t>> files = {EveryOptionsModel()};
  for (NamedModel& model : AllTestModels()) files.push_back(BuildWithPlan(model.builder));
  for (const std::vector<uint8_t>& file : files) {
    const AlignedBuffer bytes(file.data(), file.size());
    EXPECT_TRUE(GeneratedVerifierAccepts(file));
    EXPECT_TRUE(VerifyModelFlatbuffer(bytes.data(), bytes.size()));
  }
}

// Each options table alone in a model (tables of the same layout would
// otherwise share one vtable, and a change to it would be judged by both),
// with every byte of the file changed in turn by each of several masks:
// the vtable entries, offsets and vector lengths of every field are hit,
// including misalignments, which only a field of the right size detects.
TEST(VerifierTest, SameVerdictOnEverySingleByteChangeOfEachOptionsTable) {
  for (const OpOptionsUnion& options : EveryOptionsTable()) {
    SCOPED_TRACE(schema::EnumNameOpOptions(options.type));
    const std::vector<uint8_t> file = OptionsModel({options});
    ASSERT_TRUE(SameVerdict(file));
    for (size_t at = 0; at < file.size(); ++at) {
      for (uint8_t mask : {0x01, 0x02, 0x03, 0x04, 0x08, 0x10, 0x40, 0x80, 0xFF}) {
        std::vector<uint8_t> changed = file;
        changed[at] ^= mask;
        ASSERT_TRUE(SameVerdict(changed)) << "byte " << at << " ^= " << int{mask};
      }
    }
  }
}

// Same verdict as the generated verifier on every strict prefix and on
// random corruptions (1 to 3 bytes XORed): each disagreement is a buffer one
// of them reads out of bounds or the other refuses for no reason.
TEST(VerifierTest, SameVerdictAsGeneratedVerifierOnCorruptFiles) {
  std::vector<std::vector<uint8_t>> files = {EveryOptionsModel()};
  for (NamedModel& model : AllTestModels()) files.push_back(BuildWithPlan(model.builder));
  std::mt19937 rng(20261206);
  int rejected = 0;
  int accepted = 0;
  for (const std::vector<uint8_t>& file : files) {
    const int trials = file.size() > 1000 ? 20000 : 4000;
    for (int trial = 0; trial < trials; ++trial) {
      std::string what;
      const std::vector<uint8_t> corrupt = FlipRandomBytes(file, rng, &what);
      const AlignedBuffer bytes(corrupt.data(), corrupt.size());
      const bool expected = GeneratedVerifierAccepts(corrupt);
      ASSERT_EQ(VerifyModelFlatbuffer(bytes.data(), bytes.size()), expected) << "flips:" << what;
      ++(expected ? accepted : rejected);
    }
    for (size_t size = 0; size < file.size(); ++size) {
      const std::vector<uint8_t> prefix(file.begin(), file.begin() + size);
      const AlignedBuffer bytes(prefix.data(), prefix.size());
      ASSERT_EQ(VerifyModelFlatbuffer(bytes.data(), bytes.size()),
                GeneratedVerifierAccepts(prefix))
          << "prefix of " << size << " bytes";
    }
  }
  // Both verdicts must be common, or the comparison proves little.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace ember::testing
