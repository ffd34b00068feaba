// SPDX-License-Identifier: Apache-2.0
// Opening frozen segments and reading rows of them by row number.
#include "storage/frozen_segment.h"

#include <algorithm>
#include <array>

namespace tessera::storage {
namespace {

// The chunks a thread decoded last, most recent first.
struct DecodedChunk {
  std::shared_ptr<const FrozenSegment> segment;
  size_t row_group = 0;
  int column = 0;
  Vector values;
};
constexpr size_t kDecodedChunks = 8;
thread_local std::array<DecodedChunk, kDecodedChunks> decoded_chunks;

const Vector& Decoded(const std::shared_ptr<const FrozenSegment>& segment, size_t row_group, int column) {
  for (size_t index = 0; index < kDecodedChunks; ++index) {
    DecodedChunk& entry = decoded_chunks[index];
    if (entry.segment == segment && entry.row_group == row_group && entry.column == column) {
      if (index > 0) std::rotate(decoded_chunks.begin(), decoded_chunks.begin() + index, decoded_chunks.begin() + index + 1);
      return decoded_chunks[0].values;
    }
  }
  const idx_t rows = segment->reader.row_groups()[row_group].num_rows;
  Vector values;
  segment->reader.ReadColumn(row_group, static_cast<size_t>(column), 0, rows, &values).ThrowIfError();
  std::rotate(decoded_chunks.begin(), decoded_chunks.end() - 1, decoded_chunks.end());
  decoded_chunks[0] = DecodedChunk{segment, row_group, column, std::move(values)};
  return decoded_chunks[0].values;
}

}  // namespace

Status OpenFrozenSegment(const std::string& directory, const std::string& name, size_t first_group,
                         const std::vector<LogicalType>& types, std::shared_ptr<const FrozenSegment>* segment) {
  auto opened = std::make_shared<FrozenSegment>();
  Status status = SegmentReader::Open(directory + "/" + name, &opened->reader);
  if (!status.ok()) return status;
  const auto& file_types = opened->reader.column_types();
  bool matches = file_types.size() == types.size() && opened->reader.num_rows() % kBatchSize == 0 &&
                 opened->reader.num_rows() > 0 && opened->reader.footer().row_group_size % kBatchSize == 0;
  for (size_t column = 0; matches && column < types.size(); ++column) {
    matches = GetPhysicalType(file_types[column]) == GetPhysicalType(types[column]);
  }
  if (!matches) {
    return Status(SqlState::kDataCorrupted,
                  "segment file \"" + opened->reader.path() + "\" does not match its table's columns");
  }
  opened->name = name;
  opened->first_group = first_group;
  opened->num_groups = static_cast<size_t>(opened->reader.num_rows() / kBatchSize);
  *segment = std::move(opened);
  return Status::Ok();
}

Status ReadFrozenColumns(const std::vector<std::shared_ptr<const FrozenSegment>>& segments,
                         std::vector<Vector>* columns) {
  columns->clear();
  const auto& types = segments.front()->reader.column_types();
  for (size_t column = 0; column < types.size(); ++column) {
    columns->emplace_back(types[column]);
    for (const auto& segment : segments) {
      if (Status status = segment->reader.AppendColumn(column, &columns->back()); !status.ok()) return status;
    }
  }
  return Status::Ok();
}

void AppendFrozenRows(const std::shared_ptr<const FrozenSegment>& segment, int column, const uint64_t* rows,
                      size_t count, Vector* out) {
  const uint64_t group_rows = segment->reader.footer().row_group_size;
  std::vector<sel_t> selection;
  for (size_t index = 0; index < count;) {
    const size_t row_group = static_cast<size_t>(rows[index] / group_rows);
    selection.clear();
    for (; index < count && rows[index] / group_rows == row_group; ++index) {
      selection.push_back(static_cast<sel_t>(rows[index] % group_rows));
    }
    out->Append(Decoded(segment, row_group, column), selection.data(), selection.size());
  }
}

}  // namespace tessera::storage
