// SPDX-License-Identifier: Apache-2.0
// Vector storage: typed buffers, NULL bitmaps and string heaps.
#include "base/vector.h"

#include <algorithm>

#include "base/check.h"

namespace tessera {

namespace {
constexpr size_t kHeapBlockSize = 64 * 1024;
}  // namespace

std::string_view StringHeap::Add(std::string_view text) {
  if (text.empty()) return std::string_view();
  if (text.size() > block_capacity_ - block_used_) {
    const size_t capacity = std::max(kHeapBlockSize, text.size());
    // Not zeroed: every byte is written before it is read.
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity));
    block_capacity_ = capacity;
    block_used_ = 0;
  }
  char* target = blocks_.back().get() + block_used_;
  std::memcpy(target, text.data(), text.size());
  block_used_ += text.size();
  return std::string_view(target, text.size());
}

Vector::Vector(LogicalType type, idx_t size) : type_(type), physical_(GetPhysicalType(type)) { Resize(size); }

Vector& Vector::operator=(const Vector& other) {
  if (this == &other) return *this;
  type_ = other.type_;
  physical_ = other.physical_;
  size_ = other.size_;
  data_ = other.data_;
  validity_ = other.validity_;
  own_heap_.reset();
  shared_owners_.clear();
  ShareHeap(other);
  return *this;
}

void Vector::Reserve(idx_t capacity) { data_.reserve(capacity * PhysicalWidth(physical_)); }

void Vector::Resize(idx_t size) {
  data_.resize(size * PhysicalWidth(physical_));
  if (!validity_.empty()) validity_.resize((size + 63) / 64, 0);
  if (size < size_ && !validity_.empty()) {
    // Clear bits beyond the new end so a later grow starts valid.
    const idx_t tail = size & 63;
    if (tail != 0) validity_[size >> 6] &= (uint64_t{1} << tail) - 1;
  }
  size_ = size;
}

void Vector::SetNull(idx_t row, bool null) {
  if (validity_.empty()) {
    if (!null) return;
    validity_.assign((std::max<idx_t>(size_, row + 1) + 63) / 64, 0);
  }
  if (null) {
    validity_[row >> 6] |= uint64_t{1} << (row & 63);
  } else {
    validity_[row >> 6] &= ~(uint64_t{1} << (row & 63));
  }
}

void Vector::SetNulls(const uint64_t* mask, idx_t first_bit, idx_t count) {
  for (idx_t row = 0; row < count; row += 64) {
    // The 64 mask bits from first_bit + row, over two source words when unaligned.
    const idx_t bit = first_bit + row;
    const idx_t shift = bit & 63;
    uint64_t word = mask[bit >> 6] >> shift;
    if (shift != 0 && ((bit >> 6) + 1) * 64 < first_bit + count) word |= mask[(bit >> 6) + 1] << (64 - shift);
    if (count - row < 64) word &= (uint64_t{1} << (count - row)) - 1;
    if (word == 0) continue;
    if (validity_.empty()) validity_.assign((std::max<idx_t>(size_, count) + 63) / 64, 0);
    // Rows row..row+63 of this vector start at bit `row`, which is 64-aligned.
    validity_[row >> 6] |= word;
  }
}

StringHeap* Vector::heap() {
  if (!own_heap_) own_heap_ = std::make_shared<StringHeap>();
  return own_heap_.get();
}

void Vector::ShareHeap(const Vector& other) {
  ShareHeap(other.own_heap_);
  for (const auto& owner : other.shared_owners_) KeepAlive(owner);
}

void Vector::ShareHeap(const std::shared_ptr<StringHeap>& heap) { KeepAlive(heap); }

void Vector::KeepAlive(std::shared_ptr<const void> owner) {
  if (owner && owner != own_heap_ &&
      std::find(shared_owners_.begin(), shared_owners_.end(), owner) == shared_owners_.end()) {
    shared_owners_.push_back(std::move(owner));
  }
}

