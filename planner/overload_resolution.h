// SPDX-License-Identifier: Apache-2.0
// Overload resolution: picks the overload of a function or operator that a call's argument types select,
// with PostgreSQL's rules (parse_func.c func_select_candidate, parse_oper.c binary_oper_exact), untyped
// ('unknown') literals included.
#pragma once

#include <vector>

#include "base/types.h"
#include "engine/function/scalar_function.h"

namespace tessera::planner {

struct OverloadChoice {
  const engine::ScalarFunction* function = nullptr;  // the chosen overload; nullptr when none or ambiguous
  bool ambiguous = false;  // several overloads fit and the rules do not tell them apart (42725)
};

// Chooses among `overloads` for arguments of types `inputs` (kUnknown for untyped literals and NULLs).
// An overload fits when every argument has its type, is unknown, or casts to it implicitly. Among several,
// the rules prefer exact matches, then the categories' preferred types, then resolve unknown arguments by
// the categories the candidates take there (string first), then, for operators with one unknown operand,
// the overload taking the other operand's type twice.
OverloadChoice ChooseOverload(const std::vector<engine::ScalarFunction>& overloads,
                              const std::vector<LogicalType>& inputs, bool is_operator);

}  // namespace tessera::planner
