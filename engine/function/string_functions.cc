// SPDX-License-Identifier: Apache-2.0
// Text functions counting UTF-8 characters as PostgreSQL does: length, lower/upper/initcap, substr,
// position, replace, trim, pad, split_part, left/right, repeat, reverse, translate, ascii/chr, ||, concat,
// and the byte-counting bytea variants.
#include <clocale>
#include <cstdint>
#include <cwctype>
#include <string>
#include <string_view>
#include <vector>

#include <locale.h>

#include "engine/function/kernel_builder.h"
#include "engine/function/utf8.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// PostgreSQL refuses to build values of 1 GB or more (MaxAllocSize).
constexpr int64_t kMaxStringBytes = (int64_t{1} << 30) - 1;

void CheckResultLength(int64_t bytes) {
  if (bytes > kMaxStringBytes) throw SqlError(SqlState::kProgramLimitExceeded, "requested length too large");
}

// Unicode case mapping through glibc's C.UTF-8 locale (as PostgreSQL in a UTF-8 locale uses towlower_l);
// ASCII only if that locale is missing.
locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

uint32_t MapCase(uint32_t code, bool upper) {
  if (code < 0x80) {
    if (upper) return code >= 'a' && code <= 'z' ? code - 32 : code;
    return code >= 'A' && code <= 'Z' ? code + 32 : code;
  }
  const locale_t locale = Utf8Locale();
  if (locale == static_cast<locale_t>(nullptr)) return code;
  return upper ? towupper_l(code, locale) : towlower_l(code, locale);
}

bool IsAlphanumeric(uint32_t code) {
  if (code < 0x80) return (code >= '0' && code <= '9') || ((code | 32) >= 'a' && (code | 32) <= 'z');
  const locale_t locale = Utf8Locale();
  return locale != static_cast<locale_t>(nullptr) && iswalnum_l(code, locale);
}

// Upper-cases the first letter of each alphanumeric run and lower-cases the rest.
std::string InitCap(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_word = false;
  for (size_t offset = 0; offset < text.size();) {
    const uint32_t code = DecodeCodePoint(text, offset);
    AppendCodePoint(out, MapCase(code, !in_word));
    in_word = IsAlphanumeric(code);
  }
  return out;
}

// substr(text, start, count) with 1-based `start` that may be before the string.
std::string_view Substring(std::string_view text, int64_t start, int64_t count, bool characters) {
  if (count < 0) throw SqlError(SqlState::kSubstringError, "negative substring length not allowed");
  const int64_t end = start + count;  // exclusive, 1-based; cannot overflow from int32 arguments
  const int64_t first = std::max<int64_t>(start, 1);
  if (end <= first) return {};
  if (!characters) {
    if (first > static_cast<int64_t>(text.size())) return {};
    return text.substr(first - 1, end - first);
  }
  return CharacterSlice(text, first - 1, end - first);
}

std::string_view SubstringToEnd(std::string_view text, int64_t start, bool characters) {
  const int64_t first = std::max<int64_t>(start, 1);
  if (!characters) return first > static_cast<int64_t>(text.size()) ? std::string_view() : text.substr(first - 1);
  return CharacterSlice(text, first - 1, -1);
}

// 1-based character position of `needle` in `haystack`, 0 when absent.
int32_t Position(std::string_view haystack, std::string_view needle) {
  const size_t found = haystack.find(needle);
  if (found == std::string_view::npos) return 0;
  return static_cast<int32_t>(CharacterCount(haystack.substr(0, found)) + 1);
}

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  size_t start = 0;
  for (size_t found; (found = text.find(from, start)) != std::string_view::npos; start = found + from.size()) {
    out.append(text.substr(start, found - start)).append(to);
  }
  out.append(text.substr(start));
  return out;
}

// The characters of a trim set, each as its UTF-8 bytes.
std::vector<std::string_view> SplitCharacters(std::string_view text) {
  std::vector<std::string_view> characters;
  for (size_t offset = 0; offset < text.size();) {
    const size_t length = std::min(Utf8SequenceLength(text[offset]), text.size() - offset);
    characters.push_back(text.substr(offset, length));
    offset += length;
  }
  return characters;
}

