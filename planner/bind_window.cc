// SPDX-License-Identifier: Apache-2.0
// Binding of window function calls: the function and its arguments, the window (OVER (...), OVER w and
// the WINDOW clause's named windows, with PostgreSQL's rules for copying them) and the frame.
#include <algorithm>
#include <map>
#include <optional>

#include "engine/aggregate.h"
#include "planner/binder.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::CastContext;
using engine::FrameBoundType;
using engine::FrameUnit;
using engine::WindowFunctionKind;

namespace {

const std::map<std::string, WindowFunctionKind>& WindowFunctions() {
  static const std::map<std::string, WindowFunctionKind> functions = {
      {"row_number", WindowFunctionKind::kRowNumber},     {"rank", WindowFunctionKind::kRank},
      {"dense_rank", WindowFunctionKind::kDenseRank},     {"percent_rank", WindowFunctionKind::kPercentRank},
      {"cume_dist", WindowFunctionKind::kCumeDist},       {"ntile", WindowFunctionKind::kNtile},
      {"lag", WindowFunctionKind::kLag},                  {"lead", WindowFunctionKind::kLead},
      {"first_value", WindowFunctionKind::kFirstValue},   {"last_value", WindowFunctionKind::kLastValue},
      {"nth_value", WindowFunctionKind::kNthValue},
  };
  return functions;
}

// The window a call uses once named windows are resolved: partition and order from the referenced
// window (if any), the frame from the window that wrote it.
struct ResolvedWindow {
  const std::vector<ast::ExprPtr>* partition_by;
  const std::vector<ast::SortItem>* order_by;
  const ast::WindowSpec* frame;
};

// Resolves `spec` against the first `visible` definitions of the WINDOW clause, as PostgreSQL's
// transformWindowDefinitions.
ResolvedWindow ResolveWindow(const ast::WindowSpec& spec, const std::vector<ast::WindowSpec>& definitions,
                             size_t visible) {
  if (spec.ref_name.empty()) return {&spec.partition_by, &spec.order_by, &spec};
  size_t found = 0;
  while (found < visible && definitions[found].name != spec.ref_name) ++found;
  if (found == visible) {
    throw SqlError(SqlState::kUndefinedObject, "window \"" + spec.ref_name + "\" does not exist")
        .WithPosition(spec.location + 1);
  }
  const ResolvedWindow base = ResolveWindow(definitions[found], definitions, found);
  if (spec.plain_reference) return base;
  if (!spec.partition_by.empty()) {
    throw SqlError(SqlState::kWindowingError, "cannot override PARTITION BY clause of window \"" + spec.ref_name + "\"")
        .WithPosition(spec.location + 1);
  }
  if (!spec.order_by.empty() && !base.order_by->empty()) {
    throw SqlError(SqlState::kWindowingError, "cannot override ORDER BY clause of window \"" + spec.ref_name + "\"")
        .WithPosition(spec.location + 1);
  }
  if (base.frame->has_frame) {
    throw SqlError(SqlState::kWindowingError, "cannot copy window \"" + spec.ref_name + "\" because it has a frame clause")
        .WithPosition(spec.location + 1);
  }
  return {base.partition_by, spec.order_by.empty() ? base.order_by : &spec.order_by, &spec};
}

FrameBoundType ToBoundType(ast::FrameBoundKind kind) {
  switch (kind) {
    case ast::FrameBoundKind::kUnboundedPreceding: return FrameBoundType::kUnboundedPreceding;
    case ast::FrameBoundKind::kPreceding: return FrameBoundType::kPreceding;
    case ast::FrameBoundKind::kCurrentRow: return FrameBoundType::kCurrentRow;
    case ast::FrameBoundKind::kFollowing: return FrameBoundType::kFollowing;
    case ast::FrameBoundKind::kUnboundedFollowing: return FrameBoundType::kUnboundedFollowing;
  }
  return FrameBoundType::kCurrentRow;
}

bool HasOffset(FrameBoundType type) {
  return type == FrameBoundType::kPreceding || type == FrameBoundType::kFollowing;
}

// For RANGE offsets over an ORDER BY key of type `key` (PostgreSQL's in_range support): the type in which
// key and offset are added, and the type the offset must have; nullopt when `key` has no in_range.
std::optional<std::pair<LogicalType, LogicalType>> RangeTypes(const LogicalType& key) {
  switch (key.id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: return std::make_pair(LogicalType(TypeId::kNumeric), LogicalType(TypeId::kInt64));
    case TypeId::kNumeric: return std::make_pair(LogicalType(TypeId::kNumeric), LogicalType(TypeId::kNumeric));
    case TypeId::kFloat32:
    case TypeId::kFloat64: return std::make_pair(LogicalType(TypeId::kFloat64), LogicalType(TypeId::kFloat64));
    case TypeId::kDate:
    case TypeId::kTimestamp: return std::make_pair(LogicalType(TypeId::kTimestamp), LogicalType(TypeId::kInterval));
    case TypeId::kTimestampTz:
    case TypeId::kTime:
    case TypeId::kInterval: return std::make_pair(LogicalType(key.id), LogicalType(TypeId::kInterval));
    default: return std::nullopt;
  }
}

// Binds a ROWS/GROUPS offset (a bigint) or a RANGE offset and the per-row bound values it gives.
void BindFrameOffset(Binder& binder, const ast::Expr& written, bool is_start, FrameBoundType type,
                     engine::WindowCall& call, Scope& scope) {
  engine::WindowFrame& frame = call.frame;
  const char* unit = frame.unit == FrameUnit::kRows ? "ROWS" : (frame.unit == FrameUnit::kGroups ? "GROUPS" : "RANGE");
  const int position = written.location + 1;
  if (frame.unit == FrameUnit::kRange && call.order_by.size() != 1) {
    throw SqlError(SqlState::kWindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
        .WithPosition(position);
  }
  BoundExprPtr offset = binder.BindExpr(written, scope);
  if (offset->ReferencesColumns()) {
    throw SqlError(SqlState::kInvalidColumnReference, std::string("argument of ") + unit + " must not contain variables")
        .WithPosition(position);
  }
  if (frame.unit != FrameUnit::kRange) {
    offset = binder.Coerce(std::move(offset), LogicalType(TypeId::kInt64), CastContext::kAssignment,
                           (std::string("argument of ") + unit + " must be type bigint").c_str());
    (is_start ? frame.start_offset : frame.end_offset) = std::move(offset);
    return;
  }
  const BoundExpr& key = *call.order_by[0].expr;
  const auto types = RangeTypes(key.type);
  const bool offset_fits = types && (offset->type.id == TypeId::kUnknown || offset->type.id == types->second.id ||
                                     (IsInteger(key.type.id) && IsInteger(offset->type.id)) ||
                                     engine::GetCastContext(offset->type, types->second) == CastContext::kImplicit);
  if (!offset_fits) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "RANGE with offset PRECEDING/FOLLOWING is not supported for column type " + FormatType(key.type) +
                       " and offset type " + FormatType(offset->type))
        .WithPosition(position);
  }
  offset = binder.Coerce(std::move(offset), types->second, CastContext::kImplicit);
  // n PRECEDING moves against the sort direction, n FOLLOWING with it.
  const bool subtract = (type == FrameBoundType::kPreceding) != call.order_by[0].descending;
  std::vector<BoundExprPtr> operands;
  operands.push_back(binder.Coerce(key.Copy(), types->first, CastContext::kImplicit));
  operands.push_back(binder.Coerce(offset->Copy(), types->first == LogicalType(TypeId::kNumeric) ? types->first : offset->type,
                                   CastContext::kImplicit));
  BoundExprPtr value = binder.BindOperator(subtract ? "-" : "+", std::move(operands), written.location);
  if (!frame.range_key) frame.range_key = binder.Coerce(key.Copy(), value->type, CastContext::kImplicit);
  (is_start ? frame.start_value : frame.end_value) = std::move(value);
  (is_start ? frame.start_offset : frame.end_offset) = std::move(offset);
}

