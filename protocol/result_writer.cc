// SPDX-License-Identifier: Apache-2.0
// Connection's result output: RowDescription from result columns, DataRows from batches in text or
// binary format per column, with row limits for portals.
#include <algorithm>

#include "base/binary_format.h"
#include "base/check.h"
#include "base/types.h"
#include "base/wire_bytes.h"
#include "planner/session.h"
#include "protocol/connection.h"

namespace tessera::protocol {

namespace {

// Output is handed to the sink whenever the buffer passes this size, so a large result streams.
constexpr size_t kOutputFlushBytes = 64 * 1024;

}  // namespace

void Connection::WriteRowDescription(const std::vector<planner::ResultColumn>& columns,
                                     const std::vector<int16_t>& formats) {
  RowDescription description;
  description.fields.reserve(columns.size());
  for (size_t index = 0; index < columns.size(); ++index) {
    const planner::ResultColumn& column = columns[index];
    FieldDescription field;
    field.name = column.name;
    field.table_oid = column.table_oid;
    field.column_number = column.column_number;
    field.type_oid = TypeOid(column.type);
    field.type_length = TypeLength(column.type);
    field.type_modifier = column.type.typmod;
    field.format = formats[index];
    description.fields.push_back(std::move(field));
  }
  Write(description);
}

bool Connection::SendRows(RowSource& source, const std::vector<int16_t>& formats, int64_t max_rows,
                          int64_t* rows_sent) {
  for (;;) {
    if (source.next_row < source.batch.num_rows) {
      idx_t end = source.batch.num_rows;
      if (max_rows > 0) end = std::min<idx_t>(end, source.next_row + static_cast<idx_t>(max_rows - *rows_sent));
      WriteDataRows(source.batch, source.next_row, end, formats);
      *rows_sent += static_cast<int64_t>(end - source.next_row);
      source.next_row = end;
      if (client_gone_) return true;
      // Like PostgreSQL, suspend as soon as the limit is reached, without looking for more rows.
      if (max_rows > 0 && *rows_sent >= max_rows) return false;
      continue;
    }
    source.batch = Batch();
    source.next_row = 0;
    if (!source.cursor->Next(&source.batch)) return true;
  }
}

void Connection::WriteDataRows(const Batch& batch, idx_t begin, idx_t end, const std::vector<int16_t>& formats) {
  TESSERA_CHECK_EQ(batch.columns.size(), formats.size());
  for (idx_t row = begin; row < end; ++row) {
    // A cell that fails to encode must not leave half a DataRow in front of the ErrorResponse.
    size_t row_start = output_.size();
    try {
      ByteWriter writer(&output_);
      writer.BeginMessage('D');
      writer.WriteInt16(static_cast<int16_t>(batch.columns.size()));
      for (size_t index = 0; index < batch.columns.size(); ++index) {
        const Vector& column = batch.columns[index];
        if (column.IsNull(row)) {
          writer.WriteInt32(-1);
          continue;
        }
        size_t length_offset = output_.size();
        writer.WriteInt32(0);
        if (formats[index] == 1) {
          EncodeBinaryCell(column, row, &output_);
        } else {
          output_ += session_->FormatText(column, row);
        }
        StoreBigEndian32(output_.data() + length_offset, static_cast<uint32_t>(output_.size() - length_offset - 4));
      }
      writer.EndMessage();
    } catch (...) {
      output_.resize(row_start);
      throw;
    }
    if (output_.size() >= kOutputFlushBytes) {
      Flush();
      if (client_gone_) return;
    }
  }
}

}  // namespace tessera::protocol
