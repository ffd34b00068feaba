// SPDX-License-Identifier: Apache-2.0
// System information functions that need no catalog: version(), the session's user/database/schema,
// current_setting for the settings Tessera fixes, format_type, and the privilege, visibility and
// description helpers that clients call while introspecting (answered permissively).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

constexpr std::string_view kVersion = "PostgreSQL 15.18 (Tessera 0.1.0) on x86_64-pc-linux-gnu, compiled by gcc";
constexpr LogicalType kNameType{TypeId::kName};

// Registers a function of no arguments returning one string of the session, e.g. current_user.
template <typename ValueOf>
void AddSessionString(FunctionRegistry& registry, const char* name, LogicalType type, ValueOf value) {
  AddFunction(registry, name, {}, type,
              [value](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext& context) {
                const std::string text(value(context));
                for (idx_t row = 0; row < count; ++row) result.SetString(row, text);
              });
}

// Registers a non-strict function that always returns the same bool (privilege and visibility checks).
void AddConstantBool(FunctionRegistry& registry, const char* name, std::vector<LogicalType> args, bool value) {
  ScalarFunction function;
  function.name = name;
  function.arg_types = std::move(args);
  function.return_type = kBoolType;
  function.kernel = [value](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ForEachNonNullRow(args, count, result, [&](idx_t row) { result.Data<uint8_t>()[row] = value; });
  };
  registry.Register(std::move(function));
}

// Registers a function that always returns NULL (object descriptions: Tessera stores none).
void AddNullText(FunctionRegistry& registry, const char* name, std::vector<LogicalType> args) {
  AddFunction(registry, name, std::move(args), kTextType,
              [](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext&) {
                for (idx_t row = 0; row < count; ++row) result.SetNull(row, true);
              });
}

// current_setting: the session's value where the planner installed access to its settings, otherwise
// (contexts without a session) the settings Tessera fixes or keeps in the context; nullopt for unknown names.
std::optional<std::string> SettingValue(std::string_view name, const ExecContext& context) {
  if (context.read_setting) return context.read_setting(std::string(name));
  const std::string lowered = ConvertCase(name, false);
  if (lowered == "timezone") return context.time_zone.name;
  if (lowered == "search_path") return "\"$user\", public";
  struct Setting {
    std::string_view name;
    std::string_view value;
  };
  static constexpr Setting kSettings[] = {
      {"server_version", "15.18"},       {"server_version_num", "150018"}, {"server_encoding", "UTF8"},
      {"client_encoding", "UTF8"},       {"datestyle", "ISO, MDY"},         {"intervalstyle", "postgres"},
      {"integer_datetimes", "on"},       {"standard_conforming_strings", "on"}, {"max_identifier_length", "63"},
      {"lc_collate", "C"},               {"lc_ctype", "C.UTF-8"},           {"default_transaction_isolation", "read committed"},
      {"transaction_isolation", "read committed"}, {"application_name", ""}, {"is_superuser", "on"},
      {"extra_float_digits", "1"},       {"block_size", "8192"},            {"bytea_output", "hex"},
  };
  for (const Setting& setting : kSettings) {
    if (setting.name == lowered) return std::string(setting.value);
  }
  return std::nullopt;
}

std::string CurrentSetting(std::string_view name, const ExecContext& context) {
  if (std::optional<std::string> value = SettingValue(name, context)) return *value;
  throw SqlError(SqlState::kUndefinedObject, "unrecognized configuration parameter \"" + std::string(name) + "\"");
}

// format_type(type_oid, typmod): "???" for OIDs Tessera does not know; bpchar without a length keeps
// its internal name as PostgreSQL prints it.
std::string FormatTypeOid(int64_t oid, int32_t typmod) {
  std::optional<LogicalType> type = TypeFromOid(static_cast<uint32_t>(oid));
  if (!type) return "???";
  if (type->id == TypeId::kChar && typmod < 0) return "bpchar";
  if (type->id == TypeId::kNumeric || type->id == TypeId::kVarchar || type->id == TypeId::kChar ||
      type->id == TypeId::kTime || type->id == TypeId::kTimeTz || type->id == TypeId::kTimestamp || type->id == TypeId::kTimestampTz ||
      type->id == TypeId::kInterval || type->id == TypeId::kVector) {
    type->typmod = typmod;
  }
  return FormatType(*type);
}

// current_setting(name [, missing_ok]) and set_config(name, value, is_local): volatile, since SET and
// set_config change what they see within a session.
void RegisterSettingFunctions(FunctionRegistry& registry) {
  ScalarFunction current;
  current.name = "current_setting";
  current.arg_types = {kTextType};
  current.return_type = kTextType;
  current.is_volatile = true;
  current.kernel = RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
    result.SetString(row, CurrentSetting(args[0].GetString(row), context));
  });
  registry.Register(current);
  current.arg_types = {kTextType, kBoolType};
  current.kernel = RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
    std::optional<std::string> value = SettingValue(args[0].GetString(row), context);
    if (!value && !args[1].Data<uint8_t>()[row]) CurrentSetting(args[0].GetString(row), context);
    if (value) {
      result.SetString(row, *value);
    } else {
      result.SetNull(row, true);
    }
  });
  registry.Register(std::move(current));

  ScalarFunction set_config;
  set_config.name = "set_config";
  set_config.arg_types = {kTextType, kTextType, kBoolType};
  set_config.return_type = kTextType;
  set_config.is_volatile = true;
  set_config.strict = false;
  set_config.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row)) throw SqlError(SqlState::kNullValueNotAllowed, "SET requires parameter name");
      if (!context.write_setting) throw SqlError(SqlState::kFeatureNotSupported, "set_config is not supported here");
      const std::string name(args[0].GetString(row));
      // A NULL value resets the setting to its default, as RESET does.
      std::optional<std::string> value =
          args[1].IsNull(row) ? std::nullopt : std::optional<std::string>(std::string(args[1].GetString(row)));
      if (!value) throw SqlError(SqlState::kFeatureNotSupported, "set_config with a NULL value is not supported yet");
      const bool is_local = !args[2].IsNull(row) && args[2].Data<uint8_t>()[row];
      result.SetString(row, context.write_setting(name, *value, is_local));
    }
  };
  registry.Register(std::move(set_config));
}

