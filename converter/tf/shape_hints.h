// Static shapes for the tensors a graph is cut at, worked out from the ops
// above the cut before CutAtInputs removes them. Frozen graphs rarely record
// shapes, but an audio front end (DecodeWav -> AudioSpectrogram -> Mfcc) fixes
// the shape of its output through its attrs, so a graph cut at `Mfcc` still
// converts without --input-shape.
#ifndef EMBER_CONVERTER_TF_SHAPE_HINTS_H_
#define EMBER_CONVERTER_TF_SHAPE_HINTS_H_

#include <map>
#include <string>
#include <vector>

#include "converter/tf/graph.h"

namespace ember::convert::tf {

// For each name in `inputs` whose shape can be inferred (every dim known),
// its shape. Names that cannot be inferred are left out. A placeholder that
// records no shape but is reshaped from rows gets one row (and a note in
// *notes saying so).
std::map<std::string, std::vector<int32_t>> InferCutShapes(const Graph& graph,
                                                           const std::vector<std::string>& inputs,
                                                           std::vector<std::string>* notes);

}  // namespace ember::convert::tf

#endif  // EMBER_CONVERTER_TF_SHAPE_HINTS_H_
