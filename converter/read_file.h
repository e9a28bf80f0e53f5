// Whole-file reads for the converter's front ends (.tflite, .onnx, tensor
// files). Throws ConvertError naming the path when the file cannot be read.
#ifndef EMBER_CONVERTER_READ_FILE_H_
#define EMBER_CONVERTER_READ_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ember::convert {

std::vector<uint8_t> ReadFileBytes(const std::string& path);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_READ_FILE_H_
