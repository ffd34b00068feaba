// SPDX-License-Identifier: Apache-2.0
// Text functions that build SQL or encodings: format(), quote_ident/quote_literal/quote_nullable, md5
// (RFC 1321) and to_hex, with PostgreSQL's quoting rules and format() errors.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/md5.h"
#include "base/text_format.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/utf8.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// PostgreSQL 15's keywords that are not UNRESERVED (reserved, type/function-name and column-name
// keywords): quote_ident() must quote them. Sorted for binary search.
constexpr std::array<std::string_view, 151> kQuotedKeywords = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
    "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
    "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group",
    "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval",
    "into", "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
    "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
    "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "table", "tablesample",
    "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using",
    "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat",
    "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize",
    "xmltable"};

bool IsQuotedKeyword(std::string_view word) {
  return std::binary_search(kQuotedKeywords.begin(), kQuotedKeywords.end(), word);
}

}  // namespace

namespace builtin {

std::string QuoteIdentifier(std::string_view identifier) {
  bool safe = !identifier.empty() && ((identifier[0] >= 'a' && identifier[0] <= 'z') || identifier[0] == '_');
  for (char ch : identifier) {
    safe = safe && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  }
  if (safe && !IsQuotedKeyword(identifier)) return std::string(identifier);
  std::string quoted = "\"";
  for (char ch : identifier) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

std::string QuoteLiteral(std::string_view text) {
  std::string quoted;
  if (text.find('\\') != std::string_view::npos) quoted += 'E';
  quoted += '\'';
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') quoted += ch;
    quoted += ch;
  }
  return quoted + "'";
}

}  // namespace builtin

namespace {

[[noreturn]] void ThrowFormatError(std::string message, std::string hint = {}) {
  SqlError error(SqlState::kInvalidParameterValue, std::move(message));
  if (!hint.empty()) throw std::move(error).WithHint(std::move(hint));
  throw error;
}

// Reads digits at `pos`; returns false when there are none. Sets `value` (saturating).
bool ReadNumber(std::string_view text, size_t& pos, int64_t& value) {
  const size_t start = pos;
  value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    value = std::min<int64_t>(value * 10 + (text[pos] - '0'), INT32_MAX);
    ++pos;
  }
  return pos > start;
}

// format(formatstr, args...) for one row: `args[index]` is nullptr for NULL.
class Formatter {
 public:
  Formatter(std::string_view format, const std::vector<const std::string_view*>& args) : format_(format), args_(args) {}

  std::string Run() {
    std::string out;
    for (size_t pos = 0; pos < format_.size(); ++pos) {
      if (format_[pos] != '%') {
        out += format_[pos];
        continue;
      }
      if (++pos >= format_.size()) Unterminated();
      if (format_[pos] == '%') {
        out += '%';
        continue;
      }
      FormatOne(pos, out);
    }
    return out;
  }

 private:
  [[noreturn]] static void Unterminated() {
    ThrowFormatError("unterminated format() type specifier", "For a single \"%\" use \"%%\".");
  }

  // Reads "n$" at `pos` if present; returns the 1-based position or 0.
  int64_t ReadArgumentPosition(size_t& pos) {
    size_t probe = pos;
    int64_t number = 0;
    if (!ReadNumber(format_, probe, number) || probe >= format_.size() || format_[probe] != '$') return 0;
    if (number == 0) ThrowFormatError("format specifies argument 0, but arguments are numbered from 1");
    pos = probe + 1;
    return number;
  }

  const std::string_view* NextArgument(int64_t position) {
    const size_t index = position > 0 ? static_cast<size_t>(position - 1) : next_argument_;
    if (index >= args_.size()) ThrowFormatError("too few arguments for format()");
    next_argument_ = index + 1;
    return args_[index];
  }

