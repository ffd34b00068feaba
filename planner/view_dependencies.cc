// SPDX-License-Identifier: Apache-2.0
// Finding the views that use a relation, and rewriting their SQL when a name they use changes.
#include "planner/view_dependencies.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/function/kernel_builder.h"
#include "planner/binder.h"
#include "planner/parser/parser.h"
#include "planner/session_state.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

using engine::RelationKind;
using engine::RelationPtr;

struct ViewUses {
  RelationPtr view;
  NameReferences references;
};

// Binds `view`'s SQL, recording what it names into `references`; false when it does not bind.
bool BindReferences(Session& session, const engine::RelationInfo& view, NameReferences& references) {
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  binder.RecordReferences(&references);
  try {
    auto statements = ParseSql(view.view_sql);
    binder.BindQuery(*static_cast<ast::SelectStatement&>(*statements[0]).select, nullptr);
  } catch (const SqlError&) {
    return false;
  }
  return true;
}

// Whether `sql` could name `name`: it contains it, ignoring case (unquoted names are folded to lower
// case). Binding only the views that pass keeps DROP and RENAME cheap in catalogs with many views.
bool MayName(const std::string& sql, const std::string& name) {
  auto equal = [](char left, char right) {
    return std::tolower(static_cast<unsigned char>(left)) == std::tolower(static_cast<unsigned char>(right));
  };
  return std::search(sql.begin(), sql.end(), name.begin(), name.end(), equal) != sql.end();
}

// The views of the catalog that may name relation `name`, with what their SQL names, highest oid (latest
// created) first.
std::vector<ViewUses> ViewsNaming(Session& session, const std::string& name) {
  std::vector<ViewUses> views;
  for (const RelationPtr& relation : session.database().catalog().AllRelations()) {
    if (relation->kind != RelationKind::kView || !MayName(relation->view_sql, name)) continue;
    ViewUses uses{relation, {}};
    // A view that no longer binds cannot be read, so it keeps nothing from being changed.
    if (BindReferences(session, *relation, uses.references)) views.push_back(std::move(uses));
  }
  std::sort(views.begin(), views.end(), [](const ViewUses& left, const ViewUses& right) {
    return left.view->oid > right.view->oid;
  });
  return views;
}

// Whether `references` use relation `oid` (its column `column` when >= 0).
bool Uses(const NameReferences& references, uint32_t oid, int column) {
  for (const NameReference& reference : references.references) {
    if (reference.relation_oid != oid) continue;
    if (column < 0 || (reference.kind != NameReference::Kind::kRelation && reference.column == column)) return true;
  }
  return false;
}

// Appends the views that use `relation` (its `column`) after the views that use them, newest first at
// each level, as PostgreSQL's findDependentObjects does; reversed, that is the order it reports them in.
void CollectDependents(Session& session, const engine::RelationInfo& relation, int column, std::set<uint32_t>& visited,
                       std::vector<DependentView>& found) {
  const std::string dependee = Describe(relation, column);
  for (const ViewUses& uses : ViewsNaming(session, relation.name)) {
    if (visited.count(uses.view->oid) != 0 || !Uses(uses.references, relation.oid, column)) continue;
    visited.insert(uses.view->oid);
    CollectDependents(session, *uses.view, -1, visited, found);
    found.push_back({uses.view, dependee});
  }
}

// One part of a dotted name in SQL text, e.g. `"My Table"` in `s."My Table".c`.
struct NamePart {
  size_t offset;
  size_t length;
  std::string name;  // as the parser reads it: unquoted parts folded to lower case
};

bool IsIdentifierStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentifierChar(unsigned char c) { return IsIdentifierStart(c) || std::isdigit(c) || c == '$'; }

