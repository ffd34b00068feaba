// SPDX-License-Identifier: Apache-2.0
// SQL types: the logical type of a column or expression (PostgreSQL's type plus typmod), its physical
// representation in vectors, and its PostgreSQL OID and names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

enum class TypeId : uint8_t {
  kUnknown,      // untyped literal or NULL; resolved by the binder
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,      // exact decimal, typmod carries precision/scale
  kText,
  kVarchar,      // typmod carries the maximum length
  kChar,         // bpchar: blank-padded, typmod carries the length
  kName,         // pg_catalog's 63-byte identifier type
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kOid,          // also regclass/regtype/regproc, told apart by the OID
  kTextArray,    // text[] (pg_catalog needs a few array columns); stored as text in array syntax
  kInt16Array,
  kInt32Array,
  kInt64Array,
  kOidArray,
  kUuid,
  kTimeTz,       // time with time zone; typmod carries the precision
  kVector,       // pgvector's vector(n) (base/vector_value.h); typmod carries n
  // Types added later go last: the numbering is stored in segment files and checkpoints.
  kFloat32Array,  // real[]: stored as array text with each element in float4out's shortest form
  kFloat64Array,  // double precision[]
  kJson,          // json: the input text, validated, kept as written
};

// The last TypeId, for readers of stored type numbers.
inline constexpr TypeId kLastTypeId = TypeId::kJson;

// How a value of a type lies in a vector.
enum class PhysicalType : uint8_t {
  kInvalid,   // kUnknown with no value (all NULL): no data
  kBool,      // uint8_t 0/1
  kInt16,     // int16_t
  kInt32,     // int32_t (also date: days since 2000-01-01)
  kInt64,     // int64_t (also time, timestamp, timestamptz: microseconds; oid; timetz packed as
              // datetime::PackTimeTz)
  kFloat32,   // float
  kFloat64,   // double
  kDecimal,   // Decimal (base/decimal.h)
  kString,    // std::string_view into the vector's string heap (text, varchar, char, name, bytea, arrays,
              // vector's float32 bytes)
  kInterval,  // Interval (base/datetime.h)
  kUuid,      // Uuid (base/uuid.h): 16 bytes
};

struct LogicalType {
  TypeId id = TypeId::kUnknown;
  // PostgreSQL's typmod: -1 when unconstrained. numeric: ((precision << 16) | scale) + 4;
  // varchar(n)/char(n): n + 4; timestamp(p): p; vector(n): n.
  int32_t typmod = -1;
  // For kOid: which reg* flavour (the PostgreSQL type OID: 26 oid, 2205 regclass, 2206 regtype, ...).
  uint32_t oid_flavour = 0;

  LogicalType() = default;
  constexpr LogicalType(TypeId type_id, int32_t type_modifier = -1) : id(type_id), typmod(type_modifier) {}

  bool operator==(const LogicalType& other) const {
    return id == other.id && typmod == other.typmod && oid_flavour == other.oid_flavour;
  }

  static LogicalType Numeric(int precision, int scale) {
    return LogicalType(TypeId::kNumeric, ((precision << 16) | scale) + 4);
  }
  static LogicalType Varchar(int length) { return LogicalType(TypeId::kVarchar, length + 4); }
  static LogicalType Char(int length) { return LogicalType(TypeId::kChar, length + 4); }

  // numeric(p,s): precision and scale, or -1 when unconstrained.
  int NumericPrecision() const { return typmod < 4 ? -1 : ((typmod - 4) >> 16) & 0xffff; }
  int NumericScale() const { return typmod < 4 ? -1 : (typmod - 4) & 0xffff; }
  // varchar(n)/char(n): n, or -1 when unconstrained.
  int MaxLength() const { return typmod < 4 ? -1 : typmod - 4; }
};

PhysicalType GetPhysicalType(TypeId id);
inline PhysicalType GetPhysicalType(const LogicalType& type) { return GetPhysicalType(type.id); }

// Bytes one value occupies in a vector's data buffer.
size_t PhysicalWidth(PhysicalType type);

bool IsInteger(TypeId id);         // int2, int4, int8
bool IsNumericFamily(TypeId id);   // integers, float4/8, numeric
bool IsStringFamily(TypeId id);    // text, varchar, char, name
bool IsTemporal(TypeId id);        // date, time, timetz, timestamp, timestamptz, interval
bool IsArrayType(TypeId id);       // text[], smallint[], integer[], bigint[], oid[], real[], double precision[]

// PostgreSQL's type OID (pg_type.oid), e.g. 23 for int4.
uint32_t TypeOid(const LogicalType& type);
// The inverse, for OIDs Tessera supports; nullopt for others.
std::optional<LogicalType> TypeFromOid(uint32_t oid);
// pg_type.typlen: fixed size in bytes, or -1 for varlena.
int16_t TypeLength(const LogicalType& type);
// PostgreSQL's internal name ("int4", "varchar", "timestamptz").
std::string_view TypeInternalName(TypeId id);
// format_type() output: "integer", "character varying(10)", "numeric(10,2)".
std::string FormatType(const LogicalType& type);
// Resolves a type name as written in SQL (int, integer, int4, float8, varchar, character varying, text,
// regclass, ...). Names are lower-case and without the pg_catalog schema. Returns nullopt for unknown names.
std::optional<LogicalType> TypeFromName(std::string_view name);

}  // namespace tessera
