// SPDX-License-Identifier: Apache-2.0
// Connection's COPY sub-protocols, as PostgreSQL 15 runs them:
//   COPY ... FROM STDIN: CopyInResponse; the client sends CopyData* then CopyDone (→ CommandComplete
//   "COPY n") or CopyFail (→ ERROR 57014). Flush and Sync are ignored in copy-in mode (libpq may send
//   them before it sees that the command was COPY); any other message is a protocol error that ends the
//   COPY. After an error, a simple Query answers ReadyForQuery at once and the CopyData still arriving is
//   ignored (connection.cc ignores CopyData/CopyDone/CopyFail outside COPY); an Execute skips until Sync.
//   COPY ... TO STDOUT: CopyOutResponse, one CopyData per row, CopyDone, CommandComplete "COPY n".
#include <fmt/format.h>

#include "planner/session.h"
#include "protocol/connection.h"
#include "protocol/overloaded.h"

namespace tessera::protocol {

namespace {

// Output is handed to the sink whenever the buffer passes this size, so a large COPY TO streams.
constexpr size_t kOutputFlushBytes = 64 * 1024;

CopyResponse MakeCopyResponse(const planner::CopySpec& spec, bool copy_in) {
  const int16_t format = spec.options.format == planner::CopyFormat::kBinary ? 1 : 0;
  return CopyResponse{copy_in, static_cast<int8_t>(format), std::vector<int16_t>(spec.columns.size(), format)};
}

char MessageTypeByte(const FrontendMessage& message) {
  return std::visit(Overloaded{
                        [](const QueryMessage&) { return 'Q'; },
                        [](const ParseMessage&) { return 'P'; },
                        [](const BindMessage&) { return 'B'; },
                        [](const DescribeMessage&) { return 'D'; },
                        [](const ExecuteMessage&) { return 'E'; },
                        [](const CloseMessage&) { return 'C'; },
                        [](const FunctionCallMessage&) { return 'F'; },
                        [](const auto&) { return '?'; },
                    },
                    message);
}

}  // namespace

void Connection::StartCopyIn(std::shared_ptr<planner::PreparedStatement> statement, bool extended) {
  auto copy = std::make_unique<CopyIn>();
  copy->statement = std::move(statement);
  copy->extended = extended;
  copy->inserter = session_->BeginCopyFrom(*copy->statement);
  planner::CopyInserter* inserter = copy->inserter.get();
  copy->parser = std::make_unique<CopyInParser>(*copy->statement->copy(),
                                                [inserter](planner::CopyRows& rows) { inserter->Insert(rows); });
  WriteNotices();
  Write(MakeCopyResponse(*copy->statement->copy(), true));
  if (const auto& error = copy->statement->copy()->error_after_start) throw SqlError(*error);
  copy_in_ = std::move(copy);
}

void Connection::RunCopyOut(planner::PreparedStatement& statement, RowSource& source) {
  const planner::CopySpec& spec = *statement.copy();
  CopyOutFormatter formatter(spec, [this](const Vector& column, idx_t row) { return session_->FormatText(column, row); });
  Write(MakeCopyResponse(spec, false));
  // The binary file header travels with the first row, the text header line on its own, as in
  // PostgreSQL's copyto.c.
  std::string prefix = formatter.Start();
  if (spec.options.format != planner::CopyFormat::kBinary && !prefix.empty()) {
    Write(CopyData{std::move(prefix)});
    prefix.clear();
  }
  CopyData data;
  while (source.cursor->Next(&source.batch)) {
    for (idx_t row = 0; row < source.batch.num_rows; ++row) {
      data.data = std::move(prefix);
      prefix.clear();
      formatter.AppendRow(source.batch, row, &data.data);
      Write(data);
      if (output_.size() >= kOutputFlushBytes) {
        Flush();
        if (client_gone_) return;
      }
    }
  }
  const std::string end = formatter.End();
  if (!end.empty()) Write(CopyData{prefix + end});
  Write(CopyDone{});
  WriteNotices();
  Write(CommandComplete{source.cursor->CommandTag()});
}

bool Connection::HandleCopyInMessage(FrontendMessage& message) {
  if (std::holds_alternative<SyncMessage>(message) || std::holds_alternative<FlushMessage>(message)) return true;
  if (std::holds_alternative<TerminateMessage>(message)) return false;
  if (auto* data = std::get_if<CopyDataMessage>(&message)) {
    if (!RunCopyStep([&] { copy_in_->parser->Feed(data->data); })) EndCopyIn(false);
    return true;
  }
  if (std::holds_alternative<CopyDoneMessage>(message)) {
    bool succeeded = RunCopyStep([&] {
      copy_in_->parser->Finish();
      copy_in_->inserter->Finish();
      WriteNotices();
      Write(CommandComplete{fmt::format("COPY {}", copy_in_->inserter->rows_inserted())});
    });
    EndCopyIn(succeeded);
    return true;
  }
  SqlError error = [&] {
    if (auto* fail = std::get_if<CopyFailMessage>(&message)) {
      return SqlError(SqlState::kQueryCanceled, "COPY from stdin failed: " + fail->message);
    }
    return SqlError(SqlState::kProtocolViolation,
                    fmt::format("unexpected message type 0x{:02X} during COPY from stdin",
                                static_cast<unsigned>(static_cast<unsigned char>(MessageTypeByte(message)))));
  }();
  const int64_t line = copy_in_->parser->lines_read() + 1;  // the line being read
  RunCopyStep([&] {
    throw std::move(error).WithContext(planner::CopyLineContext(copy_in_->statement->copy()->relation_name, line, nullptr));
  });
  EndCopyIn(false);
  return true;
}

bool Connection::RunCopyStep(const std::function<void()>& step) {
  return RunGuarded([&] {
    try {
      step();
    } catch (...) {
      // The statement must not end while a batch is still being inserted; that batch's error, from an
      // earlier line, is the one to report. Nothing it wrote to workers commits.
      copy_in_->inserter->Abandon();
      throw;
    }
  });
}

void Connection::EndCopyIn(bool succeeded) {
  const bool extended = copy_in_->extended;
  copy_in_.reset();
  if (extended) {
    if (!succeeded) skip_until_sync_ = true;
    Flush();
    return;
  }
  if (!succeeded) pending_statements_.clear();
  RunPendingStatements();
}

}  // namespace tessera::protocol
