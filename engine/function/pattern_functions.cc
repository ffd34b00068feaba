// SPDX-License-Identifier: Apache-2.0
// Pattern matching: LIKE/ILIKE (~~ ~~* and negations), POSIX regular expressions (~ ~* and negations),
// regexp_replace, regexp_match and substring(text from pattern).
//
// Regular expressions run on glibc's POSIX ERE engine in the C.UTF-8 locale (so '.' is one character),
// after rewriting PostgreSQL's common escapes (\d \s \w, \m \M \y) into ERE. Compiled patterns are cached
// per thread, so a constant pattern is compiled once per thread, not once per row or batch.
#include <regex.h>

#include <locale.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/function/array_text.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/regexp_split.h"
#include "engine/function/utf8.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// --- LIKE ----------------------------------------------------------------------------------------------

// Matches `text` against a LIKE pattern (% any run, _ one character, backslash escapes the next
// character). Greedy matching with one backtracking point is exact for patterns of only % and _.
// `_` is one UTF-8 character of text, or one byte of bytea when `Bytes`.
template <bool Bytes>
bool MatchLike(std::string_view text, std::string_view pattern) {
  const auto step = [&text](size_t pos) { return Bytes ? 1 : std::min(Utf8SequenceLength(text[pos]), text.size() - pos); };
  size_t text_pos = 0;
  size_t pattern_pos = 0;
  size_t star_pattern = std::string_view::npos;  // pattern position after the last %
  size_t star_text = 0;                           // text position that % currently absorbs up to
  while (text_pos < text.size()) {
    if (pattern_pos < pattern.size()) {
      const char token = pattern[pattern_pos];
      if (token == '%') {
        star_pattern = ++pattern_pos;
        star_text = text_pos;
        continue;
      }
      if (token == '_') {
        ++pattern_pos;
        text_pos += step(text_pos);
        continue;
      }
      size_t literal_pos = pattern_pos;
      if (token == '\\') {
        if (++literal_pos >= pattern.size()) {
          throw SqlError(SqlState::kInvalidEscapeSequence, "LIKE pattern must not end with escape character");
        }
      }
      if (pattern[literal_pos] == text[text_pos]) {
        pattern_pos = literal_pos + 1;
        ++text_pos;
        continue;
      }
    }
    if (star_pattern == std::string_view::npos) return false;
    // Let the last % absorb one more character and retry from there.
    star_text += step(star_text);
    text_pos = star_text;
    pattern_pos = star_pattern;
  }
  while (pattern_pos < pattern.size() && pattern[pattern_pos] == '%') ++pattern_pos;
  return pattern_pos == pattern.size();
}

bool Like(std::string_view text, std::string_view pattern) { return MatchLike<false>(text, pattern); }
bool LikeBytes(std::string_view text, std::string_view pattern) { return MatchLike<true>(text, pattern); }

bool CaseInsensitiveLike(std::string_view text, std::string_view pattern) {
  return Like(ConvertCase(text, false), ConvertCase(pattern, false));
}

// like_escape(pattern, escape): rewrites `x LIKE p ESCAPE e` patterns into the backslash form that ~~
// reads; an empty escape makes every character literal.
std::string LikeEscape(std::string_view pattern, std::string_view escape) {
  if (CharacterCount(escape) > 1) {
    throw std::move(SqlError(SqlState::kInvalidEscapeSequence, "invalid escape string")
                        .WithHint("Escape string must be empty or one character."));
  }
  if (escape == "\\") return std::string(pattern);
  std::string out;
  for (size_t pos = 0; pos < pattern.size();) {
    const size_t length = std::min(Utf8SequenceLength(pattern[pos]), pattern.size() - pos);
    const std::string_view character = pattern.substr(pos, length);
    pos += length;
    if (!escape.empty() && character == escape) {
      out += '\\';
      if (pos < pattern.size()) {
        const size_t next = std::min(Utf8SequenceLength(pattern[pos]), pattern.size() - pos);
        out.append(pattern.substr(pos, next));
        pos += next;
      }
    } else if (character == "\\") {
      out += "\\\\";
    } else {
      out.append(character);
    }
  }
  return out;
}

