// SPDX-License-Identifier: Apache-2.0
// Index: an ordered map from key values to row ids, for UNIQUE/PRIMARY KEY enforcement and equality and
// range lookups. Kept in memory; rebuilt from the table when the server starts (until the durable storage
// issue gives it an on-disk form).
//
// Thread safety: all methods may be called concurrently (internal lock).
#pragma once

#include <functional>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "base/value.h"
#include "storage/table_data.h"

namespace tessera::engine {

// Total order on values of one type as SQL's ORDER BY sorts them (NULLs last).
int CompareValues(const Value& left, const Value& right);

struct IndexKeyLess {
  bool operator()(const std::vector<Value>& left, const std::vector<Value>& right) const;
};

class Index {
 public:
  void Insert(const std::vector<Value>& key, storage::RowId row);
  // Inserts (key, row) unless an entry for `key` may hold it: returns the first entry whose row
  // `may_hold` (called under the index's lock, so it must not block) accepts, or nullopt once inserted.
  // Checking and inserting under one lock keeps two writers of one key from both finding it free. A key
  // holding a NULL is always inserted (NULLs never equal).
  std::optional<storage::RowId> InsertUnique(const std::vector<Value>& key, storage::RowId row,
                                             const std::function<bool(storage::RowId)>& may_hold);
  void Erase(const std::vector<Value>& key, storage::RowId row);
  // Row ids whose key starts with `key` (a prefix of the key columns, or all of them); none when `key`
  // holds a NULL (NULLs never equal).
  std::vector<storage::RowId> Lookup(const std::vector<Value>& key) const;
  // Row ids with lower <= key <= upper on the first key column (either bound optional, inclusive flags).
  std::vector<storage::RowId> Range(const std::optional<Value>& lower, bool lower_inclusive,
                                    const std::optional<Value>& upper, bool upper_inclusive) const;
  void Clear();
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<std::vector<Value>, storage::RowId, IndexKeyLess> entries_;  // GUARDED_BY(mutex_)
};

// Calls `visit(key, row)` for every version of `data` whose insert was not aborted (deleted versions
// included, as an index holds them), with its key on `columns`: how CREATE INDEX and recovery fill one.
void ForEachIndexKey(const storage::TableData& data, const std::vector<int>& columns,
                     const std::function<void(const std::vector<Value>& key, storage::RowId row)>& visit);

}  // namespace tessera::engine
