// TF1 control flow, lowered by unrolling.
//
// A frozen TF1 graph expresses a while loop as a frame: Enter nodes bring
// values in, Merge picks the initial value or the previous iteration's
// NextIteration, LoopCond decides, Switch routes the value to the body or to
// Exit. TensorArrayV3 and its Read/Write/Scatter/Gather/Size ops carry
// per-step tensors through the loop as a "flow" value.
//
// Ember has no loop op: the interpreter runs a static list of ops over a
// static arena. The converter therefore unrolls every loop, which is exact
// when the number of iterations has an upper bound known once the input
// shapes are fixed (dynamic_rnn's `maximum_iterations`, a `time < steps`
// counter). Iteration k is lowered on the values it has *if every earlier
// iteration ran*; counters are then constants, so TensorArray indices fold.
// The loop condition of iteration k may still depend on data (dynamic_rnn
// stops at the longest sequence): then iteration k is "active" only while the
// conditions of iterations 0..k all held, and each Exit value selects, per
// iteration, between "the loop went on" and "the loop stopped here". Unrolling
// stops at the first iteration whose activity is constant false, which is the
// bound. A TensorArray is a list of element tensors, one per index; elements
// never written read as zeros (TensorFlow's dynamic_rnn output for steps
// beyond the longest sequence).
#include <algorithm>
#include <deque>
#include <queue>
#include <set>

#include "converter/tf/lowerer.h"
#include "interpreter/tensor.h"

