// SPDX-License-Identifier: Apache-2.0
// The entries of WAL transaction records (storage/FORMAT.md, "WAL records of tables"): a write entry is
// logged in slices of at most kWalSliceRows rows. A slice is encoded either at commit, gathering an
// insert's values back out of the table (EncodeWalSlice), or for an insert right after it was appended,
// from the rows it appended (EncodeInsertAhead), so that a commit only copies bytes; both give the same
// bytes while the table's storage and columns stay as they were (EncodedWrite::Matches).
//
// Thread safety: both may run on any thread; the table's column list must not change meanwhile (as for
// any statement writing it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/vector.h"
#include "storage/encoding/byte_io.h"
#include "storage/transaction.h"

namespace tessera::engine {

constexpr size_t kWalSliceRows = 64 * 1024;
// A transaction stops encoding its inserts ahead once it holds this many encoded bytes, so that a huge
// transaction keeps bounded memory (about 5M rows of four columns); the rest is encoded at commit.
constexpr size_t kMaxEncodedAheadBytes = 128u << 20;
// An entry's kind, its first byte.
constexpr uint8_t kWalInsertEntry = 0;
constexpr uint8_t kWalDeleteEntry = 1;
// A delete of rows that live on as new versions (UPDATE): recovery marks them so, and a writer that waited
// for a prepared transaction then acts on the new version.
constexpr uint8_t kWalUpdateDeleteEntry = 2;

// Appends the entry of rows [first, first + count) of `entry` to `out`; inserted values are gathered
// from the table.
void EncodeWalSlice(storage::ByteWriter& out, const storage::WriteEntry& entry, size_t first, size_t count);

// Returns the slices of the insert entry for `rows`, whose values are `batch` (rows[i] holds batch row
// i; all columns, table order), byte for byte as EncodeWalSlice encodes them at commit.
std::shared_ptr<const storage::EncodedWrite> EncodeInsertAhead(const storage::TableData& table,
                                                              const std::vector<storage::RowId>& rows,
                                                              const Batch& batch);

}  // namespace tessera::engine
