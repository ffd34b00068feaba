// SPDX-License-Identifier: Apache-2.0
// Row generators of the information_schema views (schemata, tables, columns, views).
#include <cctype>
#include <optional>
#include <string>

#include "base/datetime.h"
#include "engine/database.h"
#include "engine/system_table_rows.h"

namespace tessera::engine {

namespace {

using Row = std::vector<Value>;
using Rows = std::vector<Row>;

Value MaybeInt(std::optional<int64_t> value) { return value ? Value::Int32(static_cast<int32_t>(*value)) : NullValue(); }
Value YesNo(bool yes) { return TextValue(yes ? "YES" : "NO"); }

// A relation as the information_schema views see it: user relations and the system tables.
struct Listed {
  std::string schema;
  std::string name;
  bool is_view = false;
  const RelationInfo* relation = nullptr;  // null for system tables
  const SystemTable* system = nullptr;
};

std::vector<Listed> ListRelations(const Catalog& catalog) {
  std::vector<Listed> listed;
  for (const SystemTable& table : AllSystemTables()) {
    if (SystemTableListed(table, catalog)) listed.push_back({table.schema, table.name, table.is_view, nullptr, &table});
  }
  for (const RelationPtr& relation : catalog.AllRelations()) {
    if (relation->kind == RelationKind::kSequence) continue;
    listed.push_back({relation->schema, relation->name, relation->kind == RelationKind::kView, relation.get(), nullptr});
  }
  return listed;
}

// information_schema's data_type: the SQL name without modifiers; arrays are "ARRAY".
std::string DataType(const LogicalType& type) {
  if (IsArrayType(type.id)) return "ARRAY";
  switch (type.id) {
    case TypeId::kChar: return "character";
    case TypeId::kVector: return "USER-DEFINED";  // as for pgvector's, an extension's type
    default: {
      LogicalType bare = type;
      bare.typmod = -1;
      return FormatType(bare);
    }
  }
}

// interval_type: the fields of an interval typmod in upper case ("DAY TO SECOND(3)"), else NULL.
Value IntervalType(const LogicalType& type) {
  if (type.id != TypeId::kInterval) return NullValue();
  std::string fields = datetime::FormatIntervalTypmod(type.typmod);
  if (fields.empty() || fields[0] != ' ') return NullValue();
  for (char& letter : fields) letter = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  return TextValue(fields.substr(1));
}

// character_maximum_length, character_octet_length, numeric_precision, radix, scale, datetime_precision.
Row TypeFacets(const LogicalType& type) {
  std::optional<int64_t> max_length, octet_length, precision, radix, scale, datetime_precision;
  switch (type.id) {
    case TypeId::kVarchar: case TypeId::kChar: case TypeId::kText:
      if (type.MaxLength() >= 0) max_length = type.MaxLength();
      octet_length = type.MaxLength() >= 0 ? type.MaxLength() * 4 : 1073741824;
      break;
    case TypeId::kInt16: precision = 16; radix = 2; scale = 0; break;
    case TypeId::kInt32: precision = 32; radix = 2; scale = 0; break;
    case TypeId::kInt64: precision = 64; radix = 2; scale = 0; break;
    case TypeId::kFloat32: precision = 24; radix = 2; break;
    case TypeId::kFloat64: precision = 53; radix = 2; break;
    case TypeId::kNumeric:
      radix = 10;
      if (type.NumericPrecision() >= 0) {
        precision = type.NumericPrecision();
        scale = type.NumericScale();
      }
      break;
    case TypeId::kDate: datetime_precision = 0; break;
    case TypeId::kTime: case TypeId::kTimeTz: case TypeId::kTimestamp: case TypeId::kTimestampTz:
      datetime_precision = type.typmod >= 0 ? type.typmod : 6;
      break;
    case TypeId::kInterval: {
      const int32_t interval_precision = datetime::IntervalTypmodPrecision(type.typmod);
      datetime_precision = interval_precision == datetime::kIntervalFullPrecision ? 6 : interval_precision;
      break;
    }
    default: break;
  }
  return {MaybeInt(max_length), MaybeInt(octet_length), MaybeInt(precision), MaybeInt(radix), MaybeInt(scale),
          MaybeInt(datetime_precision)};
}

Row ColumnRow(const ExecContext& context, const Listed& listed, size_t position, const std::string& name,
              const LogicalType& type, bool not_null, Value column_default) {
  Row row = {NameValue(context.database_name), NameValue(listed.schema), NameValue(listed.name), NameValue(name),
             Value::Int32(static_cast<int32_t>(position + 1)), std::move(column_default), YesNo(!not_null),
             TextValue(DataType(type))};
  for (Value& facet : TypeFacets(type)) row.push_back(std::move(facet));
  row.push_back(IntervalType(type));
  row.push_back(NullValue());  // interval_precision: always NULL in PostgreSQL 15
  for (int unused = 0; unused < 9; ++unused) row.push_back(Value::Null(LogicalType(TypeId::kName)));
  std::string udt = type.id == TypeId::kOid && type.oid_flavour != 0 ? FormatType(type) : std::string(TypeInternalName(type.id));
  row.push_back(NameValue(context.database_name));
  row.push_back(NameValue("pg_catalog"));
  row.push_back(NameValue(udt));
  return row;
}

Rows ColumnRows(const Catalog& catalog, const ExecContext& context) {
  Rows rows;
  for (const Listed& listed : ListRelations(catalog)) {
    if (listed.system != nullptr) {
      for (size_t column = 0; column < listed.system->column_names.size(); ++column) {
        rows.push_back(ColumnRow(context, listed, column, listed.system->column_names[column],
                                 listed.system->column_types[column], false, NullValue()));
      }
      continue;
    }
    for (size_t column = 0; column < listed.relation->columns.size(); ++column) {
      const ColumnInfo& info = listed.relation->columns[column];
      Value column_default = info.default_sql.empty() ? NullValue()
                                                      : TextValue(DeparseDefault(*listed.relation, info, context.search_path));
      rows.push_back(ColumnRow(context, listed, column, info.name, info.type, info.not_null, std::move(column_default)));
    }
  }
  return rows;
}

}  // namespace

std::vector<std::vector<Value>> InformationSchemaRows(const SystemTable& table, ExecContext& context) {
  const Catalog& catalog = context.database->catalog();
  const Value database = NameValue(context.database_name);
  const Value null_name = Value::Null(LogicalType(TypeId::kName));
  Rows rows;
  if (table.name == "schemata") {
    for (const SchemaInfo& schema : catalog.AllSchemas()) {
      const std::string owner = schema.oid == kPublicNamespaceOid ? "pg_database_owner" : context.user;
      rows.push_back({database, NameValue(schema.name), NameValue(owner), null_name, null_name, null_name, NullValue()});
    }
  } else if (table.name == "tables") {
    for (const Listed& listed : ListRelations(catalog)) {
      rows.push_back({database, NameValue(listed.schema), NameValue(listed.name),
                      TextValue(listed.is_view ? "VIEW" : "BASE TABLE"), null_name, NullValue(), null_name, null_name,
                      null_name, YesNo(!listed.is_view), YesNo(false), NullValue()});
    }
  } else if (table.name == "columns") {
    rows = ColumnRows(catalog, context);
  } else if (table.name == "views") {
    for (const Listed& listed : ListRelations(catalog)) {
      if (!listed.is_view || listed.relation == nullptr) continue;
      rows.push_back({database, NameValue(listed.schema), NameValue(listed.name), TextValue(listed.relation->view_sql),
                      TextValue("NONE"), YesNo(false), YesNo(false), YesNo(false), YesNo(false), YesNo(false)});
    }
  }
  return rows;
}

}  // namespace tessera::engine
