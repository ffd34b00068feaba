// SPDX-License-Identifier: Apache-2.0
// COPY data formats, input side: CopyInParser (text, CSV and binary).
#include "protocol/copy_format.h"

#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/utf8.h"
#include "base/wire_bytes.h"

namespace tessera::protocol {

namespace {

using planner::CopyFormat;
using planner::CopyHeader;

int OctalDigit(char c) { return c >= '0' && c <= '7' ? c - '0' : -1; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one backslash escape of text format starting after the backslash at line[*position]; advances
// *position past it and returns the byte it stands for.
char DecodeEscape(std::string_view line, size_t* position) {
  char c = line[(*position)++];
  if (OctalDigit(c) >= 0) {
    int value = OctalDigit(c);
    for (int digits = 1; digits < 3 && *position < line.size() && OctalDigit(line[*position]) >= 0; ++digits) {
      value = value * 8 + OctalDigit(line[(*position)++]);
    }
    return static_cast<char>(value & 0xff);
  }
  switch (c) {
    case 'x':
      if (*position < line.size() && HexDigit(line[*position]) >= 0) {
        int value = HexDigit(line[(*position)++]);
        if (*position < line.size() && HexDigit(line[*position]) >= 0) value = value * 16 + HexDigit(line[(*position)++]);
        return static_cast<char>(value);
      }
      return 'x';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return c;  // any other character stands for itself
  }
}

// Binary fields are read as the unconstrained type (varchar, numeric, ...); the inserter then applies
// the column's length, precision or scale, as PostgreSQL's typrecv functions do with the typmod.
LogicalType BinaryType(LogicalType type) {
  type.typmod = -1;
  return type;
}

// Errors in the binary file header have no line context (PostgreSQL reads it before COPY's error
// context is set up).
[[noreturn]] void FailHeader(std::string message) { throw SqlError(SqlState::kBadCopyFileFormat, std::move(message)); }

}  // namespace

// ---- CopyInParser ----

CopyInParser::CopyInParser(const planner::CopySpec& spec, BatchHandler handler)
    : spec_(spec), handler_(std::move(handler)) {
  // Binary input always starts with the file header.
  header_done_ = text_like() && spec_.options.header == CopyHeader::kNone;
  // The bytes FindLineEnd must look at; it skips every other byte in a tight loop.
  line_special_['\n'] = line_special_['\r'] = true;
  if (spec_.options.format == CopyFormat::kCsv) {
    line_special_[static_cast<uint8_t>(spec_.options.quote)] = true;
    line_special_[static_cast<uint8_t>(spec_.options.escape)] = true;
  } else {
    line_special_['\\'] = true;
  }
  // The fast path knows nothing of FORCE_NOT_NULL and FORCE_NULL, nor of tables without columns.
  if (text_like() && spec_.options.force_not_null.empty() && spec_.options.force_null.empty() &&
      !spec_.columns.empty()) {
    std::string specials = "\r\\";  // a carriage return, and the backslash of escapes and of the \. marker
    if (spec_.options.format == CopyFormat::kCsv) specials += {spec_.options.quote, spec_.options.escape};
    plain_scanner_.emplace(spec_.options.delimiter, specials);
  }
  StartBatch();
}

void CopyInParser::StartBatch() {
  std::vector<LogicalType> types;
  for (const auto& column : spec_.columns) types.push_back(text_like() ? LogicalType(TypeId::kUnknown) : BinaryType(column.type));
  rows_ = planner::CopyRows();
  rows_.rows = Batch(types);
  if (!text_like()) return;
  // Text fields are stored straight into a full-size batch, trimmed to its row count by FlushRows.
  for (Vector& column : rows_.rows.columns) {
    column.Resize(kCopyBatchRows);
    column.ShareHeap(rows_.text_heap());
  }
}

void CopyInParser::Fail(SqlState state, std::string message, std::string hint) {
  SqlError error(state, std::move(message));
  error.mutable_info().hint = std::move(hint);
  const std::string line_text(current_line_.data() == nullptr ? std::string_view() : current_line_);
  throw std::move(error).WithContext(
      planner::CopyLineContext(spec_.relation_name, line_, current_line_.data() == nullptr ? nullptr : &line_text));
}

void CopyInParser::Feed(std::string_view data) {
  if (ended_ && text_like()) return;  // data after \. is ignored, as PostgreSQL does
  buffer_.append(data);
  if (text_like()) {
    ParseLines(false);
  } else {
    ParseBinary(false);
  }
}

void CopyInParser::Finish() {
  if (text_like()) {
    if (!ended_) ParseLines(true);
  } else {
    ParseBinary(true);
  }
  FlushRows();
}

void CopyInParser::FlushRows() {
  if (rows_.rows.num_rows == 0) return;
  for (Vector& column : rows_.rows.columns) column.Resize(rows_.rows.num_rows);
  handler_(rows_);
  StartBatch();
}

void CopyInParser::AddRowDone() {
  ++rows_.rows.num_rows;
  if (rows_.rows.num_rows >= kCopyBatchRows) FlushRows();
}

// ---- Text and CSV ----

size_t CopyInParser::FindLineEnd(size_t start, bool at_end, size_t* eol_length, int64_t* embedded_lines) {
  const bool csv = spec_.options.format == CopyFormat::kCsv;
  const char quote = spec_.options.quote;
  // An escape equal to the quote needs no special handling: the quote character toggles.
  const char escape = spec_.options.escape == quote ? '\0' : spec_.options.escape;
  // A scan that stopped at the end of the buffer resumes where it stopped, with its CSV quote state.
  const bool resume = scan_offset_ > start;
  bool in_quote = resume && csv_scan_.in_quote;
  bool last_was_escape = resume && csv_scan_.last_was_escape;
  *embedded_lines = resume ? csv_scan_.embedded_lines : 0;
  size_t position = std::max(start, scan_offset_);
  const char* const data = buffer_.data();
  const size_t size = buffer_.size();
  while (position < size) {
    if (!line_special_[static_cast<uint8_t>(data[position])]) {
      // Ordinary bytes: no line end, quote or escape among them.
      do {
        ++position;
      } while (position < size && !line_special_[static_cast<uint8_t>(data[position])]);
      last_was_escape = false;
      continue;
    }
    const char c = data[position];
    if (!csv && c == '\\') {
      if (position + 2 >= buffer_.size() && !at_end) break;
      if (position + 1 < buffer_.size() && buffer_[position + 1] == '.') {
        // The end-of-data marker, anywhere in a text-format line: what precedes it is the last line.
        const size_t after = position + 2;
        if (after < buffer_.size() && buffer_[after] != '\n' && buffer_[after] != '\r') {
          Fail(SqlState::kBadCopyFileFormat, "end-of-copy marker corrupt");
        }
        saw_marker_ = true;
        *eol_length = buffer_.size() - position;  // the marker and everything after it
        return position;
      }
      position += 2;  // the escaped character, even a newline, belongs to the line
      continue;
    }
    if (csv) {
      if (in_quote && c == escape && escape != '\0') last_was_escape = !last_was_escape;
      if (c == quote && !last_was_escape) in_quote = !in_quote;
      if (c != escape) last_was_escape = false;
      if (in_quote) {
        // PostgreSQL counts the line breaks inside quoted fields as lines too (on the first line, before
        // the line-end style is known, only carriage returns).
        if (c == (eol_ == Eol::kNewline ? '\n' : '\r')) ++*embedded_lines;
        ++position;
        continue;
      }
    }
    if (c == '\n') {
      if (eol_ == Eol::kUnknown) eol_ = Eol::kNewline;
      if (eol_ != Eol::kNewline) {
        Fail(SqlState::kBadCopyFileFormat, csv ? "unquoted newline found in data" : "literal newline found in data",
             csv ? "Use quoted CSV field to represent newline." : "Use \"\\n\" to represent newline.");
      }
      *eol_length = 1;
      return position;
    }
    if (c == '\r') {
      if (position + 1 >= buffer_.size() && !at_end) break;
      const bool crlf = position + 1 < buffer_.size() && buffer_[position + 1] == '\n';
      if (eol_ == Eol::kUnknown) eol_ = crlf ? Eol::kCarriageReturnNewline : Eol::kCarriageReturn;
      if ((eol_ == Eol::kCarriageReturnNewline) != crlf) {
        Fail(SqlState::kBadCopyFileFormat,
             csv ? "unquoted carriage return found in data" : "literal carriage return found in data",
             csv ? "Use quoted CSV field to represent carriage return." : "Use \"\\r\" to represent carriage return.");
      }
      *eol_length = crlf ? 2 : 1;
      return position;
    }
    ++position;
  }
  scan_offset_ = std::min(position, buffer_.size());
  csv_scan_ = CsvScanState{in_quote, last_was_escape, *embedded_lines};
  if (at_end && start < buffer_.size()) {
    *eol_length = 0;
    return buffer_.size();
  }
  return std::string::npos;
}

void CopyInParser::ParseLines(bool at_end) {
  size_t start = 0;
  while (!ended_ && start < buffer_.size()) {
    if (PlainLinesAllowed(start)) {
      const size_t after = TakePlainLines(start);
      if (after != start) {
        start = after;
        scan_offset_ = start;
        continue;
      }
    }
    ++line_;
    size_t eol_length = 0;
    int64_t embedded_lines = 0;
    const size_t end = FindLineEnd(start, at_end, &eol_length, &embedded_lines);
    if (end == std::string::npos) {
      --line_;
      break;
    }
    line_ += embedded_lines;
    // A marker alone on its line ends the data without adding a row.
    if (!saw_marker_ || end > start) HandleLine(std::string_view(buffer_).substr(start, end - start));
    if (saw_marker_) ended_ = true;
    start = end + eol_length;
    scan_offset_ = start;
  }
  buffer_.erase(0, std::min(start, buffer_.size()));
  scan_offset_ = scan_offset_ >= start ? scan_offset_ - start : 0;
  if (ended_) buffer_.clear();
}

bool CopyInParser::PlainLinesAllowed(size_t start) const {
  return plain_scanner_.has_value() && header_done_ && eol_ == Eol::kNewline && scan_offset_ <= start;
}

size_t CopyInParser::TakePlainLines(size_t start) {
  // 1. Scan lines while they are plain, up to a full batch.
  const size_t width = spec_.columns.size();
  const idx_t capacity = kCopyBatchRows - rows_.rows.num_rows;
  plain_field_ends_.resize(capacity * width);
  size_t end = start;
  idx_t count = 0;
  while (count < capacity &&
         plain_scanner_->Scan(buffer_.data() + end, buffer_.size() - end, width, &plain_field_ends_[count * width])) {
    end += plain_field_ends_[count * width + width - 1] + 1;
    ++count;
  }
  if (count == 0) return start;
  // 2. Copy the run once; its rows' fields and line texts point into the copy.
  const std::string_view stored = rows_.StoreText(std::string_view(buffer_).substr(start, end - start));
  const std::string& null_string = spec_.options.null_string;
  size_t line_start = 0;
  for (idx_t line = 0; line < count; ++line) {
    const uint32_t* field_ends = &plain_field_ends_[line * width];
    const idx_t row = rows_.rows.num_rows;
    size_t field_start = line_start;
    for (size_t column = 0; column < width; ++column) {
      const size_t field_end = line_start + field_ends[column];
      const std::string_view field = stored.substr(field_start, field_end - field_start);
      Vector& vector = rows_.rows.columns[column];
      if (field == null_string) {
        vector.SetNull(row, true);
      } else {
        vector.Data<std::string_view>()[row] = field;
      }
      field_start = field_end + 1;
    }
    rows_.AddStoredLineText(stored.substr(line_start, field_ends[width - 1]));
    rows_.lines.push_back(++line_);
    line_start = field_start;
    AddRowDone();  // the last row may fill the batch and hand it on; `stored` is not used after it
  }
  return end;
}

void CopyInParser::HandleLine(std::string_view line) {
  current_line_ = line;
  ParseLine(line);
  current_line_ = std::string_view();
}

void CopyInParser::ParseLine(std::string_view line) {
  if (spec_.options.format == CopyFormat::kCsv && line == "\\.") {
    ended_ = true;  // in CSV, \. ends the data only alone on a line; elsewhere it is data
    return;
  }
  try {
    ValidateUtf8(line);
  } catch (SqlError& error) {
    // The line cannot be shown: the context names only its number, as PostgreSQL's does.
    throw std::move(error).WithContext(planner::CopyLineContext(spec_.relation_name, line_, nullptr));
  }
  if (spec_.options.format == CopyFormat::kCsv) {
    SplitCsv(line);
  } else {
    SplitText(line);
  }
  if (!header_done_) {
    header_done_ = true;
    if (spec_.options.header == CopyHeader::kMatch) CheckHeader(fields_, nulls_);
    return;
  }
  AddTextRow(line, fields_, nulls_);
}

void CopyInParser::SplitText(std::string_view line) {
  fields_.clear();
  nulls_.clear();
  // Without a backslash there is nothing to decode: the line splits at its delimiters.
  if (line.find('\\') == std::string_view::npos) {
    SplitPlain(line);
    return;
  }
  scratch_.clear();
  scratch_.reserve(line.size());  // unescaped fields are never longer: views into it stay valid
  const char delimiter = spec_.options.delimiter;
  size_t position = 0;
  for (;;) {
    const size_t raw_start = position;
    while (position < line.size() && line[position] != delimiter && line[position] != '\\') ++position;
    std::string_view field = line.substr(raw_start, position - raw_start);
    bool escaped = false;
    if (position < line.size() && line[position] == '\\') {
      // Slow path: decode the escapes into the scratch buffer.
      escaped = true;
      const size_t scratch_start = scratch_.size();
      scratch_.append(field);
      while (position < line.size() && line[position] != delimiter) {
        char c = line[position++];
        if (c == '\\') {
          if (position >= line.size()) break;
          c = DecodeEscape(line, &position);
        }
        scratch_.push_back(c);
      }
      field = std::string_view(scratch_).substr(scratch_start);
    }
    const std::string_view raw = line.substr(raw_start, position - raw_start);
    const bool is_null = raw == spec_.options.null_string;
    if (!is_null && escaped) ValidateUtf8(field);  // escapes may have made bad bytes
    fields_.push_back(is_null ? std::string_view() : field);
    nulls_.push_back(is_null);
    if (position >= line.size()) break;
    ++position;  // the delimiter
  }
}

void CopyInParser::SplitPlain(std::string_view line) {
  const char delimiter = spec_.options.delimiter;
  const char* position = line.data();
  const char* const end = line.data() + line.size();
  for (;;) {
    const char* stop = position;  // fields are short: a plain loop beats a memchr call
    while (stop != end && *stop != delimiter) ++stop;
    const std::string_view field(position, static_cast<size_t>(stop - position));
    const bool is_null = field == spec_.options.null_string;
    fields_.push_back(is_null ? std::string_view() : field);
    nulls_.push_back(is_null);
    if (stop == end) break;
    position = stop + 1;
  }
}

void CopyInParser::SplitCsv(std::string_view line) {
  fields_.clear();
  nulls_.clear();
  // Outside quotes only the delimiter is special: a line without a quote splits at its delimiters.
  if (line.find(spec_.options.quote) == std::string_view::npos) {
    SplitPlain(line);
    return;
  }
  scratch_.clear();
  scratch_.reserve(line.size());  // unquoted fields are never longer: views into it stay valid
  const char delimiter = spec_.options.delimiter;
  const char quote = spec_.options.quote;
  const char escape = spec_.options.escape;
  size_t position = 0;
  for (;;) {
    const size_t raw_start = position;
    while (position < line.size() && line[position] != delimiter && line[position] != quote) ++position;
    std::string_view field = line.substr(raw_start, position - raw_start);
    const bool saw_quote = position < line.size() && line[position] == quote;
    if (saw_quote) {
      // Slow path: copy the field without its quotes and escapes into the scratch buffer.
      const size_t scratch_start = scratch_.size();
      scratch_.append(field);
      while (position < line.size() && line[position] != delimiter) {
        char c = line[position++];
        if (c != quote) {
          scratch_.push_back(c);
          continue;
        }
        for (;;) {  // inside quotes
          if (position >= line.size()) Fail(SqlState::kBadCopyFileFormat, "unterminated CSV quoted field");
          c = line[position++];
          if (c == escape && position < line.size() && (line[position] == escape || line[position] == quote)) {
            scratch_.push_back(line[position++]);
            continue;
          }
          if (c == quote) break;
          scratch_.push_back(c);
        }
      }
      field = std::string_view(scratch_).substr(scratch_start);
    }
    const bool found_delimiter = position < line.size();
    const bool is_null = !saw_quote && field == spec_.options.null_string;
    fields_.push_back(field);
    nulls_.push_back(is_null);
    if (!found_delimiter) break;
    ++position;  // the delimiter
  }
}

void CopyInParser::CheckHeader(const std::vector<std::string_view>& fields, const std::vector<uint8_t>& nulls) {
  if (fields.size() != spec_.columns.size()) {
    Fail(SqlState::kBadCopyFileFormat, fmt::format("wrong number of fields in header line: got {}, expected {}",
                                                   fields.size(), spec_.columns.size()));
  }
  for (size_t index = 0; index < fields.size(); ++index) {
    const std::string& expected = spec_.columns[index].name;
    if (nulls[index]) {
      Fail(SqlState::kBadCopyFileFormat,
           fmt::format("column name mismatch in header line field {}: got null value (\"{}\"), expected \"{}\"",
                       index + 1, spec_.options.null_string, expected));
    }
    if (fields[index] != expected) {
      Fail(SqlState::kBadCopyFileFormat, fmt::format("column name mismatch in header line field {}: got \"{}\", expected \"{}\"",
                                                     index + 1, fields[index], expected));
    }
  }
}

void CopyInParser::AddTextRow(std::string_view line, std::vector<std::string_view>& fields,
                              const std::vector<uint8_t>& nulls) {
  const size_t width = spec_.columns.size();
  if (width == 0 && fields.size() == 1 && fields[0].empty() && !nulls[0]) {
    // A table without columns reads empty lines.
  } else if (fields.size() > width) {
    Fail(SqlState::kBadCopyFileFormat, "extra data after last expected column");
  } else if (fields.size() < width) {
    Fail(SqlState::kBadCopyFileFormat, "missing data for column \"" + spec_.columns[fields.size()].name + "\"");
  }
  const auto& options = spec_.options;
  const idx_t row = rows_.rows.num_rows;
  const std::string_view stored_line = rows_.AddLineText(line);
  for (size_t column = 0; column < width; ++column) {
    bool is_null = nulls[column];
    if (options.format == CopyFormat::kCsv) {
      if (is_null && !options.force_not_null.empty() && options.force_not_null[column]) {
        is_null = false;
        fields[column] = options.null_string;
      } else if (!is_null && !options.force_null.empty() && options.force_null[column] &&
                 fields[column] == options.null_string) {
        is_null = true;
      }
    }
    Vector& vector = rows_.rows.columns[column];
    if (is_null) {
      vector.SetNull(row, true);
    } else {
      vector.Data<std::string_view>()[row] = StoreField(fields[column], line, stored_line);
    }
  }
  rows_.lines.push_back(line_);
  AddRowDone();
}

std::string_view CopyInParser::StoreField(std::string_view field, std::string_view line, std::string_view stored_line) {
  const auto field_begin = reinterpret_cast<uintptr_t>(field.data());
  const auto line_begin = reinterpret_cast<uintptr_t>(line.data());
  // A field without escapes or quotes is a slice of its line: point into the line's copy.
  if (field_begin >= line_begin && field_begin + field.size() <= line_begin + line.size()) {
    return stored_line.substr(field_begin - line_begin, field.size());
  }
  return rows_.StoreText(field);
}

// ---- Binary ----

bool CopyInParser::ParseBinaryHeader() {
  if (buffer_.size() < kBinarySignature.size()) return false;
  if (std::string_view(buffer_).substr(0, kBinarySignature.size()) != kBinarySignature) {
    FailHeader("COPY file signature not recognized");
  }
  if (buffer_.size() < kBinarySignature.size() + 8) return false;
  const uint32_t flags = LoadBigEndian32(buffer_.data() + kBinarySignature.size());
  if ((flags & (1u << 16)) != 0) FailHeader("invalid COPY file header (WITH OIDS)");
  if ((flags & 0xFFFF0000u) != 0) FailHeader("unrecognized critical flags in COPY file header");
  const int32_t extension = static_cast<int32_t>(LoadBigEndian32(buffer_.data() + kBinarySignature.size() + 4));
  if (extension < 0) FailHeader("invalid COPY file header (missing length)");
  const size_t header_size = kBinarySignature.size() + 8 + static_cast<size_t>(extension);
  if (buffer_.size() < header_size) return false;
  buffer_.erase(0, header_size);
  return true;
}

void CopyInParser::ParseBinary(bool at_end) {
  if (!header_done_) {
    if (!ParseBinaryHeader()) {
      if (!at_end) return;
      if (buffer_.size() < kBinarySignature.size()) FailHeader("COPY file signature not recognized");
      FailHeader(buffer_.size() < kBinarySignature.size() + 4
                                             ? "invalid COPY file header (missing flags)"
                                             : buffer_.size() < kBinarySignature.size() + 8
                                                   ? "invalid COPY file header (missing length)"
                                                   : "invalid COPY file header (wrong length)");
    }
    header_done_ = true;
  }
  size_t offset = 0;
  const size_t width = spec_.columns.size();
  while (offset < buffer_.size()) {
    if (ended_) {
      ++line_;
      Fail(SqlState::kBadCopyFileFormat, "received copy data after EOF marker");
    }
    if (buffer_.size() - offset < 2) break;
    const int16_t count = static_cast<int16_t>(LoadBigEndian16(buffer_.data() + offset));
    if (count == -1) {
      ended_ = true;
      offset += 2;
      continue;
    }
    // The whole tuple must be here before it is decoded.
    size_t end = offset + 2;
    bool complete = true;
    int missing_field = 0;  // where the data ran out
    for (int field = 0; field < count && complete; ++field) {
      missing_field = field;
      if (buffer_.size() - end < 4) {
        complete = false;
        break;
      }
      const int32_t length = static_cast<int32_t>(LoadBigEndian32(buffer_.data() + end));
      end += 4;
      if (length > 0) {
        if (buffer_.size() - end < static_cast<size_t>(length)) complete = false;
        else end += static_cast<size_t>(length);
      }
    }
    ++line_;
    if (count != static_cast<int16_t>(width)) {
      Fail(SqlState::kBadCopyFileFormat, fmt::format("row field count is {}, expected {}", count, width));
    }
    if (!complete) {
      if (at_end) {
        throw SqlError(SqlState::kBadCopyFileFormat, "unexpected EOF in COPY data")
            .WithContext(fmt::format("COPY {}, line {}, column {}", spec_.relation_name, line_,
                                     spec_.columns[static_cast<size_t>(missing_field)].name));
      }
      --line_;
      break;
    }
    size_t position = offset + 2;
    for (size_t column = 0; column < width; ++column) {
      const int32_t length = static_cast<int32_t>(LoadBigEndian32(buffer_.data() + position));
      position += 4;
      // Binary data cannot usefully be shown: the context names only the column.
      const std::string context = fmt::format("COPY {}, line {}, column {}", spec_.relation_name, line_,
                                              spec_.columns[column].name);
      Vector& vector = rows_.rows.columns[column];
      if (length == -1) {
        vector.AppendValue(Value::Null(BinaryType(spec_.columns[column].type)));
        continue;
      }
      if (length < -1) {
        throw SqlError(SqlState::kBadCopyFileFormat, "invalid field size").WithContext(context);
      }
      try {
        vector.AppendValue(DecodeBinaryParameter(BinaryType(spec_.columns[column].type),
                                                 std::string_view(buffer_).substr(position, static_cast<size_t>(length)), 0));
      } catch (SqlError& error) {
        if (error.state() == SqlState::kInvalidBinaryRepresentation && error.info().message.find("bind parameter") != std::string::npos) {
          error.mutable_info().message = "incorrect binary data format";
        }
        throw std::move(error).WithContext(context);
      }
      position += static_cast<size_t>(length);
    }
    offset = position;
    rows_.lines.push_back(line_);
    AddRowDone();
  }
  // A single byte left at the end cannot hold a field count: PostgreSQL takes it as the end of data.
  buffer_.erase(0, offset);
}

}  // namespace tessera::protocol
