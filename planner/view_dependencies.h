// SPDX-License-Identifier: Apache-2.0
// Views' dependencies on the relations and columns they read. Views are kept as SQL text; what they use is
// found by binding that text and recording the names the binder resolves (NameReferences), so DROP can
// refuse or cascade as PostgreSQL does, and renames can rewrite the names in the views' text.
#pragma once

#include <string>
#include <vector>

#include "engine/catalog.h"
#include "planner/session.h"

namespace tessera::planner {

// PostgreSQL's getObjectDescription of `relation` (its column `column` when >= 0): "table t", "view v",
// "column a of table t", with the relation's name quoted where needed.
std::string Describe(const engine::RelationInfo& relation, int column = -1);

// A view that uses the object being dropped, directly or through other views.
struct DependentView {
  engine::RelationPtr view;
  std::string dependee;  // what it was found through, as PostgreSQL words it: "table t", "column a of table t"
};

// The views that use `relation` (its column `column` when >= 0), directly or through other views, in the
// order PostgreSQL reports them.
std::vector<DependentView> FindDependentViews(Session& session, const engine::RelationInfo& relation, int column);

// Before dropping `object` (PostgreSQL's description, e.g. "table t"): throws 2BP01 when views depend on
// it and `cascade` is false; with `cascade`, drops them with PostgreSQL's "drop cascades to" notice.
// Views whose oid is in `dropped_too` are dropped by the same statement and are neither reported nor
// dropped here. Returns the views it dropped.
std::vector<engine::RelationPtr> DropDependentViews(Session& session, const std::string& object, const std::vector<DependentView>& dependents,
                        bool cascade, const std::vector<uint32_t>& dropped_too = {});

// Whether `view`'s SQL still binds against the catalog.
bool ViewBinds(Session& session, const engine::RelationInfo& view);

// A view's definition with the names it uses of a renamed relation or column replaced.
struct RenamedView {
  engine::RelationPtr view;
  std::string view_sql;
};

// The views that use `relation` (its column `column` when >= 0) with their definitions once it is renamed
// to `new_name` (unchanged where they do not spell the name, as with SELECT *). Throws 0A000 for uses that
// a rename cannot follow by replacing names (a * in a subquery, JOIN USING, NATURAL JOIN).
std::vector<RenamedView> RenameInViews(Session& session, const engine::RelationInfo& relation, int column,
                                       const std::string& new_name);

}  // namespace tessera::planner
