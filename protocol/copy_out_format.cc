// SPDX-License-Identifier: Apache-2.0
// COPY data formats, output side: CopyOutFormatter (text, CSV and binary, as PostgreSQL's copyto.c).
#include "base/binary_format.h"
#include "protocol/copy_format.h"
#include "base/wire_bytes.h"

namespace tessera::protocol {

using planner::CopyFormat;
using planner::CopyHeader;

CopyOutFormatter::CopyOutFormatter(const planner::CopySpec& spec, TextFormatter format_text)
    : spec_(spec), format_text_(std::move(format_text)) {}

std::string CopyOutFormatter::Start() const {
  std::string out;
  if (spec_.options.format == CopyFormat::kBinary) {
    AppendBinaryCopyHeader(&out);
    return out;
  }
  if (spec_.options.header == CopyHeader::kNone) return out;
  for (size_t column = 0; column < spec_.columns.size(); ++column) {
    if (column > 0) out.push_back(spec_.options.delimiter);
    if (spec_.options.format == CopyFormat::kCsv) {
      AppendCsv(spec_.columns[column].name, false, &out);
    } else {
      AppendText(spec_.columns[column].name, &out);
    }
  }
  out.push_back('\n');
  return out;
}

std::string CopyOutFormatter::End() const {
  if (spec_.options.format != CopyFormat::kBinary) return {};
  return std::string("\xff\xff", 2);
}

void CopyOutFormatter::AppendRow(const Batch& batch, idx_t row, std::string* out) const {
  const auto& options = spec_.options;
  if (options.format == CopyFormat::kBinary) {
    AppendBinaryCopyRow(batch, row, out);
    return;
  }
  for (size_t index = 0; index < batch.columns.size(); ++index) {
    if (index > 0) out->push_back(options.delimiter);
    const Vector& column = batch.columns[index];
    if (column.IsNull(row)) {
      out->append(options.null_string);
      continue;
    }
    const std::string text = format_text_(column, row);
    if (options.format == CopyFormat::kCsv) {
      AppendCsv(text, !options.force_quote.empty() && options.force_quote[index], out);
    } else {
      AppendText(text, out);
    }
  }
  out->push_back('\n');
}

void CopyOutFormatter::AppendText(std::string_view value, std::string* out) const {
  for (char c : value) {
    switch (c) {
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\v': out->append("\\v"); break;
      case '\\': out->append("\\\\"); break;
      default:
        if (c == spec_.options.delimiter) out->push_back('\\');
        out->push_back(c);
    }
  }
}

void CopyOutFormatter::AppendCsv(std::string_view value, bool force_quote, std::string* out) const {
  const auto& options = spec_.options;
  bool use_quote = force_quote || value == options.null_string;
  if (!use_quote) {
    if (spec_.columns.size() == 1 && value == "\\.") {
      use_quote = true;  // would read back as the end-of-data marker
    } else {
      for (char c : value) {
        if (c == options.delimiter || c == options.quote || c == '\n' || c == '\r') {
          use_quote = true;
          break;
        }
      }
    }
  }
  if (!use_quote) {
    out->append(value);
    return;
  }
  out->push_back(options.quote);
  for (char c : value) {
    if (c == options.quote || c == options.escape) out->push_back(options.escape);
    out->push_back(c);
  }
  out->push_back(options.quote);
}

}  // namespace tessera::protocol