  // Parses one specifier after '%' ([n$][-][width|*|*n$]type) and appends its expansion.
  void FormatOne(size_t& pos, std::string& out) {
    const int64_t argument_position = ReadArgumentPosition(pos);
    bool left_justify = false;
    if (pos < format_.size() && format_[pos] == '-') {
      left_justify = true;
      ++pos;
    }
    int64_t width = 0;
    if (pos < format_.size() && format_[pos] == '*') {
      ++pos;
      const std::string_view* width_arg = NextArgument(ReadArgumentPosition(pos));
      width = width_arg == nullptr ? 0 : text_format::ParseInt32(*width_arg);
      if (width < 0) {
        left_justify = true;
        width = -width;
      }
    } else {
      ReadNumber(format_, pos, width);
    }
    if (pos >= format_.size()) Unterminated();
    const char type = format_[pos];
    if (type != 's' && type != 'I' && type != 'L') {
      ThrowFormatError(std::string("unrecognized format() type specifier \"") + type + "\"",
                       "For a single \"%\" use \"%%\".");
    }
    const std::string_view* value = NextArgument(argument_position);
    std::string text;
    if (type == 's') {
      if (value != nullptr) text = std::string(*value);
    } else if (type == 'I') {
      if (value == nullptr) {
        throw SqlError(SqlState::kNullValueNotAllowed, "null values cannot be formatted as an SQL identifier");
      }
      text = QuoteIdentifier(*value);
    } else {
      text = value == nullptr ? "NULL" : QuoteLiteral(*value);
    }
    const int64_t padding = width - CharacterCount(text);
    if (padding > 0 && !left_justify) out.append(padding, ' ');
    out += text;
    if (padding > 0 && left_justify) out.append(padding, ' ');
  }

  std::string_view format_;
  const std::vector<const std::string_view*>& args_;
  size_t next_argument_ = 0;
};

void FormatKernel(const std::vector<Vector>& any_args, idx_t count, Vector& result, ExecContext& context) {
  std::vector<Vector> args;
  for (const Vector& arg : any_args) args.push_back(VariadicAnyText(arg, count, context));
  std::vector<std::string_view> values(args.size());
  std::vector<const std::string_view*> row_args(args.size() - 1);
  for (idx_t row = 0; row < count; ++row) {
    if (args[0].IsNull(row)) {
      result.SetNull(row, true);
      continue;
    }
    for (size_t arg = 1; arg < args.size(); ++arg) {
      values[arg] = args[arg].IsNull(row) ? std::string_view() : args[arg].GetString(row);
      row_args[arg - 1] = args[arg].IsNull(row) ? nullptr : &values[arg];
    }
    result.SetString(row, Formatter(args[0].GetString(row), row_args).Run());
  }
}

// Returns the MD5 digest of `bytes` as 32 lower-case hexadecimal digits.
std::string Md5Hex(std::string_view bytes) {
  Md5 md5;
  md5.Update(bytes);
  return md5.HexDigest();
}

template <typename T>
std::string ToHex(T value) {
  using Unsigned = std::make_unsigned_t<T>;
  auto bits = static_cast<Unsigned>(value);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  do {
    hex += kHex[bits & 15];
    bits >>= 4;
  } while (bits != 0);
  std::reverse(hex.begin(), hex.end());
  return hex;
}

}  // namespace

void builtin::RegisterStringFormatFunctions(FunctionRegistry& registry) {
  ScalarFunction format;
  format.name = "format";
  format.arg_types = {kTextType};
  format.return_type = kTextType;
  format.strict = false;
  format.kernel = FormatKernel;
  registry.Register(format);
  format.arg_types = {kTextType, kTextType};
  format.variadic = true;
  format.variadic_any = true;
  registry.Register(std::move(format));

  AddFunction(registry, "quote_ident", {kTextType}, kTextType, UnaryStringKernel<std::string_view>(QuoteIdentifier));
  AddFunction(registry, "quote_literal", {kTextType}, kTextType, UnaryStringKernel<std::string_view>(QuoteLiteral));
  ScalarFunction quote_nullable;
  quote_nullable.name = "quote_nullable";
  quote_nullable.arg_types = {kTextType};
  quote_nullable.return_type = kTextType;
  quote_nullable.strict = false;
  quote_nullable.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    for (idx_t row = 0; row < count; ++row) {
      result.SetString(row, args[0].IsNull(row) ? std::string("NULL") : QuoteLiteral(args[0].GetString(row)));
    }
  };
  registry.Register(std::move(quote_nullable));

  for (LogicalType type : {kTextType, kByteaType}) {
    AddFunction(registry, "md5", {type}, kTextType, UnaryStringKernel<std::string_view>(Md5Hex));
  }
  AddFunction(registry, "to_hex", {kInt32Type}, kTextType, UnaryStringKernel<int32_t>(ToHex<int32_t>));
  AddFunction(registry, "to_hex", {kInt64Type}, kTextType, UnaryStringKernel<int64_t>(ToHex<int64_t>));
}

}  // namespace tessera::engine
