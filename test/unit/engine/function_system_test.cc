// SPDX-License-Identifier: Apache-2.0
// Tests of the system information functions and of the registry itself (every overload is callable and
// no two overloads of a name share argument types).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

TEST_SUITE("function_system") {
  TEST_CASE("session functions read the context") {
    ExecContext context;
    context.user = "alice";
    context.database_name = "shop";
    context.search_path_first = "sales";
    CheckCases(
        {
            {"version", {}, "PostgreSQL 15.18 (Tessera 0.1.0) on x86_64-pc-linux-gnu, compiled by gcc"},
            {"current_user", {}, "alice"},
            {"session_user", {}, "alice"},
            {"current_database", {}, "shop"},
            {"current_schema", {}, "sales"},
            {"current_schemas", {Bool(true)}, "{pg_catalog,sales}"},
            {"current_schemas", {Bool(false)}, "{sales}"},
            {"pg_get_userbyid", {Typed(TypeId::kOid, "10")}, "alice"},
            {"current_setting", {Text("server_version_num")}, "150018"},
            {"current_setting", {Text("TimeZone")}, "UTC"},
            {"current_setting", {Text("foo")}, "ERROR 42704"},
            {"current_setting", {Text("foo"), Bool(true)}, "NULL"},
        },
        context);
  }

  TEST_CASE("catalog helpers answer without a catalog") {
    CheckCases({
        {"format_type", {Typed(TypeId::kOid, "23"), Null(TypeId::kInt32)}, "integer"},
        {"format_type", {Typed(TypeId::kOid, "1043"), Int4(14)}, "character varying(10)"},
        {"format_type", {Typed(TypeId::kOid, "1700"), Int4(655366)}, "numeric(10,2)"},
        {"format_type", {Typed(TypeId::kOid, "9999999"), Int4(-1)}, "???"},
        {"format_type", {Typed(TypeId::kOid, "1184"), Int4(3)}, "timestamp(3) with time zone"},
        {"format_type", {Typed(TypeId::kOid, "2205"), Int4(-1)}, "regclass"},
        {"format_type", {Typed(TypeId::kOid, "1009"), Int4(-1)}, "text[]"},
        {"format_type", {Typed(TypeId::kOid, "1042"), Int4(-1)}, "bpchar"},
        {"format_type", {Typed(TypeId::kOid, "1042"), Int4(5)}, "character(1)"},
        {"format_type", {Null(TypeId::kOid), Int4(5)}, "NULL"},
        {"pg_encoding_to_char", {Int4(6)}, "UTF8"},
        {"pg_encoding_to_char", {Int4(0)}, "SQL_ASCII"},
        {"has_table_privilege", {Text("t"), Text("select")}, "t"},
        {"has_schema_privilege", {Text("alice"), Text("public"), Text("usage")}, "t"},
        {"has_table_privilege", {Typed(TypeId::kOid, "10"), Typed(TypeId::kOid, "1259"), Text("select")}, "t"},
        {"pg_type_is_visible", {Typed(TypeId::kOid, "25")}, "t"},
        {"obj_description", {Typed(TypeId::kOid, "1259"), Typed(TypeId::kName, "pg_class")}, "NULL"},
        {"col_description", {Typed(TypeId::kOid, "1259"), Int4(1)}, "NULL"},
        {"pg_is_in_recovery", {}, "f"},
    });
  }

  TEST_CASE("no two overloads of a function take the same argument types") {
    // Every family registers into the one registry; a duplicate would make calls ambiguous.
    std::set<std::pair<std::string, std::vector<TypeId>>> signatures;
    int count = 0;
    BuiltinFunctions().ForEach([&](const ScalarFunction& function) {
      std::vector<TypeId> types;
      for (const LogicalType& type : function.arg_types) types.push_back(type.id);
      INFO(function.name << " with " << types.size() << " arguments");
      CHECK(signatures.insert({function.name, types}).second);
      CHECK(function.kernel != nullptr);
      ++count;
    });
    CHECK(count > 500);
    for (const char* name : {"+", "=", "abs", "length", "~~", "extract", "to_char", "format", "now"}) {
      CHECK(BuiltinFunctions().Lookup(name) != nullptr);
    }
    CHECK(BuiltinFunctions().Lookup("no_such_function") == nullptr);
  }
}

}  // namespace
}  // namespace tessera::engine::testing
