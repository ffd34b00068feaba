// SPDX-License-Identifier: Apache-2.0
// Factories of the operators that live in their own files (private to engine/).
#pragma once

#include <memory>
#include <vector>

#include "engine/operator.h"

namespace tessera::engine {

struct PlanNode;

std::unique_ptr<Operator> MakeIndexScanOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeAggregateOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeJoinOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeSortOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeDistinctOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeSetOperationOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeWindowOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeDmlOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeRecursiveOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeBatchListOperator(std::vector<Batch> batches);

}  // namespace tessera::engine