namespace ember::convert::tf {
namespace {

// More unrolled iterations than this means the loop has no bound the
// converter can see (or one far too large for a small CPU).
constexpr int kMaxUnrolledIterations = 4096;

}  // namespace

// ---- frames and order ----

void Lowerer::FindWhileLoops() {
  loop_of_.assign(static_cast<size_t>(graph_.id_limit()), -1);
  std::map<std::string, int> loop_by_frame;
  std::deque<NodeId> queue;
  for (NodeId id : graph_.NodeIds()) {
    const Node& node = graph_.node(id);
    if (node.op() != "Enter") continue;
    const std::string frame = node.GetString("frame_name");
    const auto [entry, added] = loop_by_frame.emplace(frame, static_cast<int>(loops_.size()));
    if (added) loops_.push_back(WhileLoop{frame, {}});
    loop_of_[static_cast<size_t>(id)] = entry->second;
    queue.push_back(id);
  }
  // Everything reachable from a frame's Enter nodes up to its Exit nodes is
  // in the frame, including constants tied to it by control edges.
  while (!queue.empty()) {
    const NodeId id = queue.front();
    queue.pop_front();
    const Node& node = graph_.node(id);
    if (node.op() == "Exit") continue;
    const int loop = loop_of_[static_cast<size_t>(id)];
    std::vector<NodeId> consumers = graph_.DataConsumers(id);
    const std::vector<NodeId>& controls = graph_.ControlConsumers(id);
    consumers.insert(consumers.end(), controls.begin(), controls.end());
    for (NodeId consumer : consumers) {
      int& owner = loop_of_[static_cast<size_t>(consumer)];
      if (owner == loop) continue;
      if (owner != -1) {
        const Node& other = graph_.node(consumer);
        Fail(other, "belongs to while loops '" + loops_[static_cast<size_t>(owner)].frame +
                        "' and '" + loops_[static_cast<size_t>(loop)].frame +
                        "': nested while loops are not supported");
      }
      owner = loop;
      queue.push_back(consumer);
    }
  }
  for (NodeId id : graph_.TopologicalOrder()) {
    const int loop = loop_of_[static_cast<size_t>(id)];
    if (loop >= 0) loops_[static_cast<size_t>(loop)].nodes.push_back(id);
  }
}

std::vector<int> Lowerer::LoweringOrder() const {
  // Kahn's algorithm over units: a unit is a node outside every loop or a
  // whole loop, so a loop is lowered once all its Enter inputs have values.
  const int node_units = graph_.id_limit();
  const int unit_count = node_units + static_cast<int>(loops_.size());
  auto unit_of = [&](NodeId id) {
    const int loop = loop_of_[static_cast<size_t>(id)];
    return loop >= 0 ? node_units + loop : id;
  };
  std::vector<int> pending(static_cast<size_t>(unit_count), 0);
  std::vector<std::vector<int>> successors(static_cast<size_t>(unit_count));
  std::vector<bool> present(static_cast<size_t>(unit_count), false);
  for (NodeId id : graph_.NodeIds()) {
    const int unit = unit_of(id);
    present[static_cast<size_t>(unit)] = true;
    const Node& node = graph_.node(id);
    std::vector<NodeId> sources = node.control_inputs();
    for (const TensorRef& input : node.inputs()) sources.push_back(input.node);
    for (NodeId source : sources) {
      const int from = unit_of(source);
      if (from == unit) continue;
      successors[static_cast<size_t>(from)].push_back(unit);
      ++pending[static_cast<size_t>(unit)];
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  int present_count = 0;
  for (int unit = 0; unit < unit_count; ++unit) {
    if (!present[static_cast<size_t>(unit)]) continue;
    ++present_count;
    if (pending[static_cast<size_t>(unit)] == 0) ready.push(unit);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int unit = ready.top();
    ready.pop();
    order.push_back(unit < node_units ? unit : -1 - (unit - node_units));
    for (int next : successors[static_cast<size_t>(unit)]) {
      if (--pending[static_cast<size_t>(next)] == 0) ready.push(next);
    }
  }
  if (static_cast<int>(order.size()) != present_count) {
    throw ConvertError("the graph has a cycle that is not a while loop, or two while loops "
                       "that feed each other");
  }
  return order;
}

// ---- values ----

bool Lowerer::HasValue(TensorRef ref) const {
  return values_.count(ref) || array_handles_.count(ref) || array_flows_.count(ref);
}

Lowerer::Value Lowerer::GetValue(const Node& consumer, TensorRef ref) const {
  Value value;
  if (const auto tensor = values_.find(ref); tensor != values_.end()) {
    value.tensor = tensor->second;
  } else if (const auto handle = array_handles_.find(ref); handle != array_handles_.end()) {
    value.array_handle = handle->second;
  } else if (const auto flow = array_flows_.find(ref); flow != array_flows_.end()) {
    value.is_flow = true;
    value.flow = flow->second;
  } else {
    Fail(consumer, "input '" + graph_.TensorNameOf(ref) + "' has no value (unsupported producer?)");
  }
  return value;
}

void Lowerer::SetValue(TensorRef ref, const Value& value) {
  values_.erase(ref);
  array_handles_.erase(ref);
  array_flows_.erase(ref);
  if (value.is_flow) {
    array_flows_[ref] = value.flow;
  } else if (value.array_handle >= 0) {
    array_handles_[ref] = value.array_handle;
  } else {
    values_[ref] = value.tensor;
  }
}

int Lowerer::Zeros(TensorType type, const std::vector<int32_t>& shape) {
  const auto key = std::make_pair(static_cast<int>(type), shape);
  if (const auto found = zeros_.find(key); found != zeros_.end()) return found->second;
  int64_t count = 1;
  for (int32_t dim : shape) count *= dim;
  std::vector<uint8_t> bytes(static_cast<size_t>(count) * TensorTypeSize(type), 0);
  const int tensor = ir_.AddConstant("zeros", type, shape, std::move(bytes));
  zeros_[key] = tensor;
  return tensor;
}

// ---- while loops ----

int Lowerer::ActiveAnd(int active, int condition, const std::string& name) {
  if (IsAllTrue(T(active)) || IsAllFalse(T(condition))) return condition;
  if (IsAllTrue(T(condition)) || IsAllFalse(T(active))) return active;
  return Emit(OpCode::LOGICAL_AND, {active, condition}, TensorType::BOOL, name);
}

int Lowerer::SelectActive(int loop, int iteration, const std::vector<int>& active, int when_active,
                          int otherwise, const std::string& name) {
  if (when_active == otherwise) return when_active;
  const int condition = active[static_cast<size_t>(iteration)];
  if (IsAllTrue(T(condition))) return when_active;
  // select(active_i, select(active_j, x, y), y) with j > i is
  // select(active_j, x, y): active_j implies active_i.
  const auto nested = active_selects_.find(when_active);
  if (nested != active_selects_.end() && nested->second.loop == loop &&
      nested->second.iteration > iteration && nested->second.otherwise == otherwise) {
    return when_active;
  }
  const int selected =
      Emit(OpCode::SELECT, {condition, when_active, otherwise}, T(when_active).type, name);
  active_selects_[selected] = ActiveSelect{loop, iteration, otherwise};
  return selected;
}

void Lowerer::LowerWhileLoop(int loop_index) {
  const WhileLoop& loop = loops_[static_cast<size_t>(loop_index)];
  struct LoopVariable {
    NodeId merge = kNoNode;
    TensorRef initial;
    NodeId next_iteration = kNoNode;
  };
  std::vector<LoopVariable> variables;
  NodeId loop_cond = kNoNode;
  std::vector<NodeId> exits;
  for (NodeId id : loop.nodes) {
    const Node& node = graph_.node(id);
    if (node.op() == "Enter") {
      SetValue({id, 0}, GetValue(node, node.input(0)));
    } else if (node.op() == "Merge") {
      LoopVariable variable;
      variable.merge = id;
      for (const TensorRef& input : node.inputs()) {
        if (graph_.node(input.node).op() == "NextIteration") {
          variable.next_iteration = input.node;
        } else {
          variable.initial = input;
        }
      }
      if (node.num_inputs() != 2 || variable.next_iteration == kNoNode ||
          variable.initial.node == kNoNode) {
        Fail(node, "a while loop's Merge needs one initial value and one NextIteration");
      }
      variables.push_back(variable);
    } else if (node.op() == "LoopCond") {
      if (loop_cond != kNoNode) Fail(node, "the while loop '" + loop.frame + "' has two LoopCond nodes");
      loop_cond = id;
    } else if (node.op() == "Exit") {
      exits.push_back(id);
    }
  }
  if (loop_cond == kNoNode) {
    throw ConvertError("while loop '" + loop.frame + "' has no LoopCond node");
  }
  // The condition's part of the frame: lowered first in each iteration, so
  // the body of the iteration that ends the loop is never lowered.
  std::set<NodeId> condition_nodes;
  std::vector<NodeId> stack = {loop_cond};
  while (!stack.empty()) {
    const NodeId id = stack.back();
    stack.pop_back();
    if (!condition_nodes.insert(id).second) continue;
    const Node& node = graph_.node(id);
    if (node.op() == "Merge" || node.op() == "Enter") continue;
    std::vector<NodeId> sources = node.control_inputs();
    for (const TensorRef& input : node.inputs()) sources.push_back(input.node);
    for (NodeId source : sources) {
      if (loop_of_[static_cast<size_t>(source)] == loop_index) stack.push_back(source);
    }
  }
  auto lower_in_frame = [&](const Node& node) {
    const std::string& op = node.op();
    if (op == "Enter" || op == "Merge" || op == "Exit") return;
    if (op == "Const" && HasValue({node.id(), 0})) return;  // the same in every iteration
    if (op == "Switch") {
      // Output 1 feeds the body; output 0 feeds Exit, which is resolved
      // after unrolling.
      const Value value = GetValue(node, node.input(0));
      SetValue({node.id(), 0}, value);
      SetValue({node.id(), 1}, value);
    } else if (op == "NextIteration" || op == "LoopCond" || op == "Identity") {
      SetValue({node.id(), 0}, GetValue(node, node.input(0)));
    } else {
      LowerNode(node);
    }
  };

  std::vector<std::vector<Value>> history;  // [iteration][variable], at the iteration's start
  std::vector<int> active;                  // [iteration]: the iteration runs
  std::vector<Value> current;
  for (const LoopVariable& variable : variables) {
    current.push_back(GetValue(graph_.node(variable.merge), variable.initial));
  }
  const Node& cond_node = graph_.node(loop_cond);
  for (int iteration = 0;; ++iteration) {
    if (iteration > kMaxUnrolledIterations) {
      Fail(cond_node, "while loop '" + loop.frame + "' still runs after " +
                          std::to_string(kMaxUnrolledIterations) +
                          " unrolled iterations: its trip count needs a bound known once the "
                          "input shapes are fixed (e.g. maximum_iterations)");
    }
    name_suffix_ = "/iter" + std::to_string(iteration);
    history.push_back(current);
    for (size_t v = 0; v < variables.size(); ++v) SetValue({variables[v].merge, 0}, current[v]);
    for (NodeId id : loop.nodes) {
      if (condition_nodes.count(id)) lower_in_frame(graph_.node(id));
    }
    const int condition = GetValue(cond_node, {loop_cond, 0}).tensor;
    if (condition < 0 || T(condition).type != TensorType::BOOL || T(condition).num_elements() != 1) {
      Fail(cond_node, "the loop condition must be one bool");
    }
    const int runs = iteration == 0 ? condition
                                    : ActiveAnd(active.back(), condition,
                                                loop.frame + "/active");
    if (IsAllFalse(T(runs))) break;
    active.push_back(runs);
    for (NodeId id : loop.nodes) {
      if (!condition_nodes.count(id)) lower_in_frame(graph_.node(id));
    }
    for (size_t v = 0; v < variables.size(); ++v) {
      current[v] = GetValue(graph_.node(variables[v].merge), {variables[v].next_iteration, 0});
    }
  }

  // Exit k's value is the variable's value at the start of the first
  // iteration that did not run.
  name_suffix_ = "/exit";
  for (NodeId exit : exits) {
    const Node& node = graph_.node(exit);
    const TensorRef switch_ref = node.input(0);
    const Node& switch_node = graph_.node(switch_ref.node);
    size_t v = 0;
    while (v < variables.size() &&
           !(switch_node.op() == "Switch" && switch_node.input(0) == TensorRef{variables[v].merge, 0})) {
      ++v;
    }
    if (v == variables.size()) Fail(node, "reads no loop variable's Switch");
    Value result = current[v];
    for (int iteration = static_cast<int>(active.size()) - 1; iteration >= 0; --iteration) {
      const Value& stopped = history[static_cast<size_t>(iteration)][v];
      const std::string name = node.name() + "/iter" + std::to_string(iteration);
      if (result.is_flow) {
        for (size_t e = 0; e < result.flow.elements.size(); ++e) {
          int& element = result.flow.elements[e];
          const int other = stopped.flow.elements[e];
          if (element == other) continue;
          const std::vector<int32_t> shape =
              ElementShape(node, element != kUnwritten ? result.flow : stopped.flow);
          const TensorType type = arrays_[static_cast<size_t>(result.flow.array)].type;
          element = SelectActive(loop_index, iteration, active,
                                 element == kUnwritten ? Zeros(type, shape) : element,
                                 other == kUnwritten ? Zeros(type, shape) : other, name);
        }
      } else if (result.array_handle >= 0) {
        if (result.array_handle != stopped.array_handle) {
          Fail(node, "a TensorArray handle that changes inside the loop is not supported");
        }
      } else {
        result.tensor =
            SelectActive(loop_index, iteration, active, result.tensor, stopped.tensor, name);
      }
    }
    SetValue({exit, 0}, result);
  }
  name_suffix_.clear();
}

void Lowerer::Identity(const Node& node) { SetValue({node.id(), 0}, GetValue(node, node.input(0))); }

void Lowerer::ControlFlowOutsideLoop(const Node& node) {
  Fail(node, "TF1 control flow outside a while loop (tf.cond on a value known only at run time) "
             "is not supported");
}

// ---- TensorArrays ----

int64_t Lowerer::ConstIndex(const Node& node, int slot) {
  const std::vector<int64_t> index = ConstInts(node, slot, "the index");
  if (index.size() != 1) Fail(node, "the index must be a scalar");
  return index[0];
}

const Lowerer::ArrayState& Lowerer::FlowIn(const Node& node, int slot) {
  const auto flow = array_flows_.find(node.input(slot));
  if (flow == array_flows_.end()) {
    Fail(node, "input " + std::to_string(slot) + " '" + graph_.TensorNameOf(node.input(slot)) +
                   "' is not a TensorArray flow");
  }
  const auto handle = array_handles_.find(node.input(0));
  if (handle == array_handles_.end() || handle->second != flow->second.array) {
    Fail(node, "input 0 is not the handle of the TensorArray its flow belongs to");
  }
  return flow->second;
}

std::vector<int32_t> Lowerer::ElementShape(const Node& node, const ArrayState& state) {
  const TensorArrayInfo& info = arrays_[static_cast<size_t>(state.array)];
  for (int element : state.elements) {
    if (element != kUnwritten) return T(element).shape;
  }
  const bool known = !info.element_shape.unknown_rank &&
                     std::none_of(info.element_shape.dims.begin(), info.element_shape.dims.end(),
                                  [](int64_t dim) { return dim < 0; });
  if (!known) {
    Fail(node, "TensorArray '" + info.name +
                   "' is read before any element is written and its element_shape is not known");
  }
  return std::vector<int32_t>(info.element_shape.dims.begin(), info.element_shape.dims.end());
}

int Lowerer::ReadElement(const Node& node, const ArrayState& state, int64_t index) {
  const TensorArrayInfo& info = arrays_[static_cast<size_t>(state.array)];
  if (index < 0 || index >= info.size) {
    Fail(node, "index " + std::to_string(index) + " is outside TensorArray '" + info.name +
                   "' of size " + std::to_string(info.size));
  }
  const int element = state.elements[static_cast<size_t>(index)];
  return element != kUnwritten ? element : Zeros(info.type, ElementShape(node, state));
}

void Lowerer::TensorArrayOp(const Node& node) {
  if (node.Has("dynamic_size") && node.GetBool("dynamic_size")) {
    Fail(node, "a TensorArray with dynamic_size is not supported");
  }
  const int64_t size = ConstIndex(node, 0);
  if (size < 0 || size > kMaxUnrolledIterations) {
    Fail(node, "TensorArray size " + std::to_string(size) + " is outside 0.." +
                   std::to_string(kMaxUnrolledIterations));
  }
  TensorArrayInfo info;
  info.name = node.name();
  info.size = static_cast<int32_t>(size);
  info.type = TypeOf(node, node.GetType("dtype"));
  info.element_shape.unknown_rank = true;
  if (node.Has("element_shape")) info.element_shape = node.GetShape("element_shape");
  const int array = static_cast<int>(arrays_.size());
  arrays_.push_back(info);
  array_handles_[{node.id(), 0}] = array;
  array_flows_[{node.id(), 1}] = ArrayState{array, std::vector<int>(static_cast<size_t>(size), kUnwritten)};
}

void Lowerer::TensorArrayScatter(const Node& node) {
  ArrayState state = FlowIn(node, 3);
  const std::vector<int64_t> indices = ConstInts(node, 1, "the indices");
  const int value = In(node, 2);
  const std::vector<int32_t>& shape = T(value).shape;
  if (shape.empty() || shape[0] != static_cast<int32_t>(indices.size())) {
    Fail(node, "the value's first dimension must match the " + std::to_string(indices.size()) +
                   " indices");
  }
  schema::PackOptionsT options;
  options.axis = 0;
  const std::vector<int> parts = EmitN(OpCode::UNPACK, {value}, T(value).type, node.name(),
                                       static_cast<int>(indices.size()), Options(options));
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] < 0 || indices[i] >= static_cast<int64_t>(state.elements.size())) {
      Fail(node, "index " + std::to_string(indices[i]) + " is outside the TensorArray");
    }
    state.elements[static_cast<size_t>(indices[i])] = parts[i];
  }
  array_flows_[{node.id(), 0}] = state;
}