void BindFrame(Binder& binder, const ast::WindowSpec& spec, engine::WindowCall& call, Scope& scope) {
  if (!spec.has_frame) return;  // RANGE UNBOUNDED PRECEDING .. CURRENT ROW
  engine::WindowFrame& frame = call.frame;
  frame.unit = spec.frame_unit == ast::FrameUnit::kRows     ? FrameUnit::kRows
               : spec.frame_unit == ast::FrameUnit::kGroups ? FrameUnit::kGroups
                                                            : FrameUnit::kRange;
  frame.start = ToBoundType(spec.frame_start.kind);
  frame.end = ToBoundType(spec.frame_end.kind);
  if (spec.frame_exclusion == "current row") frame.exclusion = engine::FrameExclusion::kCurrentRow;
  if (spec.frame_exclusion == "group") frame.exclusion = engine::FrameExclusion::kGroup;
  if (spec.frame_exclusion == "ties") frame.exclusion = engine::FrameExclusion::kTies;
  if (frame.unit == FrameUnit::kGroups && call.order_by.empty()) {
    throw SqlError(SqlState::kWindowingError, "GROUPS mode requires an ORDER BY clause").WithPosition(spec.location + 1);
  }
  if (HasOffset(frame.start)) BindFrameOffset(binder, *spec.frame_start.offset, true, frame.start, call, scope);
  if (HasOffset(frame.end)) BindFrameOffset(binder, *spec.frame_end.offset, false, frame.end, call, scope);
}

}  // namespace

