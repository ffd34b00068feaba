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

// --- MD5 (RFC 1321) -----------------------------------------------------------------------------------
// Per-round left-rotation amounts.
constexpr std::array<uint32_t, 64> kShifts = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

// floor(abs(sin(i + 1)) * 2^32).
constexpr std::array<uint32_t, 64> kConstants = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

uint32_t RotateLeft(uint32_t value, uint32_t bits) { return (value << bits) | (value >> (32 - bits)); }

void ProcessBlock(const unsigned char* block, std::array<uint32_t, 4>& state) {
  uint32_t words[16];
  for (int index = 0; index < 16; ++index) {
    words[index] = uint32_t{block[index * 4]} | (uint32_t{block[index * 4 + 1]} << 8) |
                   (uint32_t{block[index * 4 + 2]} << 16) | (uint32_t{block[index * 4 + 3]} << 24);
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (uint32_t step = 0; step < 64; ++step) {
    uint32_t mixed;
    uint32_t word;
    if (step < 16) {
      mixed = (b & c) | (~b & d);
      word = step;
    } else if (step < 32) {
      mixed = (d & b) | (~d & c);
      word = (5 * step + 1) % 16;
    } else if (step < 48) {
      mixed = b ^ c ^ d;
      word = (3 * step + 5) % 16;
    } else {
      mixed = c ^ (b | ~d);
      word = (7 * step) % 16;
    }
    const uint32_t rotated = RotateLeft(a + mixed + kConstants[step] + words[word], kShifts[step]);
    a = d;
    d = c;
    c = b;
    b = b + rotated;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

// Returns the digest of `bytes` as 32 lower-case hexadecimal digits.
std::string Md5Hex(std::string_view bytes) {
  std::array<uint32_t, 4> state = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  size_t offset = 0;
  for (; offset + 64 <= bytes.size(); offset += 64) {
    ProcessBlock(reinterpret_cast<const unsigned char*>(bytes.data() + offset), state);
  }
  // Padding: 0x80, zeros, then the message length in bits (little-endian), filling one or two blocks.
  unsigned char tail[128] = {};
  const size_t remaining = bytes.size() - offset;
  if (remaining > 0) std::memcpy(tail, bytes.data() + offset, remaining);
  tail[remaining] = 0x80;
  const size_t tail_length = remaining < 56 ? 64 : 128;
  const uint64_t bit_length = static_cast<uint64_t>(bytes.size()) * 8;
  for (int index = 0; index < 8; ++index) tail[tail_length - 8 + index] = static_cast<unsigned char>(bit_length >> (8 * index));
  for (size_t block = 0; block < tail_length; block += 64) ProcessBlock(tail + block, state);

  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(32);
  for (uint32_t word : state) {
    for (int index = 0; index < 4; ++index) {
      const auto byte = static_cast<unsigned char>(word >> (8 * index));
      hex += kHex[byte >> 4];
      hex += kHex[byte & 15];
    }
  }
  return hex;
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
