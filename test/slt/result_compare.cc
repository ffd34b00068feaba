// SPDX-License-Identifier: Apache-2.0
// Result rendering, sorting, hashing and comparison for query records.
#include "test/slt/result_compare.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "base/md5.h"

namespace tessera::slt {
namespace {

// PostgreSQL type OIDs the renderer cares about (pg_type.dat).
constexpr uint32_t kBoolOid = 16;
constexpr uint32_t kInt8Oid = 20;
constexpr uint32_t kInt2Oid = 21;
constexpr uint32_t kInt4Oid = 23;
constexpr uint32_t kOidOid = 26;
constexpr uint32_t kFloat4Oid = 700;
constexpr uint32_t kFloat8Oid = 701;
constexpr uint32_t kNumericOid = 1700;

bool IsIntegerOid(uint32_t oid) { return oid == kInt2Oid || oid == kInt4Oid || oid == kInt8Oid || oid == kOidOid; }
bool IsFractionalOid(uint32_t oid) { return oid == kFloat4Oid || oid == kFloat8Oid || oid == kNumericOid; }

// Parses TEXT completely as a number; returns std::nullopt if it is not one.
std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool IsPlainDecimal(const std::string& text) {
  static const std::regex kDecimal(R"(-?[0-9]+(\.[0-9]*)?)");
  return std::regex_match(text, kDecimal);
}

std::string FormatInteger(double value);

// Renders a numeric value as its integer part, as sqlite's runner does for I columns.
std::string IntegerPart(const std::string& text) {
  if (IsPlainDecimal(text)) {
    std::string whole = text.substr(0, text.find('.'));
    return whole == "-0" ? "0" : whole;
  }
  std::optional<double> value = ParseNumber(text);
  return value ? FormatInteger(*value) : text;
}

std::string RenderBool(const std::string& text, bool as_integer) {
  bool truth = text == "t" || text == "true";
  if (as_integer) return truth ? "1" : "0";
  return truth ? "true" : "false";
}

// Returns the number at the start of TEXT as sqlite's text-to-number conversion reads it: leading
// spaces, then the longest numeric prefix; 0 when there is none ("abc" -> 0, "12ab" -> 12).
double LeadingNumber(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  return end == text.c_str() ? 0.0 : value;
}

// Converts like sqlite's real-to-integer cast: truncates, saturates at the int64 range, NaN is 0.
std::string FormatInteger(double value) {
  int64_t integer = 0;
  if (std::isnan(value)) {
    integer = 0;
  } else if (value <= -9223372036854775808.0) {
    integer = INT64_MIN;
  } else if (value >= 9223372036854775807.0) {
    integer = INT64_MAX;
  } else {
    integer = static_cast<int64_t>(std::trunc(value));
  }
  return std::to_string(integer);
}

std::string RenderSqlite(const Cell& cell, char type_letter, uint32_t type_oid) {
  if (type_oid == kBoolOid) return RenderBool(cell.text, type_letter == 'I');
  switch (type_letter) {
    case 'I':
      if (IsIntegerOid(type_oid)) return cell.text;
      if (IsFractionalOid(type_oid)) return IntegerPart(cell.text);
      return FormatInteger(LeadingNumber(cell.text));
    case 'R': {
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%.3f", LeadingNumber(cell.text));
      return buffer;
    }
    default:
      return cell.text.empty() ? "(empty)" : cell.text;
  }
}

std::vector<std::string> RenderAll(const Record& record, const ResultSet& result, ValueStyle style) {
  std::vector<std::string> values;
  values.reserve(result.cells.size());
  size_t num_columns = result.num_columns();
  for (size_t index = 0; index < result.cells.size(); ++index) {
    size_t column = index % num_columns;
    char letter = column < record.column_types.size() ? record.column_types[column] : 'T';
    values.push_back(RenderValue(result.cells[index], letter, result.column_types[column], style));
  }
  return values;
}

// Sorts VALUES (row-major, NUM_COLUMNS per row) as MODE says: whole rows, or every value on its own.
void SortValues(std::vector<std::string>& values, size_t num_columns, SortMode mode) {
  if (mode == SortMode::kValueSort) {
    std::sort(values.begin(), values.end());
    return;
  }
  if (mode != SortMode::kRowSort || num_columns == 0) return;
  std::vector<std::vector<std::string>> rows;
  for (size_t start = 0; start + num_columns <= values.size(); start += num_columns) {
    rows.emplace_back(std::make_move_iterator(values.begin() + start),
                      std::make_move_iterator(values.begin() + start + num_columns));
  }
  std::sort(rows.begin(), rows.end());
  values.clear();
  for (auto& row : rows) {
    for (auto& value : row) values.push_back(std::move(value));
  }
}

// Splits the expected lines into values: rows with tab-separated columns when every line has tabs,
// otherwise one value per line.
std::vector<std::string> ExpectedValues(const std::vector<std::string>& lines, size_t num_columns) {
  bool row_wise = num_columns > 1 && !lines.empty();
  for (const auto& line : lines) {
    if (line.find('\t') == std::string::npos) row_wise = false;
  }
  if (!row_wise) return lines;
  std::vector<std::string> values;
  for (const auto& line : lines) {
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      values.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
  }
  return values;
}

bool ApproximatelyEqual(double expected, double actual, double relative, double absolute) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  if (expected == actual) return true;
  return std::fabs(expected - actual) <= std::fabs(expected) * relative + absolute;
}

bool ValuesMatch(const std::string& expected, const std::string& actual, char type_letter,
                 const CompareOptions& options) {
  if (expected == actual) return true;
  if (options.style == ValueStyle::kSqlite || (options.strict && type_letter != 'R')) return false;
  std::optional<double> expected_number = ParseNumber(expected);
  std::optional<double> actual_number = ParseNumber(actual);
  if (!expected_number || !actual_number) return false;
  if (options.strict) return ApproximatelyEqual(*expected_number, *actual_number, 1e-9, 1e-12);
  return ApproximatelyEqual(*expected_number, *actual_number, 0.01, 1e-8);
}

std::string Describe(const std::vector<std::string>& values, size_t num_columns) {
  constexpr size_t kMaxLines = 20;
  std::string text;
  size_t columns = std::max<size_t>(num_columns, 1);
  size_t num_rows = (values.size() + columns - 1) / columns;
  for (size_t row = 0; row < num_rows && row < kMaxLines; ++row) {
    text += "  ";
    for (size_t column = 0; column < columns && row * columns + column < values.size(); ++column) {
      if (column > 0) text += '\t';
      text += values[row * columns + column];
    }
    text += '\n';
  }
  if (num_rows > kMaxLines) text += "  ... (" + std::to_string(num_rows - kMaxLines) + " more rows)\n";
  return text;
}

std::optional<std::string> CompareHash(const std::smatch& match, std::vector<std::string>& actual,
                                       const Record& record, size_t num_columns) {
  SortValues(actual, num_columns, record.sort_mode);
  std::string actual_hash = HashValues(actual);
  size_t expected_count = std::strtoull(match[1].str().c_str(), nullptr, 10);
  if (expected_count == actual.size() && actual_hash == match[2].str()) return std::nullopt;
  return "expected " + match[0].str() + "\nactual   " + std::to_string(actual.size()) +
         " values hashing to " + actual_hash + "\n" + Describe(actual, num_columns);
}

}  // namespace

