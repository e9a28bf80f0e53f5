// Loads the golden cases of tests/kernels/testdata/cases_data.py: int8 cases
// (data_*, one op, as tflm_case.h loads them) and int16 ones (data_i16_*,
// the op between a QUANTIZE and a DEQUANTIZE, as int16_test_util.h loads
// them) in one form, so a test can rebuild the op for Ember whatever the
// type. TFLite passes axes, paddings, sizes and output shapes as constant
// int32 operands where Ember has options; the tests read those constants
// (Int32Values) into options and add only the operands Ember's op takes.
#ifndef EMBER_TESTS_TESTING_TFLM_DATA_CASE_H_
#define EMBER_TESTS_TESTING_TFLM_DATA_CASE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "interpreter/kernel.h"
#include "schema/ember_generated.h"
#include "tests/testing/int16_test_util.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_case.h"

namespace ember::testing {

template <typename T>
struct DataCase {
  TflmCase op;               // the op's model tensors, operands and options
  int32_t input_tensor = 0;  // the model tensor fed `input`
  std::vector<T> input;
  std::vector<T> golden;
  std::vector<int32_t> golden_shape;

  // The values of a constant int32 model tensor.
  std::vector<int32_t> Int32Values(int32_t tensor) const {
    const std::vector<uint8_t>& bytes = op.tensors.at(tensor).data;
    std::vector<int32_t> values(bytes.size() / 4);
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * 4);
    return values;
  }

  // Adds model tensor `tensor` as the next input of `test`: the fed input
  // gets the case's values, constants (int8, int16, int32, int64) keep
  // theirs; with its quantization.
  void AddInput(OpTester& test, int32_t tensor) const {
    const TfliteTensor& t = op.tensors.at(tensor);
    if (tensor == input_tensor) {
      test.InputOf<T>(t.shape, input);
    } else {
      switch (t.type) {
        case 9:
          test.InputOf<int8_t>(t.shape, Values<int8_t>(t.data), true);
          break;
        case 7:
          test.InputOf<int16_t>(t.shape, Values<int16_t>(t.data), true);
          break;
        case 2:
          test.InputOf<int32_t>(t.shape, Values<int32_t>(t.data), true);
          break;
        case 4:
          test.InputOf<int64_t>(t.shape, Values<int64_t>(t.data), true);
          break;
        default:
          ADD_FAILURE() << "unexpected tensor type " << int{t.type};
      }
    }
    test.Quantize(t.scales, t.zero_points, t.quantized_dimension);
  }

  // Adds the op's output (of type T) with its quantization.
  void AddOutput(OpTester& test) const {
    const TfliteTensor& out = op.tensors.at(op.op_output);
    test.Output(out.shape, std::is_same<T, int8_t>::value ? schema::TensorType::INT8
                                                          : schema::TensorType::INT16)
        .Quantize(out.scales, out.zero_points, out.quantized_dimension);
  }

  template <typename V>
  static std::vector<V> Values(const std::vector<uint8_t>& bytes) {
    std::vector<V> values(bytes.size() / sizeof(V));
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(V));
    return values;
  }
};

inline bool LoadDataCase(const std::string& name, DataCase<int8_t>* out, std::string* error) {
  if (!LoadTflmCase(name, &out->op, error)) return false;
  out->input_tensor = 0;
  out->input = out->op.input;
  out->golden = out->op.golden;
  out->golden_shape = out->op.golden_shape;
  return true;
}

inline bool LoadDataCase(const std::string& name, DataCase<int16_t>* out, std::string* error) {
  TflmInt16Case loaded;
  if (!LoadTflmInt16Case(name, &loaded, error)) return false;
  out->op = loaded.op;
  out->input_tensor = 1;
  out->input = loaded.input;
  out->golden = loaded.golden;
  out->golden_shape = loaded.golden_shape;
  return true;
}

// Runs `test` (operands and options added) through `kernel` and expects the
// case's output shape and every value.
template <typename T>
void ExpectMatchesGolden(OpTester& test, const Kernel& kernel, const DataCase<T>& golden) {
  ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), golden.golden_shape);
  EXPECT_EQ(test.OutputAs<T>(0), golden.golden);
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_TFLM_DATA_CASE_H_
