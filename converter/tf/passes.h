// TensorFlow-level cleanup passes, run on the front end's Graph before
// shape inference and lowering. Each pass is a plain function that edits the
// graph in place and reports how much it did, so the CLI can print node counts
// before and after each one. A pass that finds nothing to do returns an empty
// PassResult and leaves the graph untouched.
//
// The order the converter is expected to use, and why:
//   CutAtInputs       inputs first: a cut removes the audio front end and
//                     turns explicitly named PlaceholderWithDefault into inputs
//   PruneToOutputs    drops everything the outputs do not need (training
//                     branches, Asserts, save/restore leftovers)
//   StripIdentity     removes the value-forwarding ops
//   ResolveConstantSwitch  folds tf.cond on a constant predicate
//   MergeDuplicates
//   PruneToOutputs    again, to drop what the folds left unused
// Passes resolve names through Graph::Resolve, so the user's input and output
// names stay valid across the whole sequence.
#ifndef EMBER_CONVERTER_TF_PASSES_H_
#define EMBER_CONVERTER_TF_PASSES_H_

#include <string>
#include <vector>

#include "converter/tf/graph.h"

namespace ember::convert::tf {

struct PassResult {
  int removed = 0;  // nodes deleted
  int added = 0;    // nodes created
  int changed = 0;  // surviving nodes whose op, attrs or edges were rewritten

  bool empty() const { return removed == 0 && added == 0 && changed == 0; }
};

// Makes each tensor in `inputs` ("node" or "node:k", any tensor, not only a
// Placeholder) a graph input: a new Placeholder takes over its consumers, and
// whatever computed it and nothing else (DecodeWav + AudioSpectrogram in front
// of Mfcc, a dropout mask, a default value) is removed, so it cannot turn into
// a sink that PruneToOutputs would take for an output. The Placeholder's dtype
// comes from the producer's attrs (dtype, T, out_type, DstT, ...) or a table
// of ops with fixed output types, its shape from `_output_shapes` or `shape`
// when present (unknown rank otherwise). For output 0 the Placeholder takes
// the producer's name; for output k > 0 it gets a fresh name, and the
// requested name resolves to it through Graph::Resolve either way.
// A named Placeholder stays as is; a named PlaceholderWithDefault becomes a
// Placeholder (its default is dropped). With `inputs` empty, the inputs are
// all Placeholder nodes, and PlaceholderWithDefault nodes are not inputs
// (StripIdentity later replaces them by their default).
// Sets graph.input_names(). Throws ConvertError for an unknown or repeated
// name, a control name, or a producer whose output dtype cannot be told.
PassResult CutAtInputs(Graph& graph, const std::vector<std::string>& inputs);

// The model inputs CutAtInputs makes of `inputs`: those names, or with none
// given every Placeholder node's name.
std::vector<std::string> ModelInputNames(const Graph& graph,
                                         const std::vector<std::string>& inputs);

// Keeps only the nodes the output tensors need through data edges and removes
// the rest. Control edges do not keep nodes alive: a control input from a
// removed node is dropped, and so is every control input from an Assert or
// NoOp (they never produce data, so they are always removed). Control edges
// between kept nodes stay, which keeps a loop body's constants tied to their
// frame (`^while/Identity`).
// With `outputs` empty, the outputs are the sinks: nodes nothing reads through
// data or control edges, except Const, Placeholder, NoOp, Assert and
// save/restore ops. Sets graph.output_names(). Throws ConvertError for an
// unknown output name or when the graph has no sink.
PassResult PruneToOutputs(Graph& graph, const std::vector<std::string>& outputs);

// Removes ops that only forward a value: Identity, Snapshot, StopGradient,
// PreventGradient, CheckNumerics, PlaceholderWithDefault (still present, so
// not an input), IdentityN (output k forwards input k) and NoOp. Consumers
// read the forwarded tensor; control consumers depend on its producer
// instead; a removed node's own control inputs pass to its consumers so no
// ordering is lost. An output tensor that was an Identity keeps resolving
// through Graph::Resolve to the tensor that now produces it.
// One Identity is kept: one that reads a Switch output and has control
// consumers. It is the pivot that ties a cond branch's or loop body's
// constants to that branch; a control edge from the Switch itself would not
// say which branch (ResolveConstantSwitch relies on this).
PassResult StripIdentity(Graph& graph);

// Folds tf.cond on a constant predicate, which is what a frozen training-mode
// graph with a constant keras_learning_phase / is_training leaves behind. A
// Switch whose predicate is a scalar bool Const (possibly behind Identity-like
// ops) forwards its data input on the live output; everything reachable only
// from the dead output (the other branch) is removed, and each Merge it feeds
// loses the dead inputs, becoming its single live input when one is left.
// While-loop Switches are never touched: their predicate is a LoopCond.
PassResult ResolveConstantSwitch(Graph& graph);

// Merges nodes that compute the same thing: same op, same data inputs in the
// same order, same control inputs, same attrs (compared as deterministically
// serialized AttrValues; attrs starting with '_' are hints and are ignored),
// and Consts with equal dtype, shape and decoded value whatever their
// encoding. The first node in topological order is kept; the others' names
// resolve to it. Placeholders, stateful ops (random, TensorArray, variables,
// queues, Assert, Print) and TF1 control-flow ops are never merged.
PassResult MergeDuplicates(Graph& graph);

}  // namespace ember::convert::tf

#endif  // EMBER_CONVERTER_TF_PASSES_H_
