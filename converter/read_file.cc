#include "converter/read_file.h"

#include <fstream>

#include "converter/error.h"

namespace ember::convert {

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size < 0) throw ConvertError("cannot read '" + path + "'");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) throw ConvertError("cannot read '" + path + "'");
  return bytes;
}

}  // namespace ember::convert
