// SPDX-License-Identifier: Apache-2.0
// Encoding of write entries for WAL transaction records, at commit or ahead of it.
#include "engine/wal_entry.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "storage/column_chunk.h"

namespace tessera::engine {

namespace {

using storage::ByteWriter;
using storage::RowId;

void PutChunk(ByteWriter& out, const std::string& chunk) {
  out.Put(static_cast<uint32_t>(chunk.size()));
  out.PutBytes(chunk.data(), chunk.size());
}

// Returns the positions [first, first + count) of `rows` grouped by partition (a stable counting sort,
// so offsets ascend within a partition). Replay does not care about the order of an entry's rows, and
// grouped this way they delta-encode to a few bits each and gather in runs.
std::vector<sel_t> PartitionOrder(const std::vector<RowId>& rows, size_t first, size_t count, int num_partitions) {
  std::vector<size_t> starts(static_cast<size_t>(num_partitions) + 1, 0);
  for (size_t index = first; index < first + count; ++index) ++starts[storage::RowIdPartition(rows[index]) + 1];
  for (size_t partition = 1; partition < starts.size(); ++partition) starts[partition] += starts[partition - 1];
  std::vector<sel_t> order(count);
  for (size_t index = first; index < first + count; ++index) {
    order[starts[storage::RowIdPartition(rows[index])]++] = static_cast<sel_t>(index);
  }
  return order;
}

// Writes the entry's kind, storage id and row ids (`rows` picked by `order`).
void PutEntryHeader(ByteWriter& out, uint8_t kind, uint32_t storage_id, const std::vector<RowId>& rows,
                    const std::vector<sel_t>& order) {
  Vector row_ids(LogicalType(TypeId::kInt64), static_cast<idx_t>(order.size()));
  int64_t* ids = row_ids.Data<int64_t>();
  for (size_t index = 0; index < order.size(); ++index) ids[index] = rows[order[index]];
  out.Put(kind);
  out.Put(storage_id);
  PutChunk(out, storage::EncodeColumnChunk(row_ids, storage::ChunkEncoding::kDelta));
}

// Writes an insert's column count and columns: rows `selection` of `values` (all columns, table order).
void PutInsertValues(ByteWriter& out, const std::vector<uint32_t>& column_ids, const std::vector<Vector>& values,
                     const std::vector<sel_t>& selection) {
  out.Put(static_cast<uint32_t>(values.size()));
  std::string& bytes = out.bytes();
  for (size_t column = 0; column < values.size(); ++column) {
    out.Put(column_ids[column]);
    const size_t size_at = bytes.size();
    out.Put(uint32_t{0});
    storage::AppendPlainColumnChunk(values[column], selection.data(), selection.size(), &bytes);
    const auto size = static_cast<uint32_t>(bytes.size() - size_at - sizeof(uint32_t));
    std::memcpy(bytes.data() + size_at, &size, sizeof(size));
  }
}

}  // namespace

void EncodeWalSlice(ByteWriter& out, const storage::WriteEntry& entry, size_t first, size_t count) {
  const storage::TableData& table = *entry.table;
  const std::vector<sel_t> order = PartitionOrder(entry.rows, first, count, table.num_partitions());
  const uint8_t kind = !entry.is_delete ? kWalInsertEntry : entry.by_update ? kWalUpdateDeleteEntry : kWalDeleteEntry;
  PutEntryHeader(out, kind, table.storage_id(), entry.rows, order);
  if (entry.is_delete) return;
  std::vector<RowId> rows(order.size());
  for (size_t index = 0; index < order.size(); ++index) rows[index] = entry.rows[order[index]];
  std::vector<sel_t> all_rows(rows.size());
  std::iota(all_rows.begin(), all_rows.end(), sel_t{0});
  PutInsertValues(out, table.column_ids(), table.Gather(rows).columns, all_rows);
}

std::shared_ptr<const storage::EncodedWrite> EncodeInsertAhead(const storage::TableData& table,
                                                              const std::vector<RowId>& rows, const Batch& batch) {
  auto encoded = std::make_shared<storage::EncodedWrite>();
  encoded->storage_id = table.storage_id();
  encoded->column_ids = table.column_ids();
  encoded->column_types = table.column_types();
  for (size_t first = 0; first < rows.size(); first += kWalSliceRows) {
    const size_t count = std::min(kWalSliceRows, rows.size() - first);
    const std::vector<sel_t> order = PartitionOrder(rows, first, count, table.num_partitions());
    ByteWriter out;
    PutEntryHeader(out, kWalInsertEntry, encoded->storage_id, rows, order);
    PutInsertValues(out, encoded->column_ids, batch.columns, order);
    encoded->slices.push_back(std::move(out.bytes()));
  }
  return encoded;
}

}  // namespace tessera::engine
