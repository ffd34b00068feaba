// SPDX-License-Identifier: Apache-2.0
// Functions the binder provides itself because they depend on the catalog or on argument types chosen at
// bind time: GREATEST/LEAST for any type, and sequence functions (nextval, currval, setval).
#pragma once

#include "engine/function/scalar_function.h"

namespace tessera::planner {

const engine::FunctionRegistry& SpecialFunctions();
const engine::ScalarFunction* GreatestLeastFunction(bool greatest, const LogicalType& type);

}  // namespace tessera::planner
