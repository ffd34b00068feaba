// SPDX-License-Identifier: Apache-2.0
// Transforms function calls (aggregates, FILTER, WITHIN GROUP, OVER), window definitions and ORDER BY items.
#include <cstdint>

#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

// WindowDef.frame_options bits, as PostgreSQL 15 defines FRAMEOPTION_* in nodes/parsenodes.h. RANGE (0x2)
// is the default unit and BETWEEN (0x10) changes nothing once the bounds are decoded, so neither is tested.
constexpr int32_t kFrameNonDefault = 0x00001;
constexpr int32_t kFrameRows = 0x00004;
constexpr int32_t kFrameGroups = 0x00008;
constexpr int32_t kFrameStartUnboundedPreceding = 0x00020;
constexpr int32_t kFrameEndUnboundedPreceding = 0x00040;
constexpr int32_t kFrameStartUnboundedFollowing = 0x00080;
constexpr int32_t kFrameEndUnboundedFollowing = 0x00100;
constexpr int32_t kFrameStartCurrentRow = 0x00200;
constexpr int32_t kFrameEndCurrentRow = 0x00400;
constexpr int32_t kFrameStartOffsetPreceding = 0x00800;
constexpr int32_t kFrameEndOffsetPreceding = 0x01000;
constexpr int32_t kFrameStartOffsetFollowing = 0x02000;
constexpr int32_t kFrameEndOffsetFollowing = 0x04000;
constexpr int32_t kFrameExcludeCurrentRow = 0x08000;
constexpr int32_t kFrameExcludeGroup = 0x10000;
constexpr int32_t kFrameExcludeTies = 0x20000;

// The bits describing one frame bound; start and end use different bits for the same five cases.
struct FrameBoundBits {
  int32_t unbounded_preceding;
  int32_t offset_preceding;
  int32_t current_row;
  int32_t offset_following;
  int32_t unbounded_following;
};
constexpr FrameBoundBits kStartBits{kFrameStartUnboundedPreceding, kFrameStartOffsetPreceding,
                                    kFrameStartCurrentRow, kFrameStartOffsetFollowing,
                                    kFrameStartUnboundedFollowing};
constexpr FrameBoundBits kEndBits{kFrameEndUnboundedPreceding, kFrameEndOffsetPreceding, kFrameEndCurrentRow,
                                  kFrameEndOffsetFollowing, kFrameEndUnboundedFollowing};

ast::FrameBoundKind DecodeFrameBound(int32_t options, const FrameBoundBits& bits,
                                     ast::FrameBoundKind when_unset) {
  if (options & bits.unbounded_preceding) return ast::FrameBoundKind::kUnboundedPreceding;
  if (options & bits.offset_preceding) return ast::FrameBoundKind::kPreceding;
  if (options & bits.current_row) return ast::FrameBoundKind::kCurrentRow;
  if (options & bits.offset_following) return ast::FrameBoundKind::kFollowing;
  if (options & bits.unbounded_following) return ast::FrameBoundKind::kUnboundedFollowing;
  return when_unset;
}

bool HasOffset(ast::FrameBoundKind kind) {
  return kind == ast::FrameBoundKind::kPreceding || kind == ast::FrameBoundKind::kFollowing;
}

}  // namespace

ast::ExprPtr Transformer::TransformFuncCall(const pg_query::FuncCall& call) {
  auto expr = std::make_unique<ast::Expr>(ast::ExprKind::kFunction);
  expr->location = call.location();
  expr->names = StringList(call.funcname());
  expr->args = TransformExprList(call.args());
  expr->agg_star = call.agg_star();
  expr->agg_distinct = call.agg_distinct();
  expr->variadic = call.func_variadic();
  expr->within_group = call.agg_within_group();
  expr->agg_order = TransformSortList(call.agg_order());
  expr->agg_filter = TransformOptionalExpr(call.agg_filter());
  if (call.has_over()) {
    expr->over = std::make_unique<ast::WindowSpec>(TransformWindowDef(call.over()));
    // OVER w arrives as a window definition named w; it refers to the WINDOW clause's w.
    if (!expr->over->name.empty()) {
      expr->over->ref_name = std::move(expr->over->name);
      expr->over->name.clear();
      expr->over->plain_reference = true;
    }
  }
  return expr;
}

ast::WindowSpec Transformer::TransformWindowDef(const pg_query::WindowDef& window) {
  ast::WindowSpec spec;
  spec.name = window.name();
  spec.ref_name = window.refname();
  spec.partition_by = TransformExprList(window.partition_clause());
  spec.order_by = TransformSortList(window.order_clause());
  spec.location = window.location();

  const int32_t options = window.frame_options();
  spec.has_frame = (options & kFrameNonDefault) != 0;
  spec.frame_unit = (options & kFrameRows)     ? ast::FrameUnit::kRows
                    : (options & kFrameGroups) ? ast::FrameUnit::kGroups
                                               : ast::FrameUnit::kRange;
  spec.frame_start.kind = DecodeFrameBound(options, kStartBits, ast::FrameBoundKind::kUnboundedPreceding);
  spec.frame_end.kind = DecodeFrameBound(options, kEndBits, ast::FrameBoundKind::kCurrentRow);
  if (HasOffset(spec.frame_start.kind))
    spec.frame_start.offset = TransformOptionalExpr(window.start_offset());
  if (HasOffset(spec.frame_end.kind)) spec.frame_end.offset = TransformOptionalExpr(window.end_offset());
  if (options & kFrameExcludeCurrentRow) spec.frame_exclusion = "current row";
  if (options & kFrameExcludeGroup) spec.frame_exclusion = "group";
  if (options & kFrameExcludeTies) spec.frame_exclusion = "ties";
  return spec;
}

std::vector<ast::SortItem> Transformer::TransformSortList(const NodeList& nodes) {
  std::vector<ast::SortItem> items;
  items.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) {
    if (!node.has_sort_by()) ThrowUnsupported("this kind of ORDER BY item", -1);
    const pg_query::SortBy& sort_by = node.sort_by();
    ast::SortItem item;
    item.expr = TransformExpr(sort_by.node());
    switch (sort_by.sortby_dir()) {
      case pg_query::SORTBY_ASC: item.direction = ast::SortDirection::kAsc; break;
      case pg_query::SORTBY_DESC: item.direction = ast::SortDirection::kDesc; break;
      case pg_query::SORTBY_USING: {
        // USING < and USING > are the btree orderings, ASC and DESC (NULLS FIRST by default for >).
        std::vector<std::string> op = StringList(sort_by.use_op());
        const std::string name = op.empty() ? "" : op.back();
        if (name != "<" && name != ">") ThrowUnsupported("ORDER BY USING " + name, sort_by.location());
        item.direction = name == "<" ? ast::SortDirection::kAsc : ast::SortDirection::kDesc;
        break;
      }
      default: break;
    }
    switch (sort_by.sortby_nulls()) {
      case pg_query::SORTBY_NULLS_FIRST: item.nulls = ast::NullsOrder::kFirst; break;
      case pg_query::SORTBY_NULLS_LAST: item.nulls = ast::NullsOrder::kLast; break;
      default: break;
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace tessera::planner::parser
