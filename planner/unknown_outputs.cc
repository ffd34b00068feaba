// SPDX-License-Identifier: Apache-2.0
// Late typing of a query's untyped output columns (PostgreSQL's unknown-type literals in INSERT ... SELECT
// and set-operation branches).
#include "base/check.h"
#include "planner/binder.h"

namespace tessera::planner {

using engine::BoundExprKind;
using engine::PlanKind;
using engine::PlanNode;

namespace {

// Gives output `column` of `plan` the type `type`: the untyped constant that produces it is coerced where
// it is computed, below nodes that only pass rows through.
void ResolveOutput(Binder& binder, PlanNode& plan, int column, const LogicalType& type) {
  switch (plan.kind) {
    case PlanKind::kProject: {
      engine::BoundExprPtr& expr = plan.expressions[column];
      const PlanKind child_kind = plan.children[0]->kind;
      const bool passes_through = child_kind == PlanKind::kProject || child_kind == PlanKind::kSort ||
                                  child_kind == PlanKind::kLimit || child_kind == PlanKind::kDistinct;
      if (expr->kind == BoundExprKind::kColumn && passes_through) {
        ResolveOutput(binder, *plan.children[0], expr->column, type);
        expr->type = type;
      } else {
        expr = binder.Coerce(std::move(expr), type, engine::CastContext::kAssignment);
      }
      break;
    }
    case PlanKind::kSort:
    case PlanKind::kLimit:
    case PlanKind::kDistinct:
      ResolveOutput(binder, *plan.children[0], column, type);
      break;
    case PlanKind::kValues:
      for (auto& row : plan.values) row[column] = binder.Coerce(std::move(row[column]), type, engine::CastContext::kAssignment);
      break;
    default:
      // Only constants are untyped, and the binder computes its outputs in a projection.
      TESSERA_CHECK(plan.kind == PlanKind::kProject);
  }
  plan.output_types[column] = type;
}

}  // namespace

void ResolveUnknownOutputs(Binder& binder, PlanNode& plan, const std::vector<LogicalType>& types) {
  for (size_t column = 0; column < types.size() && column < plan.output_types.size(); ++column) {
    if (plan.output_types[column].id == TypeId::kUnknown) {
      ResolveOutput(binder, plan, static_cast<int>(column), types[column]);
    }
  }
}

}  // namespace tessera::planner
