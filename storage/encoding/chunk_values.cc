// SPDX-License-Identifier: Apache-2.0
// Gathering a Vector into ChunkValues (with statistics) and scattering decoded values back.
#include "storage/encoding/chunk_values.h"

#include <algorithm>
#include <limits>

#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

int64_t IntegerAt(const Vector& vector, idx_t row) {
  switch (vector.physical_type()) {
    case PhysicalType::kBool: return vector.Data<uint8_t>()[row];
    case PhysicalType::kInt16: return vector.Data<int16_t>()[row];
    case PhysicalType::kInt32: return vector.Data<int32_t>()[row];
    default: return vector.Data<int64_t>()[row];
  }
}

// Numeric goes to the integer domain when every non-NULL value has one scale and fits int64.
bool DecimalsFitIntegers(const Vector& vector, int32_t* scale) {
  const Decimal* decimals = vector.Data<Decimal>();
  bool first = true;
  for (idx_t row = 0; row < vector.size(); ++row) {
    if (vector.IsNull(row)) continue;
    if (first) *scale = decimals[row].scale;
    first = false;
    if (decimals[row].scale != *scale || decimals[row].value < std::numeric_limits<int64_t>::min() ||
        decimals[row].value > std::numeric_limits<int64_t>::max()) {
      return false;
    }
  }
  return true;
}

// Returns the first non-NULL row, or size() when there is none.
idx_t FirstValidRow(const Vector& vector) {
  idx_t row = 0;
  while (row < vector.size() && vector.IsNull(row)) ++row;
  return row;
}

void GatherIntegers(const Vector& vector, idx_t first_valid, ChunkValues* values) {
  const bool decimal = vector.physical_type() == PhysicalType::kDecimal;
  auto integer_at = [&](idx_t row) {
    return decimal ? static_cast<int64_t>(vector.Data<Decimal>()[row].value) : IntegerAt(vector, row);
  };
  int64_t previous = first_valid < vector.size() ? integer_at(first_valid) : 0;
  int64_t min = previous;
  int64_t max = previous;
  values->integers.resize(vector.size());
  for (idx_t row = 0; row < vector.size(); ++row) {
    if (!vector.IsNull(row)) {
      previous = integer_at(row);
      min = std::min(min, previous);
      max = std::max(max, previous);
    }
    values->integers[row] = previous;
  }
  if (!values->stats.has_value) return;
  if (decimal) {
    values->stats.min = Value::Numeric(Decimal{min, values->decimal_scale});
    values->stats.max = Value::Numeric(Decimal{max, values->decimal_scale});
  } else if (vector.physical_type() == PhysicalType::kBool) {
    values->stats.min = Value::Bool(min != 0);
    values->stats.max = Value::Bool(max != 0);
  } else {
    values->stats.min = Value::FromInt(StatsType(vector.physical_type()), min);
    values->stats.max = Value::FromInt(StatsType(vector.physical_type()), max);
  }
}

void GatherFixed(const Vector& vector, idx_t first_valid, ChunkValues* values) {
  const PhysicalType type = vector.physical_type();
  const size_t width = FixedWidth(type);
  const size_t vector_width = PhysicalWidth(type);
  const char* data = vector.Data<char>();
  values->fixed.assign(vector.size() * width, '\0');
  if (first_valid == vector.size()) return;
  FixedLess less = FixedLessFor(type);
  std::string previous(width, '\0');
  ToFixedBytes(type, data + first_valid * vector_width, previous.data());
  std::string min = previous;
  std::string max = previous;
  for (idx_t row = 0; row < vector.size(); ++row) {
    char* out = values->fixed.data() + row * width;
    if (vector.IsNull(row)) {
      std::copy(previous.begin(), previous.end(), out);
      continue;
    }
    ToFixedBytes(type, data + row * vector_width, out);
    previous.assign(out, width);
    if (less(out, min.data())) min = previous;
    if (less(max.data(), out)) max = previous;
  }
  values->stats.min = FixedBytesToValue(type, min.data());
  values->stats.max = FixedBytesToValue(type, max.data());
}

void GatherStrings(const Vector& vector, idx_t first_valid, ChunkValues* values) {
  values->strings.assign(vector.size(), std::string_view());
  if (first_valid == vector.size()) return;
  std::string_view min = vector.GetString(first_valid);
  std::string_view max = min;
  for (idx_t row = first_valid; row < vector.size(); ++row) {
    if (vector.IsNull(row)) continue;
    values->strings[row] = vector.GetString(row);
    min = std::min(min, values->strings[row]);
    max = std::max(max, values->strings[row]);
  }
  values->stats.min = Value::Text(std::string(min));
  values->stats.max = Value::Text(std::string(max));
}

}  // namespace

ChunkValues GatherChunkValues(const Vector& vector) {
  ChunkValues values;
  values.stats.num_rows = static_cast<uint32_t>(vector.size());
  for (idx_t row = 0; row < vector.size(); ++row) values.stats.null_count += vector.IsNull(row);
  values.stats.has_value = values.stats.null_count < values.stats.num_rows;
  const idx_t first_valid = FirstValidRow(vector);
  switch (vector.physical_type()) {
    case PhysicalType::kInvalid:
      return values;
    case PhysicalType::kString:
      values.domain = ValueDomain::kString;
      GatherStrings(vector, first_valid, &values);
      return values;
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64:
    case PhysicalType::kInterval:
    case PhysicalType::kUuid:
      values.domain = ValueDomain::kFixed;
      GatherFixed(vector, first_valid, &values);
      return values;
    case PhysicalType::kDecimal:
      if (!DecimalsFitIntegers(vector, &values.decimal_scale)) {
        values.domain = ValueDomain::kFixed;
        GatherFixed(vector, first_valid, &values);
        return values;
      }
      [[fallthrough]];
    default:
      values.domain = ValueDomain::kInteger;
      GatherIntegers(vector, first_valid, &values);
      return values;
  }
}

void ScatterIntegers(const int64_t* values, size_t count, int32_t decimal_scale, Vector* out) {
  auto store = [&](auto* data, auto convert) {
    for (size_t row = 0; row < count; ++row) data[row] = convert(values[row]);
  };
  switch (out->physical_type()) {
    case PhysicalType::kBool:
      return store(out->Data<uint8_t>(), [](int64_t value) { return static_cast<uint8_t>(value != 0); });
    case PhysicalType::kInt16:
      return store(out->Data<int16_t>(), [](int64_t value) { return static_cast<int16_t>(value); });
    case PhysicalType::kInt32:
      return store(out->Data<int32_t>(), [](int64_t value) { return static_cast<int32_t>(value); });
    case PhysicalType::kDecimal:
      return store(out->Data<Decimal>(), [decimal_scale](int64_t value) { return Decimal{value, decimal_scale}; });
    default:
      return store(out->Data<int64_t>(), [](int64_t value) { return value; });
  }
}

void ScatterFixed(const char* bytes, size_t count, Vector* out) {
  const PhysicalType type = out->physical_type();
  char* data = out->Data<char>();
  for (size_t row = 0; row < count; ++row) {
    FromFixedBytes(type, bytes + row * FixedWidth(type), data + row * PhysicalWidth(type));
  }
}

void ScatterStrings(const std::string_view* values, size_t count, Vector* out) {
  for (size_t row = 0; row < count; ++row) out->SetString(row, values[row]);
}

}  // namespace tessera::storage
