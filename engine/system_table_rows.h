// SPDX-License-Identifier: Apache-2.0
// Row generators of the system tables (internal to engine/system_tables.cc and its row files).
#pragma once

#include <string>
#include <vector>

#include "base/value.h"
#include "engine/system_tables.h"

namespace tessera::engine {

// The rows of `table`, each with one Value per column (of the column's type, or NULL).
std::vector<std::vector<Value>> SystemTableRows(const SystemTable& table, ExecContext& context);
// The rows of an information_schema view.
std::vector<std::vector<Value>> InformationSchemaRows(const SystemTable& table, ExecContext& context);

inline Value OidValue(int64_t oid) { return Value::FromInt(LogicalType(TypeId::kOid), oid); }
inline Value NameValue(std::string name) { return Value::Text(std::move(name), LogicalType(TypeId::kName)); }
inline Value TextValue(std::string text) { return Value::Text(std::move(text)); }
// A "char" value (stored as text); 0 gives the empty string PostgreSQL prints for '\0'.
inline Value CharValue(char c) { return Value::Text(c == 0 ? std::string() : std::string(1, c)); }
inline Value NullValue() { return Value::Null(); }

}  // namespace tessera::engine
