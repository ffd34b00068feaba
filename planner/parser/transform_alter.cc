// SPDX-License-Identifier: Apache-2.0
// Transforms statements that change or remove objects: ALTER TABLE/VIEW/INDEX/SEQUENCE, RENAME, DROP,
// TRUNCATE.
#include <string>

#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

// Returns the ast kind for the relation kinds Tessera has, kOther for the rest.
ast::ObjectKind ObjectKindOf(pg_query::ObjectType type) {
  switch (type) {
    case pg_query::OBJECT_TABLE: return ast::ObjectKind::kTable;
    case pg_query::OBJECT_VIEW: return ast::ObjectKind::kView;
    case pg_query::OBJECT_INDEX: return ast::ObjectKind::kIndex;
    case pg_query::OBJECT_SCHEMA: return ast::ObjectKind::kSchema;
    case pg_query::OBJECT_SEQUENCE: return ast::ObjectKind::kSequence;
    default: return ast::ObjectKind::kOther;
  }
}

ast::StatementPtr MakeUnsupported(std::string name) {
  auto unsupported = std::make_unique<ast::UnsupportedStatement>();
  unsupported->unsupported_name = std::move(name);
  return unsupported;
}

// Returns the words of an ALTER TABLE subcommand Tessera does not support, for the error message.
std::string SubcommandWords(pg_query::AlterTableType type) {
  switch (type) {
    case pg_query::AT_DropConstraint:
    case pg_query::AT_DropConstraintRecurse: return "DROP CONSTRAINT";
    case pg_query::AT_AlterConstraint: return "ALTER CONSTRAINT";
    case pg_query::AT_ValidateConstraint:
    case pg_query::AT_ValidateConstraintRecurse: return "VALIDATE CONSTRAINT";
    case pg_query::AT_ChangeOwner: return "OWNER TO";
    case pg_query::AT_SetTableSpace: return "SET TABLESPACE";
    case pg_query::AT_SetRelOptions:
    case pg_query::AT_ResetRelOptions:
    case pg_query::AT_ReplaceRelOptions: return "SET/RESET (...)";
    case pg_query::AT_SetStatistics: return "ALTER COLUMN SET STATISTICS";
    case pg_query::AT_SetOptions:
    case pg_query::AT_ResetOptions: return "ALTER COLUMN SET/RESET (...)";
    case pg_query::AT_SetStorage: return "ALTER COLUMN SET STORAGE";
    case pg_query::AT_SetCompression: return "ALTER COLUMN SET COMPRESSION";
    case pg_query::AT_DropExpression: return "ALTER COLUMN DROP EXPRESSION";
    case pg_query::AT_AddIdentity:
    case pg_query::AT_SetIdentity:
    case pg_query::AT_DropIdentity: return "identity column";
    case pg_query::AT_SetLogged: return "SET LOGGED";
    case pg_query::AT_SetUnLogged: return "SET UNLOGGED";
    case pg_query::AT_SetAccessMethod: return "SET ACCESS METHOD";
    case pg_query::AT_ClusterOn:
    case pg_query::AT_DropCluster: return "CLUSTER ON";
    case pg_query::AT_AddInherit:
    case pg_query::AT_DropInherit: return "INHERIT";
    case pg_query::AT_AddOf:
    case pg_query::AT_DropOf: return "OF type";
    case pg_query::AT_ReplicaIdentity: return "REPLICA IDENTITY";
    case pg_query::AT_EnableRowSecurity:
    case pg_query::AT_DisableRowSecurity:
    case pg_query::AT_ForceRowSecurity:
    case pg_query::AT_NoForceRowSecurity: return "ROW LEVEL SECURITY";
    case pg_query::AT_AttachPartition: return "ATTACH PARTITION";
    case pg_query::AT_DetachPartition:
    case pg_query::AT_DetachPartitionFinalize: return "DETACH PARTITION";
    case pg_query::AT_EnableTrig:
    case pg_query::AT_EnableAlwaysTrig:
    case pg_query::AT_EnableReplicaTrig:
    case pg_query::AT_DisableTrig:
    case pg_query::AT_EnableTrigAll:
    case pg_query::AT_DisableTrigAll:
    case pg_query::AT_EnableTrigUser:
    case pg_query::AT_DisableTrigUser: return "ENABLE/DISABLE TRIGGER";
    case pg_query::AT_EnableRule:
    case pg_query::AT_EnableAlwaysRule:
    case pg_query::AT_EnableReplicaRule:
    case pg_query::AT_DisableRule: return "ENABLE/DISABLE RULE";
    default: return "this action";
  }
}

}  // namespace

ast::StatementPtr Transformer::TransformDrop(const pg_query::DropStmt& drop) {
  ast::ObjectKind kind = ObjectKindOf(drop.remove_type());
  if (kind == ast::ObjectKind::kOther) return MakeUnsupported("DROP " + ObjectTypeWords(drop.remove_type()));
  auto out = std::make_unique<ast::DropStatement>();
  out->object_kind = kind;
  // Relations arrive as lists of name parts; schemas as bare strings.
  for (const pg_query::Node& object : drop.objects()) {
    out->objects.push_back(object.has_list() ? StringList(object.list().items())
                                             : std::vector<std::string>{StringValue(object)});
  }
  out->if_exists = drop.missing_ok();
  out->cascade = drop.behavior() == pg_query::DROP_CASCADE;
  return out;
}