Value Vector::GetValue(idx_t row) const {
  if (IsNull(row) || physical_ == PhysicalType::kInvalid) return Value::Null(type_);
  switch (physical_) {
    case PhysicalType::kBool:
      return Value::Bool(Data<uint8_t>()[row] != 0);
    case PhysicalType::kInt16:
      return Value::FromInt(type_, Data<int16_t>()[row]);
    case PhysicalType::kInt32:
      return Value::FromInt(type_, Data<int32_t>()[row]);
    case PhysicalType::kInt64:
      return Value::FromInt(type_, Data<int64_t>()[row]);
    case PhysicalType::kFloat32:
      return Value::FromDouble(type_, Data<float>()[row]);
    case PhysicalType::kFloat64:
      return Value::FromDouble(type_, Data<double>()[row]);
    case PhysicalType::kDecimal:
      return Value::Numeric(Data<Decimal>()[row], type_);
    case PhysicalType::kString:
      return Value::FromString(type_, std::string(Data<std::string_view>()[row]));
    case PhysicalType::kInterval:
      return Value::IntervalValue(Data<Interval>()[row]).WithType(type_);
    case PhysicalType::kUuid:
      return Value::UuidValue(Data<Uuid>()[row]).WithType(type_);
    case PhysicalType::kInvalid:
      break;
  }
  return Value::Null(type_);
}

void Vector::SetValue(idx_t row, const Value& value) {
  if (value.is_null()) {
    SetNull(row, true);
    return;
  }
  SetNull(row, false);
  switch (physical_) {
    case PhysicalType::kBool:
      Data<uint8_t>()[row] = value.GetBool() ? 1 : 0;
      break;
    case PhysicalType::kInt16:
      Data<int16_t>()[row] = static_cast<int16_t>(value.GetInt());
      break;
    case PhysicalType::kInt32:
      Data<int32_t>()[row] = static_cast<int32_t>(value.GetInt());
      break;
    case PhysicalType::kInt64:
      Data<int64_t>()[row] = value.GetInt();
      break;
    case PhysicalType::kFloat32:
      Data<float>()[row] = static_cast<float>(value.GetDouble());
      break;
    case PhysicalType::kFloat64:
      Data<double>()[row] = value.GetDouble();
      break;
    case PhysicalType::kDecimal:
      Data<Decimal>()[row] = value.GetDecimal();
      break;
    case PhysicalType::kString:
      SetString(row, value.GetString());
      break;
    case PhysicalType::kInterval:
      Data<Interval>()[row] = value.GetInterval();
      break;
    case PhysicalType::kUuid:
      Data<Uuid>()[row] = value.GetUuid();
      break;
    case PhysicalType::kInvalid:
      break;
  }
}

void Vector::AppendValue(const Value& value) {
  const idx_t row = size_;
  Resize(size_ + 1);
  SetValue(row, value);
}

void Vector::Append(const Vector& source) {
  const idx_t start = size_;
  const idx_t count = source.size_;
  Resize(start + count);
  const size_t width = PhysicalWidth(physical_);
  TESSERA_CHECK(width == PhysicalWidth(source.physical_));
  if (count == 0) return;
  std::memcpy(data_.data() + start * width, source.data_.data(), count * width);
  if (physical_ == PhysicalType::kString) ShareHeap(source);
  if (source.MayHaveNulls()) {
    for (idx_t row = 0; row < count; ++row) {
      if (source.IsNull(row)) SetNull(start + row, true);
    }
  }
}