// Reads the dotted name that starts at `offset` (stopping before a trailing `.*`).
std::vector<NamePart> ReadDottedName(const std::string& sql, size_t offset) {
  std::vector<NamePart> parts;
  size_t position = offset;
  auto skip_spaces = [&] {
    while (position < sql.size() && std::isspace(static_cast<unsigned char>(sql[position]))) ++position;
  };
  while (position < sql.size()) {
    skip_spaces();
    const size_t start = position;
    std::string name;
    if (position < sql.size() && sql[position] == '"') {
      for (++position; position < sql.size(); ++position) {
        if (sql[position] != '"') {
          name += sql[position];
        } else if (position + 1 < sql.size() && sql[position + 1] == '"') {
          name += '"';
          ++position;
        } else {
          break;
        }
      }
      ++position;  // the closing quote
    } else if (position < sql.size() && IsIdentifierStart(static_cast<unsigned char>(sql[position]))) {
      while (position < sql.size() && IsIdentifierChar(static_cast<unsigned char>(sql[position]))) {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[position])));
        ++position;
      }
    } else {
      break;
    }
    parts.push_back({start, position - start, name});
    skip_spaces();
    if (position >= sql.size() || sql[position] != '.') break;
    ++position;
  }
  return parts;
}

using Edits = std::map<size_t, std::pair<size_t, std::string>>;  // offset -> (length, replacement)

std::string ApplyEdits(std::string sql, const Edits& edits) {
  for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) sql.replace(edit->first, edit->second.first, edit->second.second);
  return sql;
}

[[noreturn]] void RefuseRename(const engine::RelationInfo& relation, int column, const engine::RelationInfo& view,
                               const std::string& why) {
  throw SqlError(SqlState::kFeatureNotSupported, "renaming " + Describe(relation, column) + " used by " +
                                                     Describe(view) + " through " + why + " is not supported yet");
}

// The edits that rename column `column` of `relation` in `uses`' SQL. Bare select-list columns keep their
// output name with AS, so that the view's columns and names used by outer queries do not change.
Edits ColumnRenameEdits(const ViewUses& uses, const engine::RelationInfo& relation, int column,
                        const std::string& new_name) {
  const std::string& old_name = relation.columns[column].name;
  const std::string& sql = uses.view->view_sql;
  const auto& outputs = uses.references.output_column_locations;
  Edits edits;
  for (const NameReference& reference : uses.references.references) {
    if (reference.relation_oid != relation.oid || reference.column != column) continue;
    switch (reference.kind) {
      case NameReference::Kind::kRelation:
        break;
      case NameReference::Kind::kUsing:
        RefuseRename(relation, column, *uses.view, "JOIN USING or NATURAL JOIN");
      case NameReference::Kind::kStar:
        // The outermost * leaves the view's columns as they are; an inner one would rename a subquery's.
        if (!reference.top_level) RefuseRename(relation, column, *uses.view, "* in a subquery");
        break;
      case NameReference::Kind::kColumn: {
        const std::vector<NamePart> parts = ReadDottedName(sql, static_cast<size_t>(reference.location));
        if (parts.empty() || parts.back().name != old_name) break;  // named through a column alias
        std::string text = engine::builtin::QuoteIdentifier(new_name);
        if (std::find(outputs.begin(), outputs.end(), reference.location) != outputs.end()) {
          text += " AS " + engine::builtin::QuoteIdentifier(old_name);
        }
        edits[parts.back().offset] = {parts.back().length, text};
        break;
      }
    }
  }
  return edits;
}