// --- Regular expressions -------------------------------------------------------------------------------

locale_t RegexLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

// Switches the calling thread to the C.UTF-8 locale for the lifetime of the object.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale() : previous_(RegexLocale() != static_cast<locale_t>(nullptr) ? uselocale(RegexLocale()) : nullptr) {}
  ~ScopedUtf8Locale() {
    if (previous_ != static_cast<locale_t>(nullptr)) uselocale(previous_);
  }
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

 private:
  locale_t previous_;
};

// Rewrites PostgreSQL ARE escapes that ERE lacks.
std::string TranslatePattern(std::string_view pattern) {
  std::string out;
  bool in_bracket = false;
  for (size_t pos = 0; pos < pattern.size(); ++pos) {
    const char ch = pattern[pos];
    if (ch == '[' && !in_bracket) {
      in_bracket = true;
      out += ch;
      // A ']' right after '[' or '[^' is a literal member.
      if (pos + 1 < pattern.size() && pattern[pos + 1] == '^') out += pattern[++pos];
      if (pos + 1 < pattern.size() && pattern[pos + 1] == ']') out += pattern[++pos];
      continue;
    }
    if (ch == '[' && in_bracket && pos + 1 < pattern.size() && pattern[pos + 1] == ':') {
      const size_t end = pattern.find(":]", pos + 2);
      if (end != std::string_view::npos) {
        out.append(pattern.substr(pos, end + 2 - pos));
        pos = end + 1;
        continue;
      }
    }
    if (ch == ']' && in_bracket) in_bracket = false;
    if (ch != '\\' || pos + 1 >= pattern.size()) {
      out += ch;
      continue;
    }
    const char escaped = pattern[++pos];
    if (in_bracket) {
      switch (escaped) {
        case 'd': out += "0-9"; break;
        case 's': out += "[:space:]"; break;
        case 'w': out += "[:alnum:]_"; break;
        case '\\': out += "\\"; break;
        default: out += escaped; break;
      }
      continue;
    }
    switch (escaped) {
      case 'd': out += "[0-9]"; break;
      case 'D': out += "[^0-9]"; break;
      case 's': out += "[[:space:]]"; break;
      case 'S': out += "[^[:space:]]"; break;
      case 'w': out += "[[:alnum:]_]"; break;
      case 'W': out += "[^[:alnum:]_]"; break;
      case 'm': out += "\\<"; break;
      case 'M': out += "\\>"; break;
      case 'y': out += "\\b"; break;
      case 'Y': out += "\\B"; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      default:
        out += '\\';
        out += escaped;
        break;
    }
  }
  return out;
}

struct CompiledRegex {
  std::string pattern;
  int flags = 0;
  regex_t regex{};

  CompiledRegex(std::string_view source, int compile_flags) : pattern(source), flags(compile_flags) {
    ScopedUtf8Locale locale;
    const std::string translated = TranslatePattern(source);
    const int status = regcomp(&regex, translated.c_str(), flags);
    if (status != 0) {
      char message[256];
      regerror(status, &regex, message, sizeof(message));
      std::string text = message;
      for (char& ch : text) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      throw SqlError(SqlState::kInvalidRegularExpression, "invalid regular expression: " + text);
    }
  }
  ~CompiledRegex() { regfree(&regex); }
  CompiledRegex(const CompiledRegex&) = delete;
  CompiledRegex& operator=(const CompiledRegex&) = delete;
};

// Returns the compiled form of (pattern, flags), compiling on a miss. The result stays valid until this
// thread looks up more than kRegexCacheSize other patterns.
const CompiledRegex& GetRegex(std::string_view pattern, int flags) {
  constexpr size_t kRegexCacheSize = 32;
  thread_local std::list<std::unique_ptr<CompiledRegex>> cache;  // most recently used first
  for (auto entry = cache.begin(); entry != cache.end(); ++entry) {
    if ((*entry)->flags == flags && (*entry)->pattern == pattern) {
      if (entry != cache.begin()) cache.splice(cache.begin(), cache, entry);
      return *cache.front();
    }
  }
  cache.push_front(std::make_unique<CompiledRegex>(pattern, flags));
  if (cache.size() > kRegexCacheSize) cache.pop_back();
  return *cache.front();
}

