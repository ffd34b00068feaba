// SPDX-License-Identifier: Apache-2.0
// ProjectSet: set-returning calls (generate_series, regexp_split_to_table) in a select list. Each input
// row gives as many output rows as its longest call returns, the other calls padded with NULL, the input
// columns repeated; a row whose calls all return nothing gives none (PostgreSQL 10+'s semantics).
#include <memory>

#include "engine/expression.h"
#include "engine/operator.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/set_function.h"

namespace tessera::engine {
namespace {

class ProjectSetOperator : public Operator {
 public:
  ProjectSetOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    const size_t width = node_.children[0]->output_types.size();
    const size_t calls = node_.set_function_args.size();
    std::vector<sel_t> rows;  // input row of each output row
    std::vector<Vector> columns;  // each call's value per output row
    for (size_t call = 0; call < calls; ++call) {
      columns.emplace_back(node_.output_types[width + call]);
      columns.back().Reserve(kBatchSize);
    }
    while (rows.size() < kBatchSize) {
      if (!row_started_) {
        if (row_ >= input_.num_rows) {
          if (!rows.empty()) break;  // emit what refers to this input batch before reading the next
          if (!child_->Next(&input_)) return false;
          row_ = 0;
          EvaluateArguments();
          continue;
        }
        StartRow();
      }
      bool any = false;
      for (size_t call = 0; call < calls; ++call) any = AppendNext(call, columns[call]) || any;
      if (!any) {
        for (auto& column : columns) column.Resize(rows.size());
        row_started_ = false;
        ++row_;
        continue;
      }
      rows.push_back(static_cast<sel_t>(row_));
    }
    out->columns.clear();
    for (const Vector& column : input_.columns) out->columns.push_back(column.Gather(rows.data(), rows.size()));
    for (auto& column : columns) out->columns.push_back(std::move(column));
    out->num_rows = rows.size();
    return true;
  }

 private:
  void EvaluateArguments() {
    arguments_.clear();
    for (const auto& args : node_.set_function_args) {
      std::vector<Vector> evaluated;
      for (const auto& arg : args) evaluated.push_back(Evaluate(*arg, input_, context_));
      arguments_.push_back(std::move(evaluated));
    }
  }

  void StartRow() {
    const size_t width = input_.columns.size();
    runs_.clear();
    for (size_t call = 0; call < arguments_.size(); ++call) {
      std::vector<Value> args;
      for (const Vector& arg : arguments_[call]) args.push_back(arg.GetValue(row_));
      runs_.push_back(StartSetFunction(node_.set_function_names[call], node_.output_types[width + call], args));
    }
    row_started_ = true;
  }

  // Appends call `call`'s next element for the current row to `column` (NULL when it has ended); returns
  // whether it had one.
  bool AppendNext(size_t call, Vector& column) {
    const idx_t at = column.size();
    column.Resize(at + 1);
    const bool has = runs_[call]->Next(column, at);
    if (!has) column.SetNull(at, true);
    return has;
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  Batch input_;
  idx_t row_ = 0;
  bool row_started_ = false;
  std::vector<std::vector<Vector>> arguments_;  // [call][argument] evaluated on input_
  std::vector<std::unique_ptr<SetFunctionRun>> runs_;  // the current row's runs, one per call
};

}  // namespace

std::unique_ptr<Operator> MakeProjectSetOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<ProjectSetOperator>(node, context);
}

}  // namespace tessera::engine
