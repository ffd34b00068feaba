// SPDX-License-Identifier: Apache-2.0
// COPY data formats as PostgreSQL 15 reads and writes them (copyfromparse.c, copyto.c): text (tab
// separated, backslash escapes, \N for NULL), CSV (quotes, escapes, FORCE_* options, HEADER [MATCH]) and
// binary (PGCOPY signature, per-field typsend/typrecv from binary_format.h).
//
// CopyInParser takes CopyData payloads as they arrive, cut anywhere, and hands out rows in batches of
// kCopyBatchRows, so memory stays bounded by one batch and one partial line whatever the input size.
// Errors are SqlErrors with PostgreSQL's messages and codes (22P04 bad copy file format, 22021 bad
// UTF-8, the types' input errors from the inserter) and "COPY t, line N..." in the context field.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/binary_format.h"
#include "base/error.h"
#include "base/vector.h"
#include "planner/copy.h"
#include "protocol/copy_line_scan.h"

namespace tessera::protocol {

constexpr idx_t kCopyBatchRows = 2048;
// The binary format's file signature.
inline constexpr std::string_view kBinarySignature = kBinaryCopySignature;

class CopyInParser {
 public:
  // Called with each full batch of rows (and once more from Finish for the rest).
  using BatchHandler = std::function<void(planner::CopyRows&)>;

  CopyInParser(const planner::CopySpec& spec, BatchHandler handler);

  // Parses `data`, the payload of one CopyData message.
  void Feed(std::string_view data);
  // End of input (CopyDone): parses a last line without a newline and checks the binary trailer.
  void Finish();
  // Lines (binary: tuples) read completely so far.
  int64_t lines_read() const { return line_; }

 private:
  bool text_like() const { return spec_.options.format != planner::CopyFormat::kBinary; }
  // Text and CSV: cuts complete lines from buffer_ (all of it when `at_end`) and parses them.
  void ParseLines(bool at_end);
  // Returns the end of the line starting at `start` (the offset of its end-of-line sequence), or npos
  // when the buffer holds no complete line yet. Sets *eol_length, and *embedded_lines to the line breaks
  // inside CSV quoted fields.
  size_t FindLineEnd(size_t start, bool at_end, size_t* eol_length, int64_t* embedded_lines);
  // True when the line at `start` may take the fast path: the options allow it and the line starts
  // after the header, with the line-end style known and no CSV quote state carried over.
  bool PlainLinesAllowed(size_t start) const;
  // Adds the run of plain lines starting at `start` (up to a full batch) as rows; returns the offset
  // after the last one taken (`start` when the line there is not plain or not complete).
  size_t TakePlainLines(size_t start);
  void HandleLine(std::string_view line);
  void ParseLine(std::string_view line);
  // Split `line` into fields_ / nulls_: views into the line, or into scratch_ for fields whose
  // escapes or quotes had to be removed.
  void SplitText(std::string_view line);
  void SplitCsv(std::string_view line);
  // The fast path of both for a line without quotes (CSV) or backslashes (text): fields are the slices
  // between delimiters.
  void SplitPlain(std::string_view line);
  void CheckHeader(const std::vector<std::string_view>& fields, const std::vector<uint8_t>& nulls);
  void AddTextRow(std::string_view line, std::vector<std::string_view>& fields, const std::vector<uint8_t>& nulls);
  // Returns `field` of `line` as bytes that live in rows_.text_heap(): inside `stored_line`, the copy of
  // `line` there, or a copy of its own (unescaped fields, FORCE_NOT_NULL's null string).
  std::string_view StoreField(std::string_view field, std::string_view line, std::string_view stored_line);
  // Binary: parses whole tuples from buffer_.
  void ParseBinary(bool at_end);
  bool ParseBinaryHeader();
  void AddRowDone();
  void FlushRows();
  [[noreturn]] void Fail(SqlState state, std::string message, std::string hint = {});
  void StartBatch();

  const planner::CopySpec& spec_;
  BatchHandler handler_;
  planner::CopyRows rows_;
  std::string buffer_;
  size_t scan_offset_ = 0;  // bytes of buffer_ known to hold no line end (text and CSV)
  struct CsvScanState {     // CSV quote state at scan_offset_
    bool in_quote = false;
    bool last_was_escape = false;
    int64_t embedded_lines = 0;
  } csv_scan_;
  int64_t line_ = 0;        // number of the line being read (1-based once reading starts)
  bool header_done_ = false;
  bool ended_ = false;      // saw the end-of-data marker (\. or the binary trailer)
  bool saw_marker_ = false;  // text format: FindLineEnd stopped at \.
  enum class Eol { kUnknown, kNewline, kCarriageReturn, kCarriageReturnNewline } eol_ = Eol::kUnknown;
  std::string_view current_line_;  // the line being parsed, shown in error contexts; null between lines
  std::vector<std::string_view> fields_;
  std::vector<uint8_t> nulls_;
  std::string scratch_;
  std::array<bool, 256> line_special_{};  // bytes that can end a line or change the quote state
  std::optional<PlainLineScanner> plain_scanner_;  // set when the options allow the fast path
  std::vector<uint32_t> plain_field_ends_;          // TakePlainLines: each row's field ends, row after row
};

// Formats COPY TO output. `format_text` gives a cell's text output (Session::FormatText).
class CopyOutFormatter {
 public:
  using TextFormatter = std::function<std::string(const Vector&, idx_t)>;

  CopyOutFormatter(const planner::CopySpec& spec, TextFormatter format_text);

  // Text/CSV: the header line when HEADER is set; binary: the file header. Empty otherwise.
  std::string Start() const;
  // Appends one row.
  void AppendRow(const Batch& batch, idx_t row, std::string* out) const;
  // Binary: the trailer; empty otherwise.
  std::string End() const;

 private:
  void AppendText(std::string_view value, std::string* out) const;
  void AppendCsv(std::string_view value, bool force_quote, std::string* out) const;

  const planner::CopySpec& spec_;
  TextFormatter format_text_;
};

}  // namespace tessera::protocol
