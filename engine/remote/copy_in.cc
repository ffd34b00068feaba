// SPDX-License-Identifier: Apache-2.0
// RemoteConnection::CopyIn: batches sent as COPY ... FROM STDIN (FORMAT binary) data.
#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/error.h"
#include "base/wire_bytes.h"
#include "engine/remote/libpq_call.h"
#include "engine/remote/remote_connection.h"

namespace tessera::remote {

namespace {

// COPY data is sent in chunks of about this size (PostgreSQL's own COPY buffers 64 KiB).
constexpr size_t kCopyChunkBytes = 64 * 1024;

// The row count of a "COPY n" tag.
uint64_t CopiedRows(const std::string& tag, const std::string& worker) {
  uint64_t rows = 0;
  const std::string_view count = std::string_view(tag).substr(tag.find(' ') + 1);
  if (tag.rfind("COPY ", 0) != 0 || std::from_chars(count.data(), count.data() + count.size(), rows).ec != std::errc()) {
    throw SqlError(SqlState::kProtocolViolation, fmt::format("unexpected COPY tag \"{}\" from worker {}", tag, worker));
  }
  return rows;
}

}  // namespace

uint64_t RemoteConnection::CopyIn(const std::string& copy_sql, std::span<const Batch> batches,
                                  std::chrono::milliseconds timeout) {
  CheckOpen();
  LibpqCall call(conn_.get(), endpoint_.Name(), timeout);
  try {
    if (!PQsendQuery(conn_.get(), copy_sql.c_str())) throw call.LostConnection();
    call.Flush();
    ResultPtr start = call.NextResult();
    if (start == nullptr || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      if (start != nullptr && PQresultStatus(start.get()) == PGRES_FATAL_ERROR) {
        SqlError error = call.WorkerError(start.get());
        while (call.NextResult() != nullptr) {
        }
        throw error;
      }
      throw SqlError(SqlState::kFeatureNotSupported,
                     fmt::format("CopyIn to worker {} needs a COPY ... FROM STDIN statement", endpoint_.Name()));
    }
    start.reset();

    std::string data;
    AppendBinaryCopyHeader(&data);
    for (const Batch& batch : batches) {
      for (idx_t row = 0; row < batch.num_rows; ++row) {
        AppendBinaryCopyRow(batch, row, &data);
        if (data.size() >= kCopyChunkBytes) {
          call.PutCopyData(data);
          data.clear();
        }
      }
    }
    ByteWriter(&data).WriteInt16(-1);  // the trailer
    call.PutCopyData(data);
    call.PutCopyEnd();
    return CopiedRows(call.ReadCommandTag(), endpoint_.Name());
  } catch (...) {
    RecoverAfterError();
    throw;
  }
}

}  // namespace tessera::remote