constexpr size_t kMaxGroups = 10;

// Finds the first match in text[start..]; `not_bol` when `start` is not the beginning of the text.
bool Search(const CompiledRegex& compiled, std::string_view text, size_t start, regmatch_t* groups, bool not_bol) {
  ScopedUtf8Locale locale;
  groups[0].rm_so = static_cast<regoff_t>(start);
  groups[0].rm_eo = static_cast<regoff_t>(text.size());
  const int eflags = REG_STARTEND | (not_bol ? REG_NOTBOL : 0);
  return regexec(&compiled.regex, text.data() == nullptr ? "" : text.data(), kMaxGroups, groups, eflags) == 0;
}

bool RegexMatches(std::string_view text, std::string_view pattern, int flags) {
  regmatch_t groups[kMaxGroups];
  return Search(GetRegex(pattern, flags), text, 0, groups, false);
}

struct RegexOptions {
  int cflags = REG_EXTENDED;
  bool global = false;
  bool literal = false;   // 'q': the pattern is a plain string
  bool expanded = false;  // 'x': white space and #-comments in the pattern are ignored
};

RegexOptions ParseRegexFlags(std::string_view flags) {
  RegexOptions options;
  for (char flag : flags) {
    switch (flag) {
      case 'g': options.global = true; break;
      case 'i': options.cflags |= REG_ICASE; break;
      case 'c': options.cflags &= ~REG_ICASE; break;
      case 'n': case 'm': options.cflags |= REG_NEWLINE; break;
      case 's': options.cflags &= ~REG_NEWLINE; break;
      case 'p': case 'w': options.cflags |= REG_NEWLINE; break;
      case 'e': case 't': break;
      case 'b': options.cflags &= ~REG_EXTENDED; break;
      case 'q': options.literal = true; break;
      case 'x': options.expanded = true; break;
      default:
        throw SqlError(SqlState::kInvalidParameterValue,
                       std::string("invalid regular expression option: \"") + flag + "\"");
    }
  }
  return options;
}

// The pattern the options describe: 'q' escapes every special character, 'x' drops white space and
// comments outside brackets.
std::string ApplyPatternOptions(std::string_view pattern, const RegexOptions& options) {
  std::string out;
  if (options.literal) {
    for (char ch : pattern) {
      if (std::string_view("\\^$.|?*+()[]{}").find(ch) != std::string_view::npos) out += '\\';
      out += ch;
    }
    return out;
  }
  if (!options.expanded) return std::string(pattern);
  bool in_bracket = false;
  for (size_t pos = 0; pos < pattern.size(); ++pos) {
    const char ch = pattern[pos];
    if (ch == '\\' && pos + 1 < pattern.size()) {
      out += ch;
      out += pattern[++pos];
    } else if (in_bracket) {
      in_bracket = ch != ']';
      out += ch;
    } else if (ch == '#') {
      while (pos + 1 < pattern.size() && pattern[pos + 1] != '\n') ++pos;
    } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
      in_bracket = ch == '[';
      out += ch;
    }
  }
  return out;
}

// Appends `replacement` with \1..\9 (groups), \& (whole match) and \\ expanded.
void AppendReplacement(std::string& out, std::string_view text, std::string_view replacement, const regmatch_t* groups) {
  for (size_t pos = 0; pos < replacement.size(); ++pos) {
    const char ch = replacement[pos];
    if (ch != '\\' || pos + 1 >= replacement.size()) {
      out += ch;
      continue;
    }
    const char next = replacement[pos + 1];
    int group = -1;
    if (next >= '1' && next <= '9') group = next - '0';
    if (next == '&') group = 0;
    if (group >= 0) {
      if (groups[group].rm_so >= 0) out.append(text.substr(groups[group].rm_so, groups[group].rm_eo - groups[group].rm_so));
      ++pos;
    } else if (next == '\\') {
      out += '\\';
      ++pos;
    } else {
      out += '\\';
    }
  }
}