bool IsWindowOnlyFunction(const std::string& name) { return WindowFunctions().count(name) > 0; }

namespace {

// Binds the function, its arguments and FILTER into `call`.
void BindWindowFunction(Binder& binder, const ast::Expr& expr, const std::string& name, Scope& scope,
                        engine::WindowCall& call) {
  const int position = expr.location + 1;
  std::vector<BoundExprPtr> args;
  for (const auto& arg : expr.args) args.push_back(binder.BindExpr(*arg, scope));
  auto no_such_function = [&] {
    std::string text = "function " + name + "(";
    for (size_t index = 0; index < args.size(); ++index) text += (index > 0 ? ", " : "") + FormatType(args[index]->type);
    return SqlError(SqlState::kUndefinedFunction, text + ") does not exist").WithPosition(position);
  };
  if (engine::IsAggregateName(name)) {
    if (expr.agg_distinct) {
      throw SqlError(SqlState::kFeatureNotSupported, "DISTINCT is not implemented for window functions").WithPosition(position);
    }
    if (!expr.agg_order.empty()) {
      throw SqlError(SqlState::kFeatureNotSupported, "aggregate ORDER BY is not implemented for window functions")
          .WithPosition(position);
    }
    if (args.empty() && !(name == "count" && expr.agg_star)) throw no_such_function();
    call.aggregate = ResolveAggregate(name, args, binder, expr.location);
    call.type = call.aggregate->return_type;
    if (expr.agg_filter) {
      call.filter = binder.Coerce(binder.BindExpr(*expr.agg_filter, scope), LogicalType(TypeId::kBool),
                                  CastContext::kAssignment, "argument of FILTER must be type boolean");
    }
    call.args = std::move(args);
    return;
  }
  auto found = WindowFunctions().find(name);
  if (found == WindowFunctions().end()) {
    throw SqlError(SqlState::kWrongObjectType, "OVER specified, but " + name + " is not a window function nor an aggregate function")
        .WithPosition(position);
  }
  if (expr.agg_star || expr.agg_distinct || !expr.agg_order.empty()) throw no_such_function();
  if (expr.agg_filter) {
    throw SqlError(SqlState::kFeatureNotSupported, "FILTER is not implemented for non-aggregate window functions")
        .WithPosition(position);
  }
  call.kind = found->second;
  size_t min_args = 0, max_args = 0;
  switch (call.kind) {
    case WindowFunctionKind::kNtile:
    case WindowFunctionKind::kFirstValue:
    case WindowFunctionKind::kLastValue: min_args = max_args = 1; break;
    case WindowFunctionKind::kLag:
    case WindowFunctionKind::kLead: min_args = 1, max_args = 3; break;
    case WindowFunctionKind::kNthValue: min_args = max_args = 2; break;
    default: break;
  }
  const bool hypothetical = call.kind == WindowFunctionKind::kRank || call.kind == WindowFunctionKind::kDenseRank ||
                            call.kind == WindowFunctionKind::kPercentRank || call.kind == WindowFunctionKind::kCumeDist;
  if (hypothetical && !args.empty()) {
    // rank(x) and friends are also PostgreSQL's hypothetical-set aggregates.
    throw SqlError(SqlState::kWrongObjectType, "WITHIN GROUP is required for ordered-set aggregate " + name)
        .WithPosition(position);
  }
  if (args.size() < min_args || args.size() > max_args) throw no_such_function();
  switch (call.kind) {
    case WindowFunctionKind::kRowNumber:
    case WindowFunctionKind::kRank:
    case WindowFunctionKind::kDenseRank: call.type = LogicalType(TypeId::kInt64); break;
    case WindowFunctionKind::kPercentRank:
    case WindowFunctionKind::kCumeDist: call.type = LogicalType(TypeId::kFloat64); break;
    case WindowFunctionKind::kNtile:
      args[0] = binder.Coerce(std::move(args[0]), LogicalType(TypeId::kInt32), CastContext::kImplicit);
      call.type = LogicalType(TypeId::kInt32);
      break;
    default: {
      // lag/lead(anycompatible, int, anycompatible), first/last/nth_value(anyelement [, int]).
      std::vector<LogicalType> types = {args[0]->type};
      if (args.size() > 2) types.push_back(args[2]->type);
      call.type = binder.CommonType(types, name.c_str());
      if (call.type.id == TypeId::kUnknown) call.type = LogicalType(TypeId::kText);
      args[0] = binder.Coerce(std::move(args[0]), call.type, CastContext::kImplicit);
      if (args.size() > 1) args[1] = binder.Coerce(std::move(args[1]), LogicalType(TypeId::kInt32), CastContext::kImplicit);
      if (args.size() > 2) args[2] = binder.Coerce(std::move(args[2]), call.type, CastContext::kImplicit);
      break;
    }
  }
  call.args = std::move(args);
}

}  // namespace

