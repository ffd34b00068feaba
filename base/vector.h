// SPDX-License-Identifier: Apache-2.0
// Vector and Batch: the unit of vectorized execution. A Vector holds one column's values for up to a
// batch of rows in a flat, typed buffer, a validity bitmap (bit set = NULL; empty = no NULLs) and, for
// strings, a shared append-only heap. A Batch is a set of equally long vectors.
//
// String values are string_views into bytes the vector keeps alive: its own heap, the heaps of the
// vectors it copied them from, or other immutable owners (KeepAlive: a mapped segment file whose
// strings a scan hands out in place, without copying them).
//
// Thread safety: a Vector is owned by one thread at a time; copies share the (immutable once written)
// string heap and owners and copy the fixed-width buffers.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/types.h"
#include "base/value.h"

namespace tessera {

using idx_t = uint64_t;
using sel_t = uint32_t;

// Rows per batch produced by scans and most operators.
constexpr idx_t kBatchSize = 2048;

// Append-only storage for the bytes of string values. Strings never move once added.
class StringHeap {
 public:
  std::string_view Add(std::string_view text);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_capacity_ = 0;
};

class Vector {
 public:
  Vector() = default;
  explicit Vector(LogicalType type, idx_t size = 0);
  // Copies share the source's string bytes but never write into its heap.
  Vector(const Vector& other) { *this = other; }
  Vector& operator=(const Vector& other);
  Vector(Vector&&) = default;
  Vector& operator=(Vector&&) = default;

  const LogicalType& type() const { return type_; }
  PhysicalType physical_type() const { return physical_; }
  idx_t size() const { return size_; }

  // Sets the number of rows; new rows are valid with zeroed data.
  void Resize(idx_t size);
  void Reserve(idx_t capacity);

  template <typename T>
  T* Data() { return reinterpret_cast<T*>(data_.data()); }
  template <typename T>
  const T* Data() const { return reinterpret_cast<const T*>(data_.data()); }

  bool IsNull(idx_t row) const {
    return !validity_.empty() && (validity_[row >> 6] >> (row & 63)) & 1;
  }
  void SetNull(idx_t row, bool null);
  // Marks NULL each row r in [0, count) whose bit `first_bit + r` is set in `mask` (bit set = NULL).
  void SetNulls(const uint64_t* mask, idx_t first_bit, idx_t count);
  // True when some row may be NULL (false guarantees none is).
  bool MayHaveNulls() const { return !validity_.empty(); }
  // Raw NULL bitmap (bit set = NULL), or nullptr when no row is NULL.
  const uint64_t* NullMask() const { return validity_.empty() ? nullptr : validity_.data(); }

  // Copies `text` into this vector's heap and stores it at `row`.
  void SetString(idx_t row, std::string_view text) { Data<std::string_view>()[row] = heap()->Add(text); }
  std::string_view GetString(idx_t row) const { return Data<std::string_view>()[row]; }
  // Keeps `other`'s heap alive with this vector (after copying string_views that point into it).
  void ShareHeap(const Vector& other);
  // Keeps `heap` alive with this vector, for string_views stored through Data() that point into it.
  void ShareHeap(const std::shared_ptr<StringHeap>& heap);
  // Keeps `owner` alive with this vector, for string_views stored through Data() that point into
  // immutable bytes it owns (and that copies of the vector may then share).
  void KeepAlive(std::shared_ptr<const void> owner);

  Value GetValue(idx_t row) const;
  void SetValue(idx_t row, const Value& value);  // REQUIRES: value's physical type matches or is NULL
  void AppendValue(const Value& value);

  // Appends rows of `source` (same physical type): all rows, or those listed in `selection`.
  void Append(const Vector& source);
  void Append(const Vector& source, const sel_t* selection, idx_t count);
  // As Append, but strings are copied into this vector's own heap instead of sharing the source's: for
  // vectors that live long (table storage) and must not keep every source batch's heap alive.
  void AppendCopy(const Vector& source, const sel_t* selection, idx_t count);
  // Appends one row of `source`.
  void AppendRow(const Vector& source, idx_t row);
  // Returns a vector of the rows in `selection` (a gather).
  Vector Gather(const sel_t* selection, idx_t count) const;
  // Returns a vector holding `count` copies of `value`.
  static Vector Constant(const Value& value, idx_t count);

  // Approximate bytes held, for memory accounting.
  size_t MemoryUsage() const;

 private:
  StringHeap* heap();

  LogicalType type_;
  PhysicalType physical_ = PhysicalType::kInvalid;
  idx_t size_ = 0;
  std::vector<uint8_t> data_;
  std::vector<uint64_t> validity_;
  std::shared_ptr<StringHeap> own_heap_;  // strings this vector wrote
  // Other heaps and owners of bytes its strings point into (those of vectors whose strings it copied).
  std::vector<std::shared_ptr<const void>> shared_owners_;
};

// The dictionary codes of a column's rows when all of them came from one dictionary-encoded column
// chunk (storage/segment_scan.h): rows with equal codes have equal values, so GROUP BY can group by code
// and look each value up once. Codes of NULL rows mean nothing.
struct DictionaryCodes {
  uint64_t id = 0;              // names the dictionary, unique in the process
  uint32_t size = 0;            // its entries: every code is below
  std::vector<uint32_t> codes;  // one per row
};

struct Batch {
  std::vector<Vector> columns;
  idx_t num_rows = 0;
  // Per column, where a scan of segment files had them (may be shorter than `columns`; null: none).
  // Compact keeps them; operators that build new batches do not copy them.
  std::vector<std::shared_ptr<const DictionaryCodes>> dictionary_codes;

  Batch() = default;
  explicit Batch(const std::vector<LogicalType>& types) {
    columns.reserve(types.size());
    for (const auto& type : types) columns.emplace_back(type);
  }
  idx_t size() const { return num_rows; }
  void SetSize(idx_t rows) {
    num_rows = rows;
    dictionary_codes.clear();
    for (auto& column : columns) column.Resize(rows);
  }
  // Keeps only the rows in `selection`.
  void Compact(const sel_t* selection, idx_t count);
  void AppendRow(const Batch& source, idx_t row);
};

// The values of rows [0, count) of an int2, int4 or int8 vector (or a type stored as one) as int64: the
// vector's own data for int8, else a copy widened into `*scratch`. NULL rows hold whatever their slot holds.
const int64_t* IntegersAsInt64(const Vector& vector, idx_t count, std::vector<int64_t>* scratch);

}  // namespace tessera