std::string RegexpReplace(std::string_view text, std::string_view pattern, std::string_view replacement,
                          std::string_view flags) {
  const RegexOptions options = ParseRegexFlags(flags);
  const CompiledRegex& compiled = GetRegex(ApplyPatternOptions(pattern, options), options.cflags);
  std::string out;
  regmatch_t groups[kMaxGroups];
  size_t start = 0;
  while (start <= text.size() && Search(compiled, text, start, groups, start > 0)) {
    const auto match_start = static_cast<size_t>(groups[0].rm_so);
    const auto match_end = static_cast<size_t>(groups[0].rm_eo);
    out.append(text.substr(start, match_start - start));
    AppendReplacement(out, text, replacement, groups);
    start = match_end;
    if (!options.global) break;
    if (match_end == match_start) {
      // An empty match: copy one character and search again after it.
      if (start >= text.size()) {
        start = text.size() + 1;
        break;
      }
      const size_t length = std::min(Utf8SequenceLength(text[start]), text.size() - start);
      out.append(text.substr(start, length));
      start += length;
    }
  }
  if (start < text.size()) out.append(text.substr(start));
  return out;
}

// regexp_match: the capture groups (or the whole match) as a text[] literal; false when no match.
bool RegexpMatch(std::string_view text, std::string_view pattern, std::string_view flags, std::string& out) {
  const RegexOptions options = ParseRegexFlags(flags);
  if (options.global) {
    throw std::move(SqlError(SqlState::kInvalidParameterValue, "regexp_match() does not support the \"global\" option")
                        .WithHint("Use the regexp_matches function instead."));
  }
  const CompiledRegex& compiled = GetRegex(ApplyPatternOptions(pattern, options), options.cflags);
  regmatch_t groups[kMaxGroups];
  if (!Search(compiled, text, 0, groups, false)) return false;
  const size_t group_count = compiled.regex.re_nsub;
  out.clear();
  out += '{';
  for (size_t group = group_count == 0 ? 0 : 1; group <= std::min(group_count, kMaxGroups - 1); ++group) {
    if (group > 1) out += ',';
    if (groups[group].rm_so < 0) {
      out += "NULL";
    } else {
      AppendArrayElement(out, text.substr(groups[group].rm_so, groups[group].rm_eo - groups[group].rm_so));
    }
  }
  out += '}';
  return true;
}

void AddPatternOperators(FunctionRegistry& registry, const char* name, LogicalType left, LogicalType right,
                         bool (*match)(std::string_view, std::string_view), bool negate) {
  AddFunction(registry, name, {left, right}, kBoolType,
              BinaryKernel<std::string_view, std::string_view, uint8_t>([match, negate](std::string_view text, std::string_view pattern) {
                return static_cast<uint8_t>(match(text, pattern) != negate);
              }));
}

void RegisterRegexFunctions(FunctionRegistry& registry) {
  const auto replace = [](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
    const std::string_view flags = args.size() > 3 ? args[3].GetString(row) : std::string_view();
    result.SetString(row, RegexpReplace(args[0].GetString(row), args[1].GetString(row), args[2].GetString(row), flags));
  };
  AddFunction(registry, "regexp_replace", {kTextType, kTextType, kTextType}, kTextType, RowKernel(replace));
  AddFunction(registry, "regexp_replace", {kTextType, kTextType, kTextType, kTextType}, kTextType, RowKernel(replace));
  const auto match = [](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
    std::string out;
    const std::string_view flags = args.size() > 2 ? args[2].GetString(row) : std::string_view();
    if (RegexpMatch(args[0].GetString(row), args[1].GetString(row), flags, out)) {
      result.SetString(row, out);
    } else {
      result.SetNull(row, true);
    }
  };
  AddFunction(registry, "regexp_match", {kTextType, kTextType}, kTextArrayType, RowKernel(match));
  AddFunction(registry, "regexp_match", {kTextType, kTextType, kTextType}, kTextArrayType, RowKernel(match));
  const auto split = [](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
    const std::string_view flags = args.size() > 2 ? args[2].GetString(row) : std::string_view();
    std::string out = "{";
    for (const std::string& piece : RegexpSplit(args[0].GetString(row), args[1].GetString(row), flags, "regexp_split_to_array")) {
      if (out.size() > 1) out += ',';
      AppendArrayElement(out, piece);
    }
    result.SetString(row, out + "}");
  };
  AddFunction(registry, "regexp_split_to_array", {kTextType, kTextType}, kTextArrayType, RowKernel(split));
  AddFunction(registry, "regexp_split_to_array", {kTextType, kTextType, kTextType}, kTextArrayType, RowKernel(split));
  // substring(text FROM pattern): the first group's text when the pattern has groups, else the match.
  AddFunction(registry, "substring", {kTextType, kTextType}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                const std::string_view text = args[0].GetString(row);
                const CompiledRegex& compiled = GetRegex(args[1].GetString(row), REG_EXTENDED);
                regmatch_t groups[kMaxGroups];
                const int group = compiled.regex.re_nsub > 0 ? 1 : 0;
                if (!Search(compiled, text, 0, groups, false) || groups[group].rm_so < 0) {
                  result.SetNull(row, true);
                  return;
                }
                result.SetString(row, text.substr(groups[group].rm_so, groups[group].rm_eo - groups[group].rm_so));
              }));
}

}  // namespace

