// SPDX-License-Identifier: Apache-2.0
// COPY as the planner sees it: the statement's options (checked as PostgreSQL 15's ProcessCopyOptions does),
// the copied columns, and the inserter that COPY FROM feeds. The data formats themselves (text, CSV, binary)
// live in protocol/, which owns the wire and the binary send/recv code.
//
// COPY ... TO STDOUT runs as a query: Session::Execute returns its rows (the copied columns) and the tag
// "COPY n". COPY ... FROM STDIN is started with Session::BeginCopyFrom; protocol/ parses CopyData into
// batches of rows and hands them to CopyInserter::Insert, which converts text fields with the column
// types' input rules, fills the columns left out (their DEFAULT, else NULL) and inserts through the normal
// INSERT path (NOT NULL, unique indexes, undo log). An error names the input line in its context field,
// as PostgreSQL's CopyFromErrorCallback does ("COPY t, line 3, column b: \"x\"").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/types.h"
#include "base/vector.h"

namespace tessera::planner {

enum class CopyFormat { kText, kCsv, kBinary };
enum class CopyHeader { kNone, kPresent, kMatch };

struct CopyOptions {
  CopyFormat format = CopyFormat::kText;
  CopyHeader header = CopyHeader::kNone;
  char delimiter = '\t';          // ',' for CSV
  std::string null_string = "\\N";  // "" for CSV
  char quote = '"';               // CSV only
  char escape = '"';              // CSV only; defaults to quote
  // Per copied column (empty when the option was not given).
  std::vector<bool> force_quote;
  std::vector<bool> force_not_null;
  std::vector<bool> force_null;
};

struct CopyColumn {
  std::string name;
  LogicalType type;
};

// What a COPY statement copies and how.
struct CopySpec {
  bool from = false;
  std::string relation_name;  // "t" in error contexts; empty for COPY (query) TO
  std::vector<CopyColumn> columns;
  CopyOptions options;
  // COPY FROM into a view: PostgreSQL checks the target only after CopyInResponse, so the client has
  // already sent its data when the error comes. protocol/ raises this right after CopyInResponse.
  std::optional<ErrorInfo> error_after_start;
};

// Rows parsed from COPY FROM input, one column per copied column. A column of type kUnknown holds the
// fields' text (converted by Insert with the column type's input rules); any other column already has
// the column's type (binary format). Text fields point into text_heap(), which every column shares.
struct CopyRows {
  Batch rows;
  std::vector<int64_t> lines;  // the input line (binary: tuple) number of each row

  // Text and CSV copy each row's line once into text_heap() and keep it for error contexts (binary
  // keeps none). Returns the copy; the row's fields may point into it.
  std::string_view AddLineText(std::string_view line) {
    line_texts_.push_back(text_heap_->Add(line));
    return line_texts_.back();
  }
  // Adds the text of a row's line that is already in text_heap() (a slice of StoreText's result).
  void AddStoredLineText(std::string_view line) { line_texts_.push_back(line); }
  // Copies `text` (a field that is not a plain slice of its line, or a run of lines) into text_heap().
  std::string_view StoreText(std::string_view text) { return text_heap_->Add(text); }
  const std::shared_ptr<StringHeap>& text_heap() const { return text_heap_; }
  bool has_line_texts() const { return !line_texts_.empty(); }
  std::string_view line_text(idx_t row) const { return line_texts_[row]; }

 private:
  std::shared_ptr<StringHeap> text_heap_ = std::make_shared<StringHeap>();
  std::vector<std::string_view> line_texts_;
};

// Limits a value shown in an error context to 100 bytes plus "...", as PostgreSQL's
// limit_printout_length does (never cutting a UTF-8 character).
std::string LimitPrintout(std::string_view text);

// Error context naming a line: "COPY t, line 3" or, with `line_text`, "COPY t, line 3: \"...\"".
std::string CopyLineContext(const std::string& relation, int64_t line, const std::string* line_text);

// Converts and inserts the rows of a COPY FROM, one batch at a time. Where the machine has more than one
// core, a batch is converted and inserted on the executor's TaskPool while the caller parses the next,
// so the error of a batch may surface only from the next Insert() or from Finish().
class CopyInserter {
 public:
  // Waits for a batch still being inserted (its error is dropped).
  virtual ~CopyInserter() = default;
  // Takes `rows` (moved from) to convert and insert. Throws SqlError with the failing line in its
  // context, for these rows or the previous batch; the rows inserted so far stay in the undo log, so the
  // statement's error handling removes them.
  virtual void Insert(CopyRows& rows) = 0;
  // Waits until every batch given to Insert() is inserted; throws the error of the last one. Must be
  // called before the statement ends, whether it succeeds or fails.
  virtual void Finish() = 0;
  // Instead of Finish() when the statement fails: waits for a batch still being inserted (throws its
  // error) and rolls back what went to the workers (a distributed table's rows), never committing them.
  virtual void Abandon() = 0;
  // REQUIRES: Finish() returned.
  virtual int64_t rows_inserted() const = 0;
};

}  // namespace tessera::planner