ast::StatementPtr Transformer::TransformTruncate(const pg_query::TruncateStmt& truncate) {
  auto out = std::make_unique<ast::TruncateStatement>();
  for (const pg_query::Node& relation : truncate.relations()) {
    out->tables.push_back(RangeVarNames(relation.range_var()));
  }
  out->restart_identity = truncate.restart_seqs();
  return out;
}

ast::StatementPtr Transformer::TransformAlterTable(const pg_query::AlterTableStmt& alter) {
  ast::ObjectKind kind = ObjectKindOf(alter.objtype());
  if (kind == ast::ObjectKind::kOther || kind == ast::ObjectKind::kSchema) {
    return MakeUnsupported("ALTER " + ObjectTypeWords(alter.objtype()));
  }
  const int location = alter.relation().location();
  auto out = std::make_unique<ast::AlterTableStatement>();
  out->table = RangeVarNames(alter.relation());
  out->if_exists = alter.missing_ok();
  out->object_kind = kind;
  for (const pg_query::Node& node : alter.cmds()) {
    const pg_query::AlterTableCmd& cmd = node.alter_table_cmd();
    ast::AlterTableCommand command;
    command.column = cmd.name();
    command.if_exists = cmd.missing_ok();
    command.cascade = cmd.behavior() == pg_query::DROP_CASCADE;
    switch (cmd.subtype()) {
      case pg_query::AT_AddColumn:
      case pg_query::AT_AddColumnRecurse:
      case pg_query::AT_AddColumnToView:
        command.action = ast::AlterTableAction::kAddColumn;
        command.column_def =
            std::make_unique<ast::ColumnDef>(TransformColumnDef(cmd.def().column_def(), nullptr));
        command.column = command.column_def->name;
        break;
      case pg_query::AT_DropColumn:
      case pg_query::AT_DropColumnRecurse: command.action = ast::AlterTableAction::kDropColumn; break;
      case pg_query::AT_AlterColumnType: {
        const pg_query::ColumnDef& def = cmd.def().column_def();
        if (def.has_raw_default()) ThrowUnsupported("ALTER COLUMN TYPE ... USING", location);
        if (def.has_coll_clause()) ThrowUnsupported("COLLATE on a column", location);
        command.action = ast::AlterTableAction::kAlterColumnType;
        command.new_type = TransformTypeName(def.type_name());
        break;
      }
      case pg_query::AT_SetNotNull: command.action = ast::AlterTableAction::kSetNotNull; break;
      case pg_query::AT_DropNotNull: command.action = ast::AlterTableAction::kDropNotNull; break;
      case pg_query::AT_ColumnDefault:
        // SET DEFAULT carries the expression; DROP DEFAULT carries none.
        command.action =
            cmd.has_def() ? ast::AlterTableAction::kSetDefault : ast::AlterTableAction::kDropDefault;
        command.default_value = TransformOptionalExpr(cmd.def());
        if (cmd.has_def()) command.default_sql = DeparseExpr(cmd.def());
        break;
      case pg_query::AT_AddConstraint:
      case pg_query::AT_AddConstraintRecurse:
        command.action = ast::AlterTableAction::kAddConstraint;
        command.constraint =
            std::make_unique<ast::TableConstraint>(TransformTableConstraint(cmd.def().constraint()));
        break;
      default: ThrowUnsupported("ALTER TABLE ... " + SubcommandWords(cmd.subtype()), location);
    }
    out->commands.push_back(std::move(command));
  }
  return out;
}

ast::StatementPtr Transformer::TransformRename(const pg_query::RenameStmt& rename) {
  ast::AlterTableCommand command;
  command.new_name = rename.newname();
  ast::ObjectKind kind = ast::ObjectKind::kOther;
  switch (rename.rename_type()) {
    case pg_query::OBJECT_TABLE:
    case pg_query::OBJECT_VIEW:
    case pg_query::OBJECT_INDEX:
    case pg_query::OBJECT_SEQUENCE:
      command.action = ast::AlterTableAction::kRenameTable;
      kind = ObjectKindOf(rename.rename_type());
      break;
    case pg_query::OBJECT_COLUMN:
      command.action = ast::AlterTableAction::kRenameColumn;
      command.column = rename.subname();
      kind = ObjectKindOf(rename.relation_type());
      break;
    case pg_query::OBJECT_TABCONSTRAINT: return MakeUnsupported("ALTER TABLE ... RENAME CONSTRAINT");
    default: return MakeUnsupported("ALTER " + ObjectTypeWords(rename.rename_type()) + " ... RENAME");
  }
  if (kind == ast::ObjectKind::kOther) {
    return MakeUnsupported("ALTER " + ObjectTypeWords(rename.relation_type()) + " ... RENAME");
  }
  auto out = std::make_unique<ast::AlterTableStatement>();
  out->table = RangeVarNames(rename.relation());
  out->if_exists = rename.missing_ok();
  out->object_kind = kind;
  out->commands.push_back(std::move(command));
  return out;
}

}  // namespace tessera::planner::parser
