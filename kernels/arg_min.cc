// ArgMin: the index of the smallest value along one axis (see
// kernels/internal/arg_min_max.h for types, axis and ties).
#include "kernels/internal/arg_min_max.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Eval(OpContext& context) { return EvalArgMinMax(context, ArgPick::kMin); }

}  // namespace

const Kernel kArgMin = {schema::OpCode::ARG_MIN, "ARG_MIN", PrepareArgMinMax, Eval};

}  // namespace ember::kernels
