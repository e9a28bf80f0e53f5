#include "converter/tf/shape_hints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/converter/tf/graph_def_builder.h"

namespace ember::convert::tf {
namespace {

using test_util::AddInt32Const;
using test_util::AddNode;
using test_util::AddPlaceholder;
using test_util::Parse;
using test_util::SetInt;
using test_util::SetType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// x (no shape) -> Reshape(x, [tf.shape(x)[0], 28, 28]), as tensorflow-onnx's
// GRU test model writes it.
tensorflow::GraphDef ReshapedByLeadingDim() {
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "x");
  AddNode(&def, "shape", "Shape", {"x"});
  AddInt32Const(&def, "begin", {0}, {1});
  AddInt32Const(&def, "end", {1}, {1});
  AddInt32Const(&def, "strides", {1}, {1});
  SetInt(AddNode(&def, "batch", "StridedSlice", {"shape", "begin", "end", "strides"}),
         "shrink_axis_mask", 1);
  AddInt32Const(&def, "rows", {28}, {});
  AddInt32Const(&def, "cols", {28}, {});
  AddNode(&def, "target", "Pack", {"batch", "rows", "cols"});
  SetType(AddNode(&def, "images", "Reshape", {"x", "target"}), "T", tensorflow::DT_FLOAT);
  return def;
}

TEST(InferCutShapesTest, ShapelessPlaceholderReshapedByItsLeadingDimIsOneRow) {
  const Graph graph = Parse(ReshapedByLeadingDim());
  std::vector<std::string> notes;
  const auto shapes = InferCutShapes(graph, {"x"}, &notes);
  ASSERT_EQ(shapes.count("x"), 1u);
  EXPECT_THAT(shapes.at("x"), ElementsAre(1, 784));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("taken as [1, 784]"));
}

TEST(InferCutShapesTest, ShapelessPlaceholderReshapedToMinusOneRowsIsOneRow) {
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "x");
  AddInt32Const(&def, "target", {-1, 4, 5}, {3});
  SetType(AddNode(&def, "r", "Reshape", {"x", "target"}), "T", tensorflow::DT_FLOAT);
  std::vector<std::string> notes;
  const auto shapes = InferCutShapes(Parse(def), {"x"}, &notes);
  ASSERT_EQ(shapes.count("x"), 1u);
  EXPECT_THAT(shapes.at("x"), ElementsAre(1, 20));
}

TEST(InferCutShapesTest, NothingIsGuessedWithoutARowReshape) {
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "x");
  // A reshape to a fixed shape says nothing about the rows of x.
  AddInt32Const(&def, "target", {4, 5}, {2});
  SetType(AddNode(&def, "r", "Reshape", {"x", "target"}), "T", tensorflow::DT_FLOAT);
  AddPlaceholder(&def, "y");
  SetType(AddNode(&def, "t", "Tanh", {"y"}), "T", tensorflow::DT_FLOAT);
  std::vector<std::string> notes;
  EXPECT_THAT(InferCutShapes(Parse(def), {"x", "y"}, &notes), IsEmpty());
  EXPECT_THAT(notes, IsEmpty());
}

TEST(InferCutShapesTest, ARecordedShapeIsKept) {
  tensorflow::GraphDef def = ReshapedByLeadingDim();
  test_util::SetShape(def.mutable_node(0), "shape", {2, 28, 28});
  std::vector<std::string> notes;
  const auto shapes = InferCutShapes(Parse(def), {"x"}, &notes);
  ASSERT_EQ(shapes.count("x"), 1u);
  EXPECT_THAT(shapes.at("x"), ElementsAre(2, 28, 28));
  EXPECT_THAT(notes, IsEmpty());
}

}  // namespace
}  // namespace ember::convert::tf
