// SPDX-License-Identifier: Apache-2.0
// Type metadata: physical layout, PostgreSQL OIDs and names.
#include "base/types.h"

#include <array>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/uuid.h"
#include "base/vector_value.h"

namespace tessera {

namespace {

struct TypeInfo {
  TypeId id;
  PhysicalType physical;
  uint32_t oid;
  int16_t length;
  const char* internal_name;
  const char* sql_name;  // format_type() spelling without modifiers
};

constexpr std::array kTypeInfos = {
    TypeInfo{TypeId::kUnknown, PhysicalType::kString, 705, -2, "unknown", "unknown"},
    TypeInfo{TypeId::kBool, PhysicalType::kBool, 16, 1, "bool", "boolean"},
    TypeInfo{TypeId::kInt16, PhysicalType::kInt16, 21, 2, "int2", "smallint"},
    TypeInfo{TypeId::kInt32, PhysicalType::kInt32, 23, 4, "int4", "integer"},
    TypeInfo{TypeId::kInt64, PhysicalType::kInt64, 20, 8, "int8", "bigint"},
    TypeInfo{TypeId::kFloat32, PhysicalType::kFloat32, 700, 4, "float4", "real"},
    TypeInfo{TypeId::kFloat64, PhysicalType::kFloat64, 701, 8, "float8", "double precision"},
    TypeInfo{TypeId::kNumeric, PhysicalType::kDecimal, 1700, -1, "numeric", "numeric"},
    TypeInfo{TypeId::kText, PhysicalType::kString, 25, -1, "text", "text"},
    TypeInfo{TypeId::kVarchar, PhysicalType::kString, 1043, -1, "varchar", "character varying"},
    TypeInfo{TypeId::kChar, PhysicalType::kString, 1042, -1, "bpchar", "character"},
    TypeInfo{TypeId::kName, PhysicalType::kString, 19, 64, "name", "name"},
    TypeInfo{TypeId::kBytea, PhysicalType::kString, 17, -1, "bytea", "bytea"},
    TypeInfo{TypeId::kDate, PhysicalType::kInt32, 1082, 4, "date", "date"},
    TypeInfo{TypeId::kTime, PhysicalType::kInt64, 1083, 8, "time", "time without time zone"},
    TypeInfo{TypeId::kTimestamp, PhysicalType::kInt64, 1114, 8, "timestamp", "timestamp without time zone"},
    TypeInfo{TypeId::kTimestampTz, PhysicalType::kInt64, 1184, 8, "timestamptz", "timestamp with time zone"},
    TypeInfo{TypeId::kInterval, PhysicalType::kInterval, 1186, 16, "interval", "interval"},
    TypeInfo{TypeId::kOid, PhysicalType::kInt64, 26, 4, "oid", "oid"},
    TypeInfo{TypeId::kTextArray, PhysicalType::kString, 1009, -1, "_text", "text[]"},
    TypeInfo{TypeId::kInt16Array, PhysicalType::kString, 1005, -1, "_int2", "smallint[]"},
    TypeInfo{TypeId::kInt32Array, PhysicalType::kString, 1007, -1, "_int4", "integer[]"},
    TypeInfo{TypeId::kInt64Array, PhysicalType::kString, 1016, -1, "_int8", "bigint[]"},
    TypeInfo{TypeId::kOidArray, PhysicalType::kString, 1028, -1, "_oid", "oid[]"},
    TypeInfo{TypeId::kUuid, PhysicalType::kUuid, 2950, 16, "uuid", "uuid"},
    TypeInfo{TypeId::kTimeTz, PhysicalType::kInt64, 1266, 12, "timetz", "time with time zone"},
    TypeInfo{TypeId::kVector, PhysicalType::kString, kVectorTypeOid, -1, "vector", "vector"},
    TypeInfo{TypeId::kFloat32Array, PhysicalType::kString, 1021, -1, "_float4", "real[]"},
    TypeInfo{TypeId::kFloat64Array, PhysicalType::kString, 1022, -1, "_float8", "double precision[]"},
    TypeInfo{TypeId::kJson, PhysicalType::kString, 114, -1, "json", "json"},
};

const TypeInfo& Info(TypeId id) { return kTypeInfos[static_cast<size_t>(id)]; }

struct OidFlavour {
  uint32_t oid;
  const char* name;
};
constexpr std::array kOidFlavours = {
    OidFlavour{26, "oid"},           OidFlavour{24, "regproc"},      OidFlavour{2202, "regprocedure"},
    OidFlavour{2203, "regoper"},     OidFlavour{2205, "regclass"},   OidFlavour{2206, "regtype"},
    OidFlavour{4089, "regnamespace"}, OidFlavour{4096, "regrole"},   OidFlavour{28, "xid"},
};

}  // namespace

PhysicalType GetPhysicalType(TypeId id) {
  if (id == TypeId::kUnknown) return PhysicalType::kString;
  return Info(id).physical;
}

size_t PhysicalWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kInvalid: return 0;
    case PhysicalType::kBool: return 1;
    case PhysicalType::kInt16: return 2;
    case PhysicalType::kInt32: return 4;
    case PhysicalType::kInt64: return 8;
    case PhysicalType::kFloat32: return 4;
    case PhysicalType::kFloat64: return 8;
    case PhysicalType::kDecimal: return sizeof(Decimal);
    case PhysicalType::kString: return sizeof(std::string_view);
    case PhysicalType::kInterval: return sizeof(Interval);
    case PhysicalType::kUuid: return sizeof(Uuid);
  }
  return 0;
}

bool IsInteger(TypeId id) { return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64; }

bool IsNumericFamily(TypeId id) {
  return IsInteger(id) || id == TypeId::kFloat32 || id == TypeId::kFloat64 || id == TypeId::kNumeric;
}