void Vector::Append(const Vector& source, const sel_t* selection, idx_t count) {
  const idx_t start = size_;
  Resize(start + count);
  const size_t width = PhysicalWidth(physical_);
  TESSERA_CHECK(width == PhysicalWidth(source.physical_));
  uint8_t* target = data_.data() + start * width;
  const uint8_t* from = source.data_.data();
  switch (width) {
    case 1:
      for (idx_t i = 0; i < count; ++i) target[i] = from[selection[i]];
      break;
    case 2:
      for (idx_t i = 0; i < count; ++i) reinterpret_cast<uint16_t*>(target)[i] = reinterpret_cast<const uint16_t*>(from)[selection[i]];
      break;
    case 4:
      for (idx_t i = 0; i < count; ++i) reinterpret_cast<uint32_t*>(target)[i] = reinterpret_cast<const uint32_t*>(from)[selection[i]];
      break;
    case 8:
      for (idx_t i = 0; i < count; ++i) reinterpret_cast<uint64_t*>(target)[i] = reinterpret_cast<const uint64_t*>(from)[selection[i]];
      break;
    default:
      for (idx_t i = 0; i < count; ++i) std::memcpy(target + i * width, from + selection[i] * width, width);
      break;
  }
  if (physical_ == PhysicalType::kString) ShareHeap(source);
  if (source.MayHaveNulls()) {
    for (idx_t i = 0; i < count; ++i) {
      if (source.IsNull(selection[i])) SetNull(start + i, true);
    }
  }
}

void Vector::AppendCopy(const Vector& source, const sel_t* selection, idx_t count) {
  if (physical_ != PhysicalType::kString) {
    Append(source, selection, count);
    return;
  }
  const idx_t start = size_;
  Resize(start + count);
  StringHeap* own = heap();
  auto* target = Data<std::string_view>() + start;
  const auto* from = source.Data<std::string_view>();
  for (idx_t i = 0; i < count; ++i) {
    if (source.IsNull(selection[i])) {
      SetNull(start + i, true);
      target[i] = {};
    } else {
      target[i] = own->Add(from[selection[i]]);
    }
  }
}

void Vector::AppendRow(const Vector& source, idx_t row) {
  const sel_t selection = static_cast<sel_t>(row);
  Append(source, &selection, 1);
}

Vector Vector::Gather(const sel_t* selection, idx_t count) const {
  Vector result(type_);
  result.Append(*this, selection, count);
  return result;
}

Vector Vector::Constant(const Value& value, idx_t count) {
  Vector result(value.type(), count);
  if (value.is_null()) {
    for (idx_t row = 0; row < count; ++row) result.SetNull(row, true);
    return result;
  }
  if (count == 0) return result;
  result.SetValue(0, value);
  // The first value copied over the rest in doubling runs: a few large copies instead of one per row (a
  // constant per row, as count(*) over a UNION ALL selects, cost as much as the scan).
  const size_t total = PhysicalWidth(result.physical_) * count;
  for (size_t filled = PhysicalWidth(result.physical_); filled < total;) {
    const size_t run = std::min(filled, total - filled);
    std::memcpy(result.data_.data() + filled, result.data_.data(), run);
    filled += run;
  }
  return result;
}

size_t Vector::MemoryUsage() const {
  return data_.capacity() + validity_.capacity() * sizeof(uint64_t);
}

void Batch::Compact(const sel_t* selection, idx_t count) {
  for (auto& column : columns) column = column.Gather(selection, count);
  for (auto& codes : dictionary_codes) {
    if (!codes) continue;
    auto kept = std::make_shared<DictionaryCodes>();
    kept->id = codes->id;
    kept->size = codes->size;
    kept->codes.resize(count);
    for (idx_t row = 0; row < count; ++row) kept->codes[row] = codes->codes[selection[row]];
    codes = std::move(kept);
  }
  num_rows = count;
}

void Batch::AppendRow(const Batch& source, idx_t row) {
  dictionary_codes.clear();
  for (size_t column = 0; column < columns.size(); ++column) columns[column].AppendRow(source.columns[column], row);
  ++num_rows;
}

const int64_t* IntegersAsInt64(const Vector& vector, idx_t count, std::vector<int64_t>* scratch) {
  if (vector.physical_type() == PhysicalType::kInt64) return vector.Data<int64_t>();
  scratch->resize(count);
  if (vector.physical_type() == PhysicalType::kInt32) {
    const int32_t* values = vector.Data<int32_t>();
    for (idx_t row = 0; row < count; ++row) (*scratch)[row] = values[row];
  } else {
    const int16_t* values = vector.Data<int16_t>();
    for (idx_t row = 0; row < count; ++row) (*scratch)[row] = values[row];
  }
  return scratch->data();
}

}  // namespace tessera