// The edits that rename `relation` in `uses`' SQL: the name in FROM and the qualifiers that use it.
Edits RelationRenameEdits(const ViewUses& uses, const engine::RelationInfo& relation, const std::string& new_name) {
  const std::string& sql = uses.view->view_sql;
  const std::string quoted = engine::builtin::QuoteIdentifier(new_name);
  Edits edits;
  bool aliased_as_old_name = false;
  for (const NameReference& reference : uses.references.references) {
    if (reference.kind != NameReference::Kind::kRelation || reference.relation_oid != relation.oid) continue;
    aliased_as_old_name = aliased_as_old_name || reference.alias == relation.name;
    const std::vector<NamePart> parts = ReadDottedName(sql, static_cast<size_t>(reference.location));
    if (!parts.empty()) edits[parts.back().offset] = {parts.back().length, quoted};
  }
  if (aliased_as_old_name) return edits;  // `t AS t`: qualifiers name the alias
  for (const NameReference& reference : uses.references.references) {
    const bool column_ref = reference.kind == NameReference::Kind::kColumn;
    const bool star = reference.kind == NameReference::Kind::kStar;
    if ((!column_ref && !star) || reference.relation_oid != relation.oid) continue;
    const std::vector<NamePart> parts = ReadDottedName(sql, static_cast<size_t>(reference.location));
    // A column reference's qualifier comes before its column name; a star's is its last part.
    const size_t qualifier_parts = column_ref ? 2 : 1;
    if (parts.size() < qualifier_parts) continue;
    const NamePart& qualifier = parts[parts.size() - qualifier_parts];
    if (qualifier.name == relation.name) edits[qualifier.offset] = {qualifier.length, quoted};
  }
  return edits;
}

}  // namespace

std::string Describe(const engine::RelationInfo& relation, int column) {
  const char* kind = relation.kind == RelationKind::kView       ? "view "
                     : relation.kind == RelationKind::kSequence ? "sequence "
                                                                : "table ";
  const std::string text = kind + engine::builtin::QuoteIdentifier(relation.name);
  return column < 0 ? text : "column " + relation.columns[column].name + " of " + text;
}

std::vector<DependentView> FindDependentViews(Session& session, const engine::RelationInfo& relation, int column) {
  std::set<uint32_t> visited = {relation.oid};
  std::vector<DependentView> found;
  CollectDependents(session, relation, column, visited, found);
  std::reverse(found.begin(), found.end());
  return found;
}

std::vector<RelationPtr> DropDependentViews(Session& session, const std::string& object,
                                           const std::vector<DependentView>& dependents, bool cascade,
                                           const std::vector<uint32_t>& dropped_too) {
  std::vector<const DependentView*> reported;
  for (const DependentView& dependent : dependents) {
    const bool listed = std::find(dropped_too.begin(), dropped_too.end(), dependent.view->oid) != dropped_too.end();
    if (!listed) reported.push_back(&dependent);
  }
  if (reported.empty()) return {};
  std::string detail;
  for (const DependentView* dependent : reported) {
    if (!detail.empty()) detail += "\n";
    detail += cascade ? "drop cascades to " + Describe(*dependent->view, -1)
                      : Describe(*dependent->view, -1) + " depends on " + dependent->dependee;
  }
  if (!cascade) {
    throw SqlError(SqlState::kDependentObjectsStillExist, "cannot drop " + object + " because other objects depend on it")
        .WithDetail(detail)
        .WithHint("Use DROP ... CASCADE to drop the dependent objects too.");
  }
  ErrorInfo notice{SqlState::kSuccessfulCompletion, detail};
  if (reported.size() > 1) {
    notice.message = "drop cascades to " + std::to_string(reported.size()) + " other objects";
    notice.detail = detail;
  }
  session.state().notices.push_back(std::move(notice));
  std::vector<RelationPtr> dropped;
  for (const DependentView* dependent : reported) {
    DropRelation(session, dependent->view);
    dropped.push_back(dependent->view);
  }
  return dropped;
}

bool ViewBinds(Session& session, const engine::RelationInfo& view) {
  NameReferences references;
  return BindReferences(session, view, references);
}

std::vector<RenamedView> RenameInViews(Session& session, const engine::RelationInfo& relation, int column,
                                       const std::string& new_name) {
  std::vector<RenamedView> renamed;
  for (const ViewUses& uses : ViewsNaming(session, relation.name)) {
    if (!Uses(uses.references, relation.oid, column)) continue;
    const Edits edits = column < 0 ? RelationRenameEdits(uses, relation, new_name)
                                   : ColumnRenameEdits(uses, relation, column, new_name);
    renamed.push_back({uses.view, ApplyEdits(uses.view->view_sql, edits)});
  }
  return renamed;
}

}  // namespace tessera::planner
