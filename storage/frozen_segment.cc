// SPDX-License-Identifier: Apache-2.0
// Opening frozen segments and reading rows of them by row number.
#include "storage/frozen_segment.h"

#include <algorithm>
#include <array>

#include "storage/sort_order.h"

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

// Appends column `column` of the file rows `rows` (ascending) to `out`.
void AppendFileRows(const std::shared_ptr<const FrozenSegment>& segment, int column, const uint64_t* rows,
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

}  // namespace

Status OpenFrozenSegment(const std::string& directory, const std::string& name, size_t first_group,
                         const std::vector<LogicalType>& types, std::shared_ptr<const FrozenSegment>* segment) {
  auto opened = std::make_shared<FrozenSegment>();
  Status status = SegmentReader::Open(directory + "/" + name, &opened->reader);
  if (!status.ok()) return status;
  const auto& file_types = opened->reader.column_types();
  opened->reordered = file_types.size() == types.size() + 1 && file_types.back().id == SegmentRowNumberType().id;
  bool matches = file_types.size() == types.size() + (opened->reordered ? 1 : 0) &&
                 opened->reader.num_rows() % kBatchSize == 0 && opened->reader.num_rows() > 0 &&
                 opened->reader.num_rows() <= UINT32_MAX && opened->reader.footer().row_group_size % kBatchSize == 0;
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

const std::vector<uint32_t>& FrozenSegment::FileRows() const {
  LoadFileRows().ThrowIfError();
  return file_rows_;
}

const Status& FrozenSegment::LoadFileRows() const {
  std::call_once(file_rows_once_, [this] {
    Vector numbers(SegmentRowNumberType());
    file_rows_status_ = reader.AppendColumn(reader.column_types().size() - 1, &numbers);
    if (!file_rows_status_.ok()) return;
    const uint64_t rows = reader.num_rows();
    std::vector<uint32_t> file_rows(rows, UINT32_MAX);
    const int32_t* segment_rows = numbers.Data<int32_t>();
    for (uint64_t file_row = 0; file_row < rows; ++file_row) {
      const auto segment_row = static_cast<uint32_t>(segment_rows[file_row]);
      if (numbers.IsNull(file_row) || segment_row >= rows || file_rows[segment_row] != UINT32_MAX) {
        file_rows_status_ = Status(SqlState::kDataCorrupted, "segment file \"" + reader.path() +
                                                                 "\" has an invalid row number at row " +
                                                                 std::to_string(file_row));
        return;
      }
      file_rows[segment_row] = static_cast<uint32_t>(file_row);
    }
    file_rows_ = std::move(file_rows);
  });
  return file_rows_status_;
}

void ApplySortOrder(const std::vector<int>& sort_columns, std::vector<Vector>* columns) {
  if (sort_columns.empty() || columns->empty()) return;
  const std::vector<sel_t> order = SortOrder(*columns, sort_columns);
  bool in_order = true;
  for (size_t row = 0; row < order.size() && in_order; ++row) in_order = order[row] == row;
  if (in_order) return;
  for (Vector& column : *columns) column = column.Gather(order.data(), order.size());
  Vector numbers(SegmentRowNumberType(), order.size());
  std::copy(order.begin(), order.end(), numbers.Data<int32_t>());
  columns->push_back(std::move(numbers));
}

Status ReadFrozenColumns(const std::vector<std::shared_ptr<const FrozenSegment>>& segments,
                         std::vector<Vector>* columns) {
  columns->clear();
  const auto& types = segments.front()->reader.column_types();
  for (size_t column = 0; column < segments.front()->num_columns(); ++column) {
    columns->emplace_back(types[column]);
    for (const auto& segment : segments) {
      if (!segment->reordered) {
        if (Status status = segment->reader.AppendColumn(column, &columns->back()); !status.ok()) return status;
        continue;
      }
      Vector file_order(types[column]);
      if (Status status = segment->reader.AppendColumn(column, &file_order); !status.ok()) return status;
      if (const Status& status = segment->LoadFileRows(); !status.ok()) return status;
      columns->back().Append(file_order, segment->FileRows().data(), segment->FileRows().size());
    }
  }
  return Status::Ok();
}

void AppendFrozenRows(const std::shared_ptr<const FrozenSegment>& segment, int column, const uint64_t* rows,
                      size_t count, Vector* out) {
  if (segment->reordered) {
    // Read the rows in file order, then put them in the order asked for.
    const std::vector<uint32_t>& file_rows = segment->FileRows();
    std::vector<std::pair<uint64_t, sel_t>> by_file_row(count);
    for (size_t index = 0; index < count; ++index) by_file_row[index] = {file_rows[rows[index]], static_cast<sel_t>(index)};
    std::sort(by_file_row.begin(), by_file_row.end());
    std::vector<uint64_t> sorted_rows(count);
    std::vector<sel_t> position_of(count);
    for (size_t index = 0; index < count; ++index) {
      sorted_rows[index] = by_file_row[index].first;
      position_of[by_file_row[index].second] = static_cast<sel_t>(index);
    }
    Vector in_file_order(out->type());
    AppendFileRows(segment, column, sorted_rows.data(), count, &in_file_order);
    out->Append(in_file_order, position_of.data(), count);
    return;
  }
  AppendFileRows(segment, column, rows, count, out);
}

}  // namespace tessera::storage