std::string_view Trim(std::string_view text, std::string_view set, bool leading, bool trailing) {
  if (set == " ") {
    // The common case: trim(x), ltrim(x), rtrim(x).
    while (leading && !text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (trailing && !text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
  }
  const std::vector<std::string_view> characters = SplitCharacters(set);
  const auto starts_with_one = [&](std::string_view value) -> size_t {
    for (auto character : characters) {
      if (value.starts_with(character)) return character.size();
    }
    return 0;
  };
  const auto ends_with_one = [&](std::string_view value) -> size_t {
    for (auto character : characters) {
      if (value.ends_with(character)) return character.size();
    }
    return 0;
  };
  for (size_t length; leading && (length = starts_with_one(text)) != 0;) text.remove_prefix(length);
  for (size_t length; trailing && (length = ends_with_one(text)) != 0;) text.remove_suffix(length);
  return text;
}

// lpad/rpad: fits `text` to `length` characters, truncating or filling with repeats of `fill`.
std::string Pad(std::string_view text, int32_t length, std::string_view fill, bool left) {
  if (length <= 0) return {};
  const int64_t have = CharacterCount(text);
  if (have >= length || fill.empty()) return std::string(CharacterSlice(text, 0, length));
  const int64_t missing = length - have;
  CheckResultLength(static_cast<int64_t>(text.size()) + missing * 4);
  std::string padding;
  const std::vector<std::string_view> fill_characters = SplitCharacters(fill);
  for (int64_t index = 0; index < missing; ++index) padding.append(fill_characters[index % fill_characters.size()]);
  return left ? padding + std::string(text) : std::string(text) + padding;
}

std::string_view SplitPart(std::string_view text, std::string_view delimiter, int32_t field) {
  if (field == 0) throw SqlError(SqlState::kInvalidParameterValue, "field position must not be zero");
  std::vector<std::string_view> parts;
  if (delimiter.empty()) {
    parts.push_back(text);
  } else {
    size_t start = 0;
    for (size_t found; (found = text.find(delimiter, start)) != std::string_view::npos; start = found + delimiter.size()) {
      parts.push_back(text.substr(start, found - start));
    }
    parts.push_back(text.substr(start));
  }
  if (text.empty()) return {};
  const int64_t count = static_cast<int64_t>(parts.size());
  const int64_t index = field > 0 ? field - 1 : count + field;
  return index >= 0 && index < count ? parts[index] : std::string_view();
}

std::string_view Left(std::string_view text, int32_t count) {
  if (count >= 0) return CharacterSlice(text, 0, count);
  return CharacterSlice(text, 0, std::max<int64_t>(CharacterCount(text) + count, 0));
}

std::string_view Right(std::string_view text, int32_t count) {
  const int64_t have = CharacterCount(text);
  if (count >= 0) return CharacterSlice(text, std::max<int64_t>(have - count, 0), -1);
  return CharacterSlice(text, std::min<int64_t>(-int64_t{count}, have), -1);
}

std::string Repeat(std::string_view text, int32_t count) {
  if (count <= 0) return {};
  CheckResultLength(static_cast<int64_t>(text.size()) * count);
  std::string out;
  out.reserve(text.size() * count);
  for (int32_t index = 0; index < count; ++index) out.append(text);
  return out;
}

std::string Reverse(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t write = text.size();
  for (size_t offset = 0; offset < text.size();) {
    const size_t length = std::min(Utf8SequenceLength(text[offset]), text.size() - offset);
    write -= length;
    out.replace(write, length, text.substr(offset, length));
    offset += length;
  }
  return out;
}

// translate: each character of `from` becomes the character at the same position in `to`, or is
// removed when `to` is shorter.
std::string Translate(std::string_view text, std::string_view from, std::string_view to) {
  const std::vector<std::string_view> from_characters = SplitCharacters(from);
  const std::vector<std::string_view> to_characters = SplitCharacters(to);
  std::string out;
  for (std::string_view character : SplitCharacters(text)) {
    size_t index = 0;
    while (index < from_characters.size() && from_characters[index] != character) ++index;
    if (index == from_characters.size()) {
      out.append(character);
    } else if (index < to_characters.size()) {
      out.append(to_characters[index]);
    }
  }
  return out;
}

int32_t Ascii(std::string_view text) {
  if (text.empty()) return 0;
  size_t offset = 0;
  return static_cast<int32_t>(DecodeCodePoint(text, offset));
}

std::string Chr(int32_t code) {
  if (code < 0) throw SqlError(SqlState::kInvalidParameterValue, "character number must be positive");
  if (code == 0) throw SqlError(SqlState::kProgramLimitExceeded, "null character not permitted");
  if (code > 0x10FFFF) {
    throw SqlError(SqlState::kProgramLimitExceeded, "requested character too large for encoding: " + std::to_string(code));
  }
  if (code >= 0xD800 && code <= 0xDFFF) {
    throw SqlError(SqlState::kProgramLimitExceeded, "requested character not valid for encoding: " + std::to_string(code));
  }
  std::string out;
  AppendCodePoint(out, static_cast<uint32_t>(code));
  return out;
}

// concat(...) and concat_ws(separator, ...): NULL arguments are skipped; the others may be of any type.
void Concat(const std::vector<Vector>& any_args, idx_t count, Vector& result, bool with_separator,
            ExecContext& context) {
  std::vector<Vector> args;
  for (const Vector& arg : any_args) args.push_back(VariadicAnyText(arg, count, context));
  std::string buffer;
  for (idx_t row = 0; row < count; ++row) {
    if (with_separator && args[0].IsNull(row)) {
      result.SetNull(row, true);
      continue;
    }
    buffer.clear();
    bool first = true;
    for (size_t arg = with_separator ? 1 : 0; arg < args.size(); ++arg) {
      if (args[arg].IsNull(row)) continue;
      if (with_separator && !first) buffer.append(args[0].GetString(row));
      buffer.append(args[arg].GetString(row));
      first = false;
    }
    result.SetString(row, buffer);
  }
}

void RegisterConcat(FunctionRegistry& registry) {
  ScalarFunction concat;
  concat.name = "concat";
  concat.arg_types = {kTextType};
  concat.return_type = kTextType;
  concat.strict = false;
  concat.variadic = true;
  concat.variadic_any = true;
  concat.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    Concat(args, count, result, false, context);
  };
  registry.Register(concat);
  concat.name = "concat_ws";
  concat.arg_types = {kTextType, kTextType};
  concat.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    Concat(args, count, result, true, context);
  };
  registry.Register(std::move(concat));
  const auto append = [](std::string_view a, std::string_view b) { return std::string(a).append(b); };
  AddFunction(registry, "||", {kTextType, kTextType}, kTextType, BinaryStringKernel<std::string_view, std::string_view>(append));
  AddFunction(registry, "textcat", {kTextType, kTextType}, kTextType,
              BinaryStringKernel<std::string_view, std::string_view>(append));
  AddFunction(registry, "||", {kByteaType, kByteaType}, kByteaType,
              BinaryStringKernel<std::string_view, std::string_view>(append));
}