std::string RenderValue(const Cell& cell, char type_letter, uint32_t type_oid, ValueStyle style) {
  if (cell.is_null) return "NULL";
  if (style == ValueStyle::kSqlite) return RenderSqlite(cell, type_letter, type_oid);
  if (type_oid == kBoolOid) return RenderBool(cell.text, /*as_integer=*/false);
  return cell.text.empty() ? "(empty)" : cell.text;
}

std::string HashValues(const std::vector<std::string>& values) {
  Md5 md5;
  for (const auto& value : values) {
    md5.Update(value);
    md5.Update("\n");
  }
  return md5.HexDigest();
}

std::optional<std::string> CompareQueryResult(const Record& record, const ResultSet& result,
                                              const CompareOptions& options) {
  const size_t num_columns = result.num_columns();
  if (num_columns != record.column_types.size()) {
    return "expected " + std::to_string(record.column_types.size()) + " columns, got " +
           std::to_string(num_columns);
  }
  std::vector<std::string> actual = RenderAll(record, result, options.style);

  static const std::regex kHashLine(R"(([0-9]+) values hashing to ([0-9a-f]{32}))");
  std::smatch match;
  if (record.expected.size() == 1 && std::regex_match(record.expected[0], match, kHashLine)) {
    return CompareHash(match, actual, record, num_columns);
  }

  std::vector<std::string> expected = ExpectedValues(record.expected, num_columns);
  bool same = expected.size() == actual.size() &&
              (record.sort_mode != SortMode::kRowSort || expected.size() % num_columns == 0);
  if (same) {
    SortValues(expected, num_columns, record.sort_mode);
    SortValues(actual, num_columns, record.sort_mode);
    for (size_t index = 0; index < expected.size() && same; ++index) {
      same = ValuesMatch(expected[index], actual[index], record.column_types[index % num_columns], options);
    }
  } else {
    SortValues(actual, num_columns, record.sort_mode);
  }
  if (same) return std::nullopt;
  return "expected " + std::to_string(expected.size()) + " values:\n" + Describe(expected, num_columns) +
         "actual " + std::to_string(actual.size()) + " values:\n" + Describe(actual, num_columns);
}

}  // namespace tessera::slt
