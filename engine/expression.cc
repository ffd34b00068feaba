// SPDX-License-Identifier: Apache-2.0
// Vectorized evaluation of bound expressions.
#include "engine/expression.h"

#include <cstring>

#include "base/check.h"
#include "engine/function/array_text.h"
#include "engine/operator.h"
#include "engine/plan.h"

namespace tessera::engine {

namespace {

// Rows [0, count) of `input` restricted to `rows` (a sub-batch for conditional evaluation).
Batch SubBatch(const Batch& input, const std::vector<sel_t>& rows) {
  Batch sub;
  sub.columns.reserve(input.columns.size());
  for (const auto& column : input.columns) sub.columns.push_back(column.Gather(rows.data(), rows.size()));
  sub.num_rows = rows.size();
  return sub;
}

// Evaluates `expr` on the rows `rows` of `input`; the result has rows.size() rows.
Vector EvaluateOnRows(const BoundExpr& expr, const Batch& input, const std::vector<sel_t>& rows,
                      ExecContext& context) {
  if (rows.size() == input.num_rows) return Evaluate(expr, input, context);
  return Evaluate(expr, SubBatch(input, rows), context);
}

// Copies source row i to target row rows[i].
void Scatter(Vector& target, const Vector& source, const std::vector<sel_t>& rows) {
  const size_t width = PhysicalWidth(target.physical_type());
  TESSERA_CHECK(width == PhysicalWidth(source.physical_type()));
  auto* to = target.Data<uint8_t>();
  const auto* from = source.Data<uint8_t>();
  for (size_t index = 0; index < rows.size(); ++index) {
    if (source.IsNull(index)) {
      target.SetNull(rows[index], true);
    } else {
      target.SetNull(rows[index], false);
      std::memcpy(to + rows[index] * width, from + index * width, width);
    }
  }
  if (target.physical_type() == PhysicalType::kString) target.ShareHeap(source);
}

// Truth of a bool vector cell: 1 true, 0 false, -1 NULL.
int Truth(const Vector& vector, idx_t row) {
  if (vector.IsNull(row)) return -1;
  return vector.Data<uint8_t>()[row] ? 1 : 0;
}

Vector EvaluateLogical(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const bool is_and = expr.kind == BoundExprKind::kAnd;
  const idx_t count = input.num_rows;
  Vector result = Evaluate(*expr.children[0], input, context);
  // Rows whose outcome is still open: for AND those not false, for OR those not true.
  for (size_t child = 1; child < expr.children.size(); ++child) {
    std::vector<sel_t> open;
    for (idx_t row = 0; row < count; ++row) {
      const int truth = Truth(result, row);
      if (is_and ? truth != 0 : truth != 1) open.push_back(static_cast<sel_t>(row));
    }
    if (open.empty()) break;
    Vector right = EvaluateOnRows(*expr.children[child], input, open, context);
    for (size_t index = 0; index < open.size(); ++index) {
      const sel_t row = open[index];
      const int left_truth = Truth(result, row);
      const int right_truth = Truth(right, index);
      int combined;
      if (is_and) {
        combined = right_truth == 0 ? 0 : ((left_truth == -1 || right_truth == -1) ? -1 : 1);
      } else {
        combined = right_truth == 1 ? 1 : ((left_truth == -1 || right_truth == -1) ? -1 : 0);
      }
      if (combined < 0) {
        result.SetNull(row, true);
      } else {
        result.SetNull(row, false);
        result.Data<uint8_t>()[row] = static_cast<uint8_t>(combined);
      }
    }
  }
  return result;
}

Vector EvaluateCase(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  Vector result(expr.type, count);
  for (idx_t row = 0; row < count; ++row) result.SetNull(row, true);
  std::vector<sel_t> open(count);
  for (idx_t row = 0; row < count; ++row) open[row] = static_cast<sel_t>(row);
  const size_t num_whens = (expr.children.size() - (expr.has_else ? 1 : 0)) / 2;
  for (size_t when = 0; when < num_whens && !open.empty(); ++when) {
    Vector condition = EvaluateOnRows(*expr.children[2 * when], input, open, context);
    std::vector<sel_t> taken, rest;
    for (size_t index = 0; index < open.size(); ++index) {
      (Truth(condition, index) == 1 ? taken : rest).push_back(open[index]);
    }
    if (!taken.empty()) Scatter(result, EvaluateOnRows(*expr.children[2 * when + 1], input, taken, context), taken);
    open = std::move(rest);
  }
  if (expr.has_else && !open.empty()) {
    Scatter(result, EvaluateOnRows(*expr.children.back(), input, open, context), open);
  }
  return result;
}

Vector EvaluateCoalesce(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  Vector result(expr.type, count);
  for (idx_t row = 0; row < count; ++row) result.SetNull(row, true);
  std::vector<sel_t> open(count);
  for (idx_t row = 0; row < count; ++row) open[row] = static_cast<sel_t>(row);
  for (const auto& child : expr.children) {
    if (open.empty()) break;
    Vector value = EvaluateOnRows(*child, input, open, context);
    std::vector<sel_t> found_rows, found_index, rest;
    for (size_t index = 0; index < open.size(); ++index) {
      if (value.IsNull(index)) {
        rest.push_back(open[index]);
      } else {
        found_rows.push_back(open[index]);
        found_index.push_back(static_cast<sel_t>(index));
      }
    }
    if (!found_rows.empty()) Scatter(result, value.Gather(found_index.data(), found_index.size()), found_rows);
    open = std::move(rest);
  }
  return result;
}

// Rows of a subquery's result, computed once for an uncorrelated subquery.
const std::vector<Batch>& SubqueryRows(const BoundExpr& expr, ExecContext& context,
                                       std::vector<Batch>& scratch) {
  if (!expr.correlated) {
    auto found = context.subquery_cache.find(expr.subquery_plan.get());
    if (found == context.subquery_cache.end()) {
      found = context.subquery_cache.emplace(expr.subquery_plan.get(), RunPlan(*expr.subquery_plan, context)).first;
    }
    return found->second;
  }
  scratch = RunPlan(*expr.subquery_plan, context);
  return scratch;
}

// Value of a subquery for one outer row (already pushed on context.outer_rows).
Value SubqueryValue(const BoundExpr& expr, const Value& left, ExecContext& context) {
  std::vector<Batch> scratch;
  const std::vector<Batch>& batches = SubqueryRows(expr, context, scratch);
  switch (expr.subquery_type) {
    case SubqueryType::kExists: {
      for (const auto& batch : batches) {
        if (batch.num_rows > 0) return Value::Bool(true);
      }
      return Value::Bool(false);
    }
    case SubqueryType::kScalar: {
      Value result = Value::Null(expr.type);
      idx_t seen = 0;
      for (const auto& batch : batches) {
        if (batch.num_rows == 0) continue;
        seen += batch.num_rows;
        if (seen > 1) {
          throw SqlError(SqlState::kCardinalityViolation, "more than one row returned by a subquery used as an expression");
        }
        result = batch.columns[0].GetValue(0);
      }
      return result;
    }
    case SubqueryType::kAny:
    case SubqueryType::kAll: {
      const bool any = expr.subquery_type == SubqueryType::kAny;
      bool saw_null = false;
      if (left.is_null()) {
        for (const auto& batch : batches) {
          if (batch.num_rows > 0) return Value::Null(LogicalType(TypeId::kBool));
        }
        return Value::Bool(!any);
      }
      for (const auto& batch : batches) {
        if (batch.num_rows == 0) continue;
        std::vector<Vector> args;
        args.push_back(Vector::Constant(left.WithType(expr.function->arg_types[0]), batch.num_rows));
        args.push_back(batch.columns[0]);
        Vector compared(LogicalType(TypeId::kBool), batch.num_rows);
        expr.function->kernel(args, batch.num_rows, compared, context);
        for (idx_t row = 0; row < batch.num_rows; ++row) {
          const int truth = Truth(compared, row);
          if (truth < 0) {
            saw_null = true;
          } else if (any && truth == 1) {
            return Value::Bool(true);
          } else if (!any && truth == 0) {
            return Value::Bool(false);
          }
        }
      }
      if (saw_null) return Value::Null(LogicalType(TypeId::kBool));
      return Value::Bool(!any);
    }
    case SubqueryType::kArray: {
      // The rows' values as array text, in the subquery's order.
      std::string text = "{";
      for (const auto& batch : batches) {
        for (idx_t row = 0; row < batch.num_rows; ++row) {
          if (text.size() > 1) text += ',';
          const Value value = batch.columns[0].GetValue(row);
          if (value.is_null()) {
            text += "NULL";
          } else {
            AppendArrayElement(text, value.ToString());
          }
        }
      }
      return Value::Text(text + "}", expr.type);
    }
  }
  return Value::Null(expr.type);
}

Vector EvaluateSubquery(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  Vector result(expr.type, count);
  const bool has_left = expr.subquery_type == SubqueryType::kAny || expr.subquery_type == SubqueryType::kAll;
  Vector left;
  if (has_left) left = Evaluate(*expr.children[0], input, context);
  if (!expr.correlated) {
    // One answer for all rows unless it depends on the left operand.
    if (!has_left) {
      result = Vector::Constant(SubqueryValue(expr, Value(), context).WithType(expr.type), count);
      return result;
    }
    for (idx_t row = 0; row < count; ++row) result.SetValue(row, SubqueryValue(expr, left.GetValue(row), context));
    return result;
  }
  for (idx_t row = 0; row < count; ++row) {
    std::vector<Value> outer;
    outer.reserve(input.columns.size());
    for (const auto& column : input.columns) outer.push_back(column.GetValue(row));
    context.outer_rows.push_back(std::move(outer));
    try {
      result.SetValue(row, SubqueryValue(expr, has_left ? left.GetValue(row) : Value(), context));
    } catch (...) {
      context.outer_rows.pop_back();
      throw;
    }
    context.outer_rows.pop_back();
  }
  return result;
}

Vector EvaluateBoolTest(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  Vector child = Evaluate(*expr.children[0], input, context);
  Vector result(LogicalType(TypeId::kBool), count);
  auto* out = result.Data<uint8_t>();
  for (idx_t row = 0; row < count; ++row) {
    bool value;
    if (expr.kind == BoundExprKind::kIsNull) {
      value = child.IsNull(row);
    } else {
      const int truth = Truth(child, row);
      value = expr.kind == BoundExprKind::kIsTrue ? truth == 1 : truth == 0;
    }
    out[row] = (value != expr.negated) ? 1 : 0;
  }
  return result;
}

Vector EvaluateDistinctFrom(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  std::vector<Vector> args;
  args.push_back(Evaluate(*expr.children[0], input, context));
  args.push_back(Evaluate(*expr.children[1], input, context));
  Vector equal(LogicalType(TypeId::kBool), count);
  expr.function->kernel(args, count, equal, context);
  Vector result(LogicalType(TypeId::kBool), count);
  auto* out = result.Data<uint8_t>();
  for (idx_t row = 0; row < count; ++row) {
    const bool left_null = args[0].IsNull(row);
    const bool right_null = args[1].IsNull(row);
    bool distinct;
    if (left_null || right_null) {
      distinct = left_null != right_null;
    } else {
      distinct = equal.Data<uint8_t>()[row] == 0;
    }
    out[row] = (distinct != expr.negated) ? 1 : 0;
  }
  return result;
}

}  // namespace

Vector Evaluate(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  const idx_t count = input.num_rows;
  switch (expr.kind) {
    case BoundExprKind::kConstant:
      return Vector::Constant(expr.constant.is_null() ? Value::Null(expr.type) : expr.constant, count);
    case BoundExprKind::kColumn:
      return input.columns[expr.column];
    case BoundExprKind::kOuterColumn: {
      TESSERA_CHECK(static_cast<size_t>(expr.depth) <= context.outer_rows.size());
      const Value& value = context.outer_rows[context.outer_rows.size() - expr.depth][expr.column];
      return Vector::Constant(value.is_null() ? Value::Null(expr.type) : value, count);
    }
    case BoundExprKind::kParameter: {
      TESSERA_CHECK(static_cast<size_t>(expr.parameter) <= context.parameters.size());
      const Value& value = context.parameters[expr.parameter - 1];
      return Vector::Constant(value.is_null() ? Value::Null(expr.type) : value, count);
    }
    case BoundExprKind::kFunction: {
      std::vector<Vector> args;
      args.reserve(expr.children.size());
      for (const auto& child : expr.children) args.push_back(Evaluate(*child, input, context));
      Vector result(expr.type, count);
      expr.function->kernel(args, count, result, context);
      return result;
    }
    case BoundExprKind::kCast: {
      Vector child = Evaluate(*expr.children[0], input, context);
      Vector result(expr.type, count);
      CastVector(child, expr.type, result, context, expr.explicit_cast);
      return result;
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
      return EvaluateLogical(expr, input, context);
    case BoundExprKind::kNot: {
      Vector child = Evaluate(*expr.children[0], input, context);
      auto* data = child.Data<uint8_t>();
      for (idx_t row = 0; row < count; ++row) data[row] = data[row] ? 0 : 1;
      return child;
    }
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsTrue:
    case BoundExprKind::kIsFalse:
      return EvaluateBoolTest(expr, input, context);
    case BoundExprKind::kDistinctFrom:
      return EvaluateDistinctFrom(expr, input, context);
    case BoundExprKind::kCase:
      return EvaluateCase(expr, input, context);
    case BoundExprKind::kCoalesce:
      return EvaluateCoalesce(expr, input, context);
    case BoundExprKind::kSubquery:
      return EvaluateSubquery(expr, input, context);
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      break;
  }
  throw SqlError(SqlState::kInternalError, "internal error: unexpected expression in evaluation");
}

std::vector<sel_t> EvaluateFilter(const BoundExpr& expr, const Batch& input, ExecContext& context) {
  Vector result = Evaluate(expr, input, context);
  std::vector<sel_t> rows;
  rows.reserve(input.num_rows);
  const auto* data = result.Data<uint8_t>();
  for (idx_t row = 0; row < input.num_rows; ++row) {
    if (data[row] && !result.IsNull(row)) rows.push_back(static_cast<sel_t>(row));
  }
  return rows;
}

Value EvaluateConstant(const BoundExpr& expr, ExecContext& context) {
  Batch one;
  one.num_rows = 1;
  return Evaluate(expr, one, context).GetValue(0);
}

std::vector<Batch> RunPlan(const PlanNode& plan, ExecContext& context) {
  auto op = CreateOperator(plan, context);
  std::vector<Batch> batches;
  Batch batch;
  while (op->Next(&batch)) {
    batches.push_back(std::move(batch));
    batch = Batch();
  }
  return batches;
}

BoundExprPtr MakeConstant(Value value) {
  auto expr = std::make_unique<BoundExpr>(BoundExprKind::kConstant, value.type());
  expr->constant = std::move(value);
  return expr;
}

BoundExprPtr MakeColumn(int column, LogicalType type, std::string name) {
  auto expr = std::make_unique<BoundExpr>(BoundExprKind::kColumn, type);
  expr->column = column;
  expr->name = std::move(name);
  return expr;
}

BoundExprPtr MakeCast(BoundExprPtr input, const LogicalType& type, bool explicit_cast) {
  if (input->type == type) return input;
  auto expr = std::make_unique<BoundExpr>(BoundExprKind::kCast, type);
  expr->explicit_cast = explicit_cast;
  expr->name = input->name;
  expr->children.push_back(std::move(input));
  return expr;
}

BoundExprPtr MakeFunction(const ScalarFunction* function, std::vector<BoundExprPtr> args, LogicalType type) {
  auto expr = std::make_unique<BoundExpr>(BoundExprKind::kFunction, type);
  expr->function = function;
  expr->name = function->name;
  expr->children = std::move(args);
  return expr;
}

BoundExprPtr BoundExpr::Copy() const {
  auto copy = std::make_unique<BoundExpr>(kind, type);
  copy->constant = constant;
  copy->column = column;
  copy->depth = depth;
  copy->parameter = parameter;
  copy->negated = negated;
  copy->has_else = has_else;
  copy->explicit_cast = explicit_cast;
  copy->function = function;
  copy->name = name;
  copy->subquery_type = subquery_type;
  copy->subquery_plan = subquery_plan;
  copy->correlated = correlated;
  copy->reference = reference;
  for (const auto& child : children) copy->children.push_back(child->Copy());
  return copy;
}

bool BoundExpr::Equals(const BoundExpr& other) const {
  if (kind != other.kind || !(type == other.type) || column != other.column || depth != other.depth ||
      parameter != other.parameter || negated != other.negated || has_else != other.has_else ||
      function != other.function || reference != other.reference || children.size() != other.children.size()) {
    return false;
  }
  if (kind == BoundExprKind::kSubquery) return false;
  if (kind == BoundExprKind::kFunction && function != nullptr && function->is_volatile) return false;
  if (kind == BoundExprKind::kConstant) {
    if (constant.is_null() != other.constant.is_null()) return false;
    if (!constant.is_null() && constant.ToString() != other.constant.ToString()) return false;
  }
  for (size_t index = 0; index < children.size(); ++index) {
    if (!children[index]->Equals(*other.children[index])) return false;
  }
  return true;
}

bool BoundExpr::IsConstant() const {
  switch (kind) {
    case BoundExprKind::kColumn:
    case BoundExprKind::kOuterColumn:
    case BoundExprKind::kParameter:
    case BoundExprKind::kSubquery:
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      return false;
    case BoundExprKind::kFunction:
      if (function->is_volatile) return false;
      break;
    default:
      break;
  }
  for (const auto& child : children) {
    if (!child->IsConstant()) return false;
  }
  return true;
}

bool BoundExpr::ReferencesColumns() const {
  if (kind == BoundExprKind::kColumn) return true;
  for (const auto& child : children) {
    if (child->ReferencesColumns()) return true;
  }
  return false;
}

std::string BoundExpr::ToString() const {
  auto join_children = [this](const std::string& separator) {
    std::string text;
    for (size_t index = 0; index < children.size(); ++index) {
      if (index > 0) text += separator;
      text += children[index]->ToString();
    }
    return text;
  };
  switch (kind) {
    case BoundExprKind::kConstant:
      if (constant.is_null()) return "NULL";
      if (IsStringFamily(type.id) || IsTemporal(type.id)) return "'" + constant.ToString() + "'";
      return constant.ToString();
    case BoundExprKind::kColumn:
      return name.empty() ? "#" + std::to_string(column) : name;
    case BoundExprKind::kOuterColumn:
      return "outer(" + (name.empty() ? "#" + std::to_string(column) : name) + ")";
    case BoundExprKind::kParameter:
      return "$" + std::to_string(parameter);
    case BoundExprKind::kFunction: {
      const bool is_operator = !function->name.empty() && !std::isalpha(static_cast<unsigned char>(function->name[0]));
      if (is_operator && children.size() == 2) {
        return "(" + children[0]->ToString() + " " + function->name + " " + children[1]->ToString() + ")";
      }
      if (is_operator && children.size() == 1) return "(" + function->name + children[0]->ToString() + ")";
      return function->name + "(" + join_children(", ") + ")";
    }
    case BoundExprKind::kCast:
      return children[0]->ToString() + "::" + FormatType(type);
    case BoundExprKind::kAnd:
      return "(" + join_children(" AND ") + ")";
    case BoundExprKind::kOr:
      return "(" + join_children(" OR ") + ")";
    case BoundExprKind::kNot:
      return "(NOT " + children[0]->ToString() + ")";
    case BoundExprKind::kIsNull:
      return "(" + children[0]->ToString() + (negated ? " IS NOT NULL)" : " IS NULL)");
    case BoundExprKind::kIsTrue:
      return "(" + children[0]->ToString() + (negated ? " IS NOT TRUE)" : " IS TRUE)");
    case BoundExprKind::kIsFalse:
      return "(" + children[0]->ToString() + (negated ? " IS NOT FALSE)" : " IS FALSE)");
    case BoundExprKind::kDistinctFrom:
      return "(" + children[0]->ToString() + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") +
             children[1]->ToString() + ")";
    case BoundExprKind::kCase:
      return "CASE ... END";
    case BoundExprKind::kCoalesce:
      return "COALESCE(" + join_children(", ") + ")";
    case BoundExprKind::kSubquery:
      return "(SubPlan)";
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      return name;
  }
  return "?";
}

}  // namespace tessera::engine