void RegisterLengths(FunctionRegistry& registry) {
  const auto characters = UnaryKernel<std::string_view, int32_t>([](std::string_view text) {
    return static_cast<int32_t>(CharacterCount(text));
  });
  const auto padded_characters = UnaryKernel<std::string_view, int32_t>([](std::string_view text) {
    return static_cast<int32_t>(CharacterCount(TrimTrailingSpaces(text)));
  });
  const auto bytes = UnaryKernel<std::string_view, int32_t>([](std::string_view text) {
    return static_cast<int32_t>(text.size());
  });
  for (const char* name : {"length", "char_length", "character_length"}) {
    AddFunction(registry, name, {kTextType}, kInt32Type, characters);
    AddFunction(registry, name, {kCharType}, kInt32Type, padded_characters);
  }
  AddFunction(registry, "length", {kByteaType}, kInt32Type, bytes);
  for (LogicalType type : {kTextType, kCharType, kByteaType}) AddFunction(registry, "octet_length", {type}, kInt32Type, bytes);
  AddFunction(registry, "bit_length", {kTextType}, kInt32Type, UnaryKernel<std::string_view, int32_t>([](std::string_view text) {
                return static_cast<int32_t>(text.size() * 8);
              }));
}

void RegisterSubstrings(FunctionRegistry& registry) {
  for (const char* name : {"substr", "substring"}) {
    for (bool characters : {true, false}) {
      const LogicalType type = characters ? kTextType : kByteaType;
      AddFunction(registry, name, {type, kInt32Type}, type,
                  BinaryStringKernel<std::string_view, int32_t>([characters](std::string_view text, int32_t start) {
                    return SubstringToEnd(text, start, characters);
                  }));
      AddFunction(registry, name, {type, kInt32Type, kInt32Type}, type,
                  RowKernel([characters](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                    result.SetString(row, Substring(args[0].GetString(row), args[1].Data<int32_t>()[row],
                                                    args[2].Data<int32_t>()[row], characters));
                  }));
    }
  }
  AddFunction(registry, "left", {kTextType, kInt32Type}, kTextType, BinaryStringKernel<std::string_view, int32_t>(Left));
  AddFunction(registry, "right", {kTextType, kInt32Type}, kTextType, BinaryStringKernel<std::string_view, int32_t>(Right));
  AddFunction(registry, "split_part", {kTextType, kTextType, kInt32Type}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.SetString(row, SplitPart(args[0].GetString(row), args[1].GetString(row), args[2].Data<int32_t>()[row]));
              }));
  const auto position = BinaryKernel<std::string_view, std::string_view, int32_t>(Position);
  AddFunction(registry, "strpos", {kTextType, kTextType}, kInt32Type, position);
  // position(needle IN haystack) arrives as position(haystack, needle), as in pg_proc.
  AddFunction(registry, "position", {kTextType, kTextType}, kInt32Type, position);
  AddFunction(registry, "starts_with", {kTextType, kTextType}, kBoolType,
              BinaryKernel<std::string_view, std::string_view, uint8_t>([](std::string_view text, std::string_view prefix) {
                return static_cast<uint8_t>(text.starts_with(prefix));
              }));
}