BoundExprPtr Binder::BindWindowCall(const ast::Expr& expr, const std::string& name, Scope& scope) {
  if (windows_ == nullptr) throw SqlError(window_error_state_, window_error_).WithPosition(expr.location + 1);
  std::vector<engine::WindowCall>* calls = windows_;
  const std::vector<ast::WindowSpec>& definitions = *window_definitions_;
  WindowContextGuard guard(*this);
  SetWindowContext(nullptr, nullptr, SqlState::kWindowingError, "window function calls cannot be nested");

  engine::WindowCall call;
  call.name = name;
  BindWindowFunction(*this, expr, name, scope, call);
  const ResolvedWindow window = ResolveWindow(*expr.over, definitions, definitions.size());
  for (const auto& item : *window.partition_by) call.partition_by.push_back(BindExpr(*item, scope));
  for (const auto& item : *window.order_by) {
    engine::SortKey key;
    key.expr = BindExpr(*item.expr, scope);
    key.descending = item.direction == ast::SortDirection::kDesc;
    key.nulls_first = item.nulls == ast::NullsOrder::kFirst || (item.nulls == ast::NullsOrder::kDefault && key.descending);
    call.order_by.push_back(std::move(key));
  }
  BindFrame(*this, *window.frame, call, scope);

  auto ref = std::make_unique<BoundExpr>(BoundExprKind::kWindowRef, call.type);
  ref->reference = static_cast<int>(calls->size());
  ref->name = name;
  calls->push_back(std::move(call));
  return ref;
}

void CheckWindowDefinitions(const std::vector<ast::WindowSpec>& definitions) {
  for (size_t index = 0; index < definitions.size(); ++index) {
    for (size_t earlier = 0; earlier < index; ++earlier) {
      if (definitions[earlier].name == definitions[index].name) {
        throw SqlError(SqlState::kWindowingError, "window \"" + definitions[index].name + "\" is already defined")
            .WithPosition(definitions[index].location + 1);
      }
    }
    ResolveWindow(definitions[index], definitions, index);
  }
}

}  // namespace tessera::planner
