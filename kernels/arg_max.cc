// ArgMax: the index of the largest value along one axis (see
// kernels/internal/arg_min_max.h for types, axis and ties).
#include "kernels/internal/arg_min_max.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Eval(OpContext& context) { return EvalArgMinMax(context, ArgPick::kMax); }

}  // namespace

const Kernel kArgMax = {schema::OpCode::ARG_MAX, "ARG_MAX", PrepareArgMinMax, Eval};

}  // namespace ember::kernels