void RegisterTrimAndPad(FunctionRegistry& registry) {
  struct TrimVariant {
    const char* name;
    bool leading;
    bool trailing;
  };
  for (TrimVariant variant : {TrimVariant{"btrim", true, true}, TrimVariant{"ltrim", true, false},
                              TrimVariant{"rtrim", false, true}}) {
    AddFunction(registry, variant.name, {kTextType}, kTextType,
                UnaryStringKernel<std::string_view>([variant](std::string_view text) {
                  return Trim(text, " ", variant.leading, variant.trailing);
                }));
    AddFunction(registry, variant.name, {kTextType, kTextType}, kTextType,
                BinaryStringKernel<std::string_view, std::string_view>([variant](std::string_view text, std::string_view set) {
                  return Trim(text, set, variant.leading, variant.trailing);
                }));
  }
  for (bool left : {true, false}) {
    const char* name = left ? "lpad" : "rpad";
    AddFunction(registry, name, {kTextType, kInt32Type}, kTextType,
                BinaryStringKernel<std::string_view, int32_t>([left](std::string_view text, int32_t length) {
                  return Pad(text, length, " ", left);
                }));
    AddFunction(registry, name, {kTextType, kInt32Type, kTextType}, kTextType,
                RowKernel([left](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                  result.SetString(row, Pad(args[0].GetString(row), args[1].Data<int32_t>()[row], args[2].GetString(row), left));
                }));
  }
}

void RegisterTransformations(FunctionRegistry& registry) {
  AddFunction(registry, "lower", {kTextType}, kTextType,
              UnaryStringKernel<std::string_view>([](std::string_view text) { return ConvertCase(text, false); }));
  AddFunction(registry, "upper", {kTextType}, kTextType,
              UnaryStringKernel<std::string_view>([](std::string_view text) { return ConvertCase(text, true); }));
  AddFunction(registry, "initcap", {kTextType}, kTextType, UnaryStringKernel<std::string_view>(InitCap));
  AddFunction(registry, "replace", {kTextType, kTextType, kTextType}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.SetString(row, Replace(args[0].GetString(row), args[1].GetString(row), args[2].GetString(row)));
              }));
  AddFunction(registry, "translate", {kTextType, kTextType, kTextType}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.SetString(row, Translate(args[0].GetString(row), args[1].GetString(row), args[2].GetString(row)));
              }));
  AddFunction(registry, "repeat", {kTextType, kInt32Type}, kTextType, BinaryStringKernel<std::string_view, int32_t>(Repeat));
  AddFunction(registry, "reverse", {kTextType}, kTextType, UnaryStringKernel<std::string_view>(Reverse));
  AddFunction(registry, "ascii", {kTextType}, kInt32Type, UnaryKernel<std::string_view, int32_t>(Ascii));
  AddFunction(registry, "chr", {kInt32Type}, kTextType, UnaryStringKernel<int32_t>(Chr));
}

}  // namespace

std::string builtin::ConvertCase(std::string_view text, bool upper) {
  std::string out;
  out.reserve(text.size());
  for (size_t offset = 0; offset < text.size();) AppendCodePoint(out, MapCase(DecodeCodePoint(text, offset), upper));
  return out;
}

void RegisterStringFunctions(FunctionRegistry& registry) {
  RegisterConcat(registry);
  RegisterLengths(registry);
  RegisterSubstrings(registry);
  RegisterTrimAndPad(registry);
  RegisterTransformations(registry);
  RegisterStringFormatFunctions(registry);
  RegisterPatternFunctions(registry);
}

}  // namespace tessera::engine
