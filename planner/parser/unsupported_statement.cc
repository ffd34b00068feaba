// SPDX-License-Identifier: Apache-2.0
// Names the statements libpg_query parses but Tessera's ast has no node for, so the binder can say which.
#include <string>

#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

std::string RoleWords(pg_query::RoleStmtType type) {
  switch (type) {
    case pg_query::ROLESTMT_USER: return "USER";
    case pg_query::ROLESTMT_GROUP: return "GROUP";
    default: return "ROLE";
  }
}

}  // namespace

std::string UnsupportedStatementName(const pg_query::Node& node) {
  switch (node.node_case()) {
    // Statements whose name depends on their fields.
    case pg_query::Node::kCreateFunctionStmt:
      return node.create_function_stmt().is_procedure() ? "CREATE PROCEDURE" : "CREATE FUNCTION";
    case pg_query::Node::kAlterFunctionStmt:
      return "ALTER " + ObjectTypeWords(node.alter_function_stmt().objtype());
    case pg_query::Node::kGrantStmt: return node.grant_stmt().is_grant() ? "GRANT" : "REVOKE";
    case pg_query::Node::kGrantRoleStmt: return node.grant_role_stmt().is_grant() ? "GRANT" : "REVOKE";
    case pg_query::Node::kDefineStmt: return "CREATE " + ObjectTypeWords(node.define_stmt().kind());
    case pg_query::Node::kFetchStmt: return node.fetch_stmt().ismove() ? "MOVE" : "FETCH";
    case pg_query::Node::kCreateRoleStmt: return "CREATE " + RoleWords(node.create_role_stmt().stmt_type());
    case pg_query::Node::kAlterOwnerStmt:
      return "ALTER " + ObjectTypeWords(node.alter_owner_stmt().object_type()) + " ... OWNER TO";
    case pg_query::Node::kAlterObjectSchemaStmt:
      return "ALTER " + ObjectTypeWords(node.alter_object_schema_stmt().object_type()) + " ... SET SCHEMA";
    case pg_query::Node::kAlterObjectDependsStmt:
      return "ALTER " + ObjectTypeWords(node.alter_object_depends_stmt().object_type()) + " ... DEPENDS ON";
    // Statements with one name.
    case pg_query::Node::kMergeStmt: return "MERGE";
    case pg_query::Node::kCallStmt: return "CALL";
    case pg_query::Node::kDoStmt: return "DO";
    case pg_query::Node::kLockStmt: return "LOCK TABLE";
    case pg_query::Node::kCheckPointStmt: return "CHECKPOINT";
    case pg_query::Node::kListenStmt: return "LISTEN";
    case pg_query::Node::kNotifyStmt: return "NOTIFY";
    case pg_query::Node::kUnlistenStmt: return "UNLISTEN";
    case pg_query::Node::kLoadStmt: return "LOAD";
    case pg_query::Node::kClusterStmt: return "CLUSTER";
    case pg_query::Node::kReindexStmt: return "REINDEX";
    case pg_query::Node::kDeclareCursorStmt: return "DECLARE CURSOR";
    case pg_query::Node::kClosePortalStmt: return "CLOSE";
    case pg_query::Node::kConstraintsSetStmt: return "SET CONSTRAINTS";
    case pg_query::Node::kCreatedbStmt: return "CREATE DATABASE";
    case pg_query::Node::kDropdbStmt: return "DROP DATABASE";
    case pg_query::Node::kAlterDatabaseStmt:
    case pg_query::Node::kAlterDatabaseSetStmt:
    case pg_query::Node::kAlterDatabaseRefreshCollStmt: return "ALTER DATABASE";
    case pg_query::Node::kAlterRoleStmt:
    case pg_query::Node::kAlterRoleSetStmt: return "ALTER ROLE";
    case pg_query::Node::kDropRoleStmt: return "DROP ROLE";
    case pg_query::Node::kDropOwnedStmt: return "DROP OWNED";
    case pg_query::Node::kReassignOwnedStmt: return "REASSIGN OWNED";
    case pg_query::Node::kAlterDefaultPrivilegesStmt: return "ALTER DEFAULT PRIVILEGES";
    case pg_query::Node::kAlterSystemStmt: return "ALTER SYSTEM";
    case pg_query::Node::kAlterSeqStmt: return "ALTER SEQUENCE";
    case pg_query::Node::kCreateTrigStmt: return "CREATE TRIGGER";
    case pg_query::Node::kCreateEventTrigStmt: return "CREATE EVENT TRIGGER";
    case pg_query::Node::kAlterEventTrigStmt: return "ALTER EVENT TRIGGER";
    case pg_query::Node::kRuleStmt: return "CREATE RULE";
    case pg_query::Node::kCreateDomainStmt: return "CREATE DOMAIN";
    case pg_query::Node::kAlterDomainStmt: return "ALTER DOMAIN";
    case pg_query::Node::kCompositeTypeStmt:
    case pg_query::Node::kCreateEnumStmt:
    case pg_query::Node::kCreateRangeStmt: return "CREATE TYPE";
    case pg_query::Node::kAlterEnumStmt:
    case pg_query::Node::kAlterTypeStmt: return "ALTER TYPE";
    case pg_query::Node::kCreateExtensionStmt: return "CREATE EXTENSION";
    case pg_query::Node::kAlterExtensionStmt:
    case pg_query::Node::kAlterExtensionContentsStmt: return "ALTER EXTENSION";
    case pg_query::Node::kCreatePlangStmt: return "CREATE LANGUAGE";
    case pg_query::Node::kCreateConversionStmt: return "CREATE CONVERSION";
    case pg_query::Node::kCreateCastStmt: return "CREATE CAST";
    case pg_query::Node::kCreateOpClassStmt: return "CREATE OPERATOR CLASS";
    case pg_query::Node::kCreateOpFamilyStmt: return "CREATE OPERATOR FAMILY";
    case pg_query::Node::kAlterOpFamilyStmt: return "ALTER OPERATOR FAMILY";
    case pg_query::Node::kAlterOperatorStmt: return "ALTER OPERATOR";
    case pg_query::Node::kAlterCollationStmt: return "ALTER COLLATION";
    case pg_query::Node::kCreateTransformStmt: return "CREATE TRANSFORM";
    case pg_query::Node::kCreateAmStmt: return "CREATE ACCESS METHOD";
    case pg_query::Node::kAlterTsdictionaryStmt: return "ALTER TEXT SEARCH DICTIONARY";
    case pg_query::Node::kAlterTsconfigurationStmt: return "ALTER TEXT SEARCH CONFIGURATION";
    case pg_query::Node::kCreateTableSpaceStmt: return "CREATE TABLESPACE";
    case pg_query::Node::kDropTableSpaceStmt: return "DROP TABLESPACE";
    case pg_query::Node::kAlterTableSpaceOptionsStmt: return "ALTER TABLESPACE";
    case pg_query::Node::kAlterTableMoveAllStmt: return "ALTER TABLE ALL IN TABLESPACE";
    case pg_query::Node::kCreateFdwStmt: return "CREATE FOREIGN DATA WRAPPER";
    case pg_query::Node::kAlterFdwStmt: return "ALTER FOREIGN DATA WRAPPER";
    case pg_query::Node::kCreateForeignServerStmt: return "CREATE SERVER";
    case pg_query::Node::kAlterForeignServerStmt: return "ALTER SERVER";
    case pg_query::Node::kCreateUserMappingStmt: return "CREATE USER MAPPING";
    case pg_query::Node::kAlterUserMappingStmt: return "ALTER USER MAPPING";
    case pg_query::Node::kDropUserMappingStmt: return "DROP USER MAPPING";
    case pg_query::Node::kCreateForeignTableStmt: return "CREATE FOREIGN TABLE";
    case pg_query::Node::kImportForeignSchemaStmt: return "IMPORT FOREIGN SCHEMA";
    case pg_query::Node::kSecLabelStmt: return "SECURITY LABEL";
    case pg_query::Node::kRefreshMatViewStmt: return "REFRESH MATERIALIZED VIEW";
    case pg_query::Node::kCreatePolicyStmt: return "CREATE POLICY";
    case pg_query::Node::kAlterPolicyStmt: return "ALTER POLICY";
    case pg_query::Node::kCreatePublicationStmt: return "CREATE PUBLICATION";
    case pg_query::Node::kAlterPublicationStmt: return "ALTER PUBLICATION";
    case pg_query::Node::kCreateSubscriptionStmt: return "CREATE SUBSCRIPTION";
    case pg_query::Node::kAlterSubscriptionStmt: return "ALTER SUBSCRIPTION";
    case pg_query::Node::kDropSubscriptionStmt: return "DROP SUBSCRIPTION";
    case pg_query::Node::kCreateStatsStmt: return "CREATE STATISTICS";
    case pg_query::Node::kAlterStatsStmt: return "ALTER STATISTICS";
    default: return "this statement";
  }
}

}  // namespace tessera::planner::parser