void RegisterSessionFunctions(FunctionRegistry& registry) {
  AddSessionString(registry, "version", kTextType, [](const ExecContext&) { return kVersion; });
  for (const char* name : {"current_user", "session_user", "user", "current_role"}) {
    AddSessionString(registry, name, kNameType, [](const ExecContext& context) { return std::string_view(context.user); });
  }
  for (const char* name : {"current_database", "current_catalog"}) {
    AddSessionString(registry, name, kNameType,
                     [](const ExecContext& context) { return std::string_view(context.database_name); });
  }
  AddSessionString(registry, "current_schema", kNameType,
                   [](const ExecContext& context) { return std::string_view(context.search_path_first); });
  AddSessionString(registry, "pg_client_encoding", kNameType, [](const ExecContext&) { return std::string_view("UTF8"); });
  // current_schemas(include_implicit): the search path as name[], pg_catalog first when implicit ones count.
  registry.Register([] {
    ScalarFunction function;
    function.name = "current_schemas";
    function.arg_types = {kBoolType};
    function.return_type = LogicalType(TypeId::kTextArray);
    function.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
      ExecuteUnaryString<uint8_t>(args[0], count, result, [&context](uint8_t implicit) {
        return std::string(implicit ? "{pg_catalog," : "{") + context.search_path_first + "}";
      });
    };
    return function;
  }());
  RegisterSettingFunctions(registry);
  // The bootstrap superuser (10) is the connecting user; 6171 is pg_database_owner (owner of public).
  AddFunction(registry, "pg_get_userbyid", {kOidType}, kNameType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                const int64_t oid = args[0].Data<int64_t>()[row];
                if (oid == 10) {
                  result.SetString(row, context.user);
                } else if (oid == 6171) {
                  result.SetString(row, "pg_database_owner");
                } else {
                  result.SetString(row, "unknown (OID=" + std::to_string(oid) + ")");
                }
              }));
}

void RegisterCatalogHelpers(FunctionRegistry& registry) {
  // format_type is not strict in the typmod: NULL means "no typmod".
  ScalarFunction format_type;
  format_type.name = "format_type";
  format_type.arg_types = {kOidType, kInt32Type};
  format_type.return_type = kTextType;
  format_type.strict = false;
  format_type.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row)) {
        result.SetNull(row, true);
        continue;
      }
      const int32_t typmod = args[1].IsNull(row) ? -1 : args[1].Data<int32_t>()[row];
      result.SetString(row, FormatTypeOid(args[0].Data<int64_t>()[row], typmod));
    }
  };
  registry.Register(std::move(format_type));
  AddFunction(registry, "pg_encoding_to_char", {kInt32Type}, kNameType,
              UnaryStringKernel<int32_t>([](int32_t encoding) {
                return std::string_view(encoding == 6 ? "UTF8" : (encoding == 0 ? "SQL_ASCII" : ""));
              }));

  // Privilege checks: every privilege is granted (Tessera has no access control yet).
  for (const char* name : {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
                           "has_column_privilege", "has_function_privilege", "has_sequence_privilege",
                           "has_any_column_privilege", "has_type_privilege", "has_tablespace_privilege",
                           "has_language_privilege", "has_foreign_data_wrapper_privilege", "has_server_privilege"}) {
    for (LogicalType object : {kTextType, kOidType}) {
      AddConstantBool(registry, name, {object, kTextType}, true);
      for (LogicalType user : {kTextType, kOidType}) AddConstantBool(registry, name, {user, object, kTextType}, true);
    }
  }
  AddConstantBool(registry, "has_column_privilege", {kTextType, kTextType, kTextType, kTextType}, true);
  AddConstantBool(registry, "has_column_privilege", {kOidType, kInt16Type, kTextType}, true);
  // Every type and built-in function lives in pg_catalog, first on the search path (pg_table_is_visible
  // needs the catalog: planner/catalog_functions.cc).
  for (const char* name : {"pg_type_is_visible", "pg_function_is_visible"}) {
    AddConstantBool(registry, name, {kOidType}, true);
  }
  AddConstantBool(registry, "pg_is_in_recovery", {}, false);

  AddNullText(registry, "obj_description", {kOidType});
  AddNullText(registry, "obj_description", {kOidType, kNameType});
  AddNullText(registry, "col_description", {kOidType, kInt32Type});
  AddNullText(registry, "shobj_description", {kOidType, kNameType});
}

}  // namespace

void RegisterSystemFunctions(FunctionRegistry& registry) {
  RegisterSessionFunctions(registry);
  RegisterCatalogHelpers(registry);
}

}  // namespace tessera::engine