void Lowerer::TensorArrayRead(const Node& node) {
  const ArrayState& state = FlowIn(node, 2);
  Bind(node, 0, ReadElement(node, state, ConstIndex(node, 1)));
}

void Lowerer::TensorArrayWrite(const Node& node) {
  ArrayState state = FlowIn(node, 3);
  const int64_t index = ConstIndex(node, 1);
  const int value = In(node, 2);
  if (index < 0 || index >= static_cast<int64_t>(state.elements.size())) {
    Fail(node, "index " + std::to_string(index) + " is outside the TensorArray");
  }
  if (T(value).type != arrays_[static_cast<size_t>(state.array)].type) {
    Fail(node, "the value's type differs from the TensorArray's");
  }
  state.elements[static_cast<size_t>(index)] = value;
  array_flows_[{node.id(), 0}] = state;
}

void Lowerer::TensorArrayGather(const Node& node) {
  const ArrayState& state = FlowIn(node, 2);
  std::vector<int> elements;
  for (int64_t index : ConstInts(node, 1, "the indices")) {
    elements.push_back(ReadElement(node, state, index));
  }
  if (elements.empty()) Fail(node, "gathers no element");
  schema::PackOptionsT options;
  options.axis = 0;
  Bind(node, 0, Emit(OpCode::PACK, elements, T(elements[0]).type, node.name(), Options(options)));
}