std::vector<std::string> RegexpSplit(std::string_view text, std::string_view pattern, std::string_view flags,
                                     std::string_view function) {
  const RegexOptions options = ParseRegexFlags(flags);
  if (options.global) {
    throw SqlError(SqlState::kInvalidParameterValue,
                   std::string(function) + "() does not support the \"global\" option");
  }
  const CompiledRegex& compiled = GetRegex(ApplyPatternOptions(pattern, options), options.cflags);
  std::vector<std::string> pieces;
  regmatch_t groups[kMaxGroups];
  size_t piece_start = 0;   // end of the last match that split
  size_t previous_end = 0;  // end of the last match found
  size_t start = 0;
  while (Search(compiled, text, start, groups, start > 0)) {
    const auto match_start = static_cast<size_t>(groups[0].rm_so);
    const auto match_end = static_cast<size_t>(groups[0].rm_eo);
    // As PostgreSQL: an empty match at the end, or one not past the previous match, is degenerate.
    if (match_start < text.size() && match_end > previous_end) {
      pieces.emplace_back(text.substr(piece_start, match_start - piece_start));
      piece_start = match_end;
    }
    previous_end = match_end;
    start = match_end;
    if (match_start == match_end) start += start < text.size() ? Utf8SequenceLength(text[start]) : 1;
    if (start > text.size()) break;
  }
  pieces.emplace_back(text.substr(piece_start));
  return pieces;
}

void builtin::RegisterPatternFunctions(FunctionRegistry& registry) {
  const auto regex = [](std::string_view text, std::string_view pattern) {
    return RegexMatches(text, pattern, REG_EXTENDED);
  };
  const auto regex_icase = [](std::string_view text, std::string_view pattern) {
    return RegexMatches(text, pattern, REG_EXTENDED | REG_ICASE);
  };
  // bpchar and name operands match with their stored bytes, as PostgreSQL's bpcharlike/namelike do.
  for (TypeId left : {TypeId::kText, TypeId::kChar, TypeId::kName}) {
    const LogicalType type(left);
    AddPatternOperators(registry, "~~", type, kTextType, Like, false);
    AddPatternOperators(registry, "!~~", type, kTextType, Like, true);
    AddPatternOperators(registry, "~~*", type, kTextType, CaseInsensitiveLike, false);
    AddPatternOperators(registry, "!~~*", type, kTextType, CaseInsensitiveLike, true);
    AddPatternOperators(registry, "~", type, kTextType, regex, false);
    AddPatternOperators(registry, "!~", type, kTextType, regex, true);
    AddPatternOperators(registry, "~*", type, kTextType, regex_icase, false);
    AddPatternOperators(registry, "!~*", type, kTextType, regex_icase, true);
  }
  AddFunction(registry, "like_escape", {kTextType, kTextType}, kTextType,
              BinaryStringKernel<std::string_view, std::string_view>(LikeEscape));
  AddPatternOperators(registry, "~~", kByteaType, kByteaType, LikeBytes, false);
  AddPatternOperators(registry, "!~~", kByteaType, kByteaType, LikeBytes, true);
  RegisterRegexFunctions(registry);
}

}  // namespace tessera::engine