bool IsStringFamily(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar || id == TypeId::kName ||
         id == TypeId::kUnknown;
}

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTime || id == TypeId::kTimeTz || id == TypeId::kTimestamp ||
         id == TypeId::kTimestampTz || id == TypeId::kInterval;
}

bool IsArrayType(TypeId id) {
  return id == TypeId::kTextArray || id == TypeId::kInt16Array || id == TypeId::kInt32Array ||
         id == TypeId::kInt64Array || id == TypeId::kOidArray || id == TypeId::kFloat32Array ||
         id == TypeId::kFloat64Array;
}

uint32_t TypeOid(const LogicalType& type) {
  if (type.id == TypeId::kOid && type.oid_flavour != 0) return type.oid_flavour;
  return Info(type.id).oid;
}

std::optional<LogicalType> TypeFromOid(uint32_t oid) {
  for (const auto& info : kTypeInfos) {
    if (info.oid == oid) return LogicalType(info.id);
  }
  for (const auto& flavour : kOidFlavours) {
    if (flavour.oid == oid) {
      LogicalType type(TypeId::kOid);
      type.oid_flavour = oid == 26 ? 0 : oid;
      return type;
    }
  }
  return std::nullopt;
}

int16_t TypeLength(const LogicalType& type) { return Info(type.id).length; }

std::string_view TypeInternalName(TypeId id) { return Info(id).internal_name; }

std::string FormatType(const LogicalType& type) {
  if (type.id == TypeId::kOid && type.oid_flavour != 0) {
    for (const auto& flavour : kOidFlavours) {
      if (flavour.oid == type.oid_flavour) return flavour.name;
    }
  }
  std::string name = Info(type.id).sql_name;
  switch (type.id) {
    case TypeId::kNumeric:
      if (type.typmod >= 4) {
        name += "(" + std::to_string(type.NumericPrecision()) + "," + std::to_string(type.NumericScale()) + ")";
      }
      break;
    case TypeId::kVarchar:
    case TypeId::kChar:
      if (type.typmod >= 4) name += "(" + std::to_string(type.MaxLength()) + ")";
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTime:
    case TypeId::kTimeTz:
      if (type.typmod >= 0) {
        const bool time = type.id == TypeId::kTime || type.id == TypeId::kTimeTz;
        const bool with_zone = type.id == TypeId::kTimestampTz || type.id == TypeId::kTimeTz;
        const std::string base = time ? "time" : "timestamp";
        const std::string suffix = with_zone ? " with time zone" : " without time zone";
        name = base + "(" + std::to_string(type.typmod) + ")" + suffix;
      }
      break;
    case TypeId::kInterval:
      name += datetime::FormatIntervalTypmod(type.typmod);
      break;
    case TypeId::kVector:
      if (type.typmod >= 0) name += "(" + std::to_string(type.typmod) + ")";
      break;
    default:
      break;
  }
  return name;
}

std::optional<LogicalType> TypeFromName(std::string_view name) {
  struct Alias {
    const char* name;
    TypeId id;
  };
  static constexpr Alias kAliases[] = {
      {"bool", TypeId::kBool},          {"boolean", TypeId::kBool},
      {"int2", TypeId::kInt16},         {"smallint", TypeId::kInt16},
      {"int4", TypeId::kInt32},         {"int", TypeId::kInt32},
      {"integer", TypeId::kInt32},      {"int8", TypeId::kInt64},
      {"bigint", TypeId::kInt64},       {"float4", TypeId::kFloat32},
      {"real", TypeId::kFloat32},       {"float8", TypeId::kFloat64},
      {"float", TypeId::kFloat64},      {"double precision", TypeId::kFloat64},
      {"numeric", TypeId::kNumeric},    {"decimal", TypeId::kNumeric},
      {"text", TypeId::kText},          {"varchar", TypeId::kVarchar},
      {"character varying", TypeId::kVarchar}, {"bpchar", TypeId::kChar},
      {"char", TypeId::kChar},          {"character", TypeId::kChar},
      {"name", TypeId::kName},          {"bytea", TypeId::kBytea},
      {"date", TypeId::kDate},          {"time", TypeId::kTime},
      {"timestamp", TypeId::kTimestamp}, {"timestamptz", TypeId::kTimestampTz},
      {"interval", TypeId::kInterval},  {"oid", TypeId::kOid},
      {"regclass", TypeId::kOid},       {"regtype", TypeId::kOid},
      {"regproc", TypeId::kOid},        {"regprocedure", TypeId::kOid},
      {"regnamespace", TypeId::kOid},   {"regrole", TypeId::kOid},
      {"regoper", TypeId::kOid},        {"xid", TypeId::kOid},
      {"unknown", TypeId::kUnknown},    {"_text", TypeId::kTextArray},
      {"_int2", TypeId::kInt16Array},   {"_int4", TypeId::kInt32Array},
      {"_int8", TypeId::kInt64Array},   {"_oid", TypeId::kOidArray},
      {"uuid", TypeId::kUuid},          {"timetz", TypeId::kTimeTz},
      {"vector", TypeId::kVector},      {"_float4", TypeId::kFloat32Array},
      {"_float8", TypeId::kFloat64Array}, {"json", TypeId::kJson},
  };
  for (const auto& alias : kAliases) {
    if (name != alias.name) continue;
    LogicalType type(alias.id);
    if (alias.id == TypeId::kOid) {
      for (const auto& flavour : kOidFlavours) {
        if (name == flavour.name && flavour.oid != 26) type.oid_flavour = flavour.oid;
      }
    }
    return type;
  }
  return std::nullopt;
}

}  // namespace tessera