void Lowerer::TensorArraySize(const Node& node) {
  const ArrayState& state = FlowIn(node, 1);
  Bind(node, 0,
       ir_.AddConstantOf<int32_t>(node.name(), {},
                                  {arrays_[static_cast<size_t>(state.array)].size}));
}

// ---- ops around them ----

void Lowerer::ZerosLike(const Node& node) {
  const int input = In(node, 0);
  Bind(node, 0, Zeros(T(input).type, T(input).shape));
}

void Lowerer::Range(const Node& node) {
  const int start = In(node, 0);
  Bind(node, 0, Emit(OpCode::RANGE, {start, In(node, 1), In(node, 2)}, T(start).type, node.name()));
}

void Lowerer::ReverseSequence(const Node& node) {
  const int input = In(node, 0);
  const size_t rank = T(input).shape.size();
  schema::ReverseSequenceOptionsT options;
  options.seq_dim = Axis(node, node.GetInt("seq_dim"), rank);
  options.batch_dim = Axis(node, node.Has("batch_dim") ? node.GetInt("batch_dim") : 0, rank);
  Bind(node, 0, Emit(OpCode::REVERSE_SEQUENCE, {input, In(node, 1)}, T(input).type, node.name(),
                     Options(options)));
}

}  // namespace ember::convert::tf
