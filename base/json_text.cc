// SPDX-License-Identifier: Apache-2.0
// json_in's validation: a lexer that cuts tokens as PostgreSQL's does (so that error details quote the
// same text), and a parser with an explicit stack of open containers, so deep nesting cannot overflow
// the C++ stack.
#include "base/json_text.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/error.h"

namespace tessera {

namespace {

enum class TokenKind { kEnd, kString, kScalar, kObjectStart, kObjectEnd, kArrayStart, kArrayEnd, kComma, kColon };

struct Token {
  TokenKind kind;
  std::string_view text;
};

[[noreturn]] void Fail(std::string detail) {
  throw SqlError(SqlState::kInvalidTextRepresentation, "invalid input syntax for type json").WithDetail(std::move(detail));
}

bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

bool IsHexDigit(char ch) { return IsDigit(ch) || ((ch | 32) >= 'a' && (ch | 32) <= 'f'); }

// JSON_ALPHANUMERIC_CHAR: what PostgreSQL reads as one word when it reports an invalid token.
bool IsWordChar(char ch) {
  return IsDigit(ch) || ((ch | 32) >= 'a' && (ch | 32) <= 'z') || ch == '_' || static_cast<unsigned char>(ch) >= 0x80;
}

// Bytes of the UTF-8 character starting with `lead`.
size_t CharLength(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  if (byte >= 0xf0) return 4;
  if (byte >= 0xe0) return 3;
  return byte >= 0xc0 ? 2 : 1;
}

class JsonLexer {
 public:
  explicit JsonLexer(std::string_view text) : text_(text) {}

  Token Next() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
    const size_t start = position_;
    if (start == text_.size()) return {TokenKind::kEnd, {}};
    switch (text_[start]) {
      case '{': return Punctuation(TokenKind::kObjectStart);
      case '}': return Punctuation(TokenKind::kObjectEnd);
      case '[': return Punctuation(TokenKind::kArrayStart);
      case ']': return Punctuation(TokenKind::kArrayEnd);
      case ',': return Punctuation(TokenKind::kComma);
      case ':': return Punctuation(TokenKind::kColon);
      case '"': return String(start);
      default: break;
    }
    if (text_[start] == '-' || IsDigit(text_[start])) return Number(start);
    return Word(start);
  }

 private:
  Token Punctuation(TokenKind kind) { return {kind, text_.substr(position_++, 1)}; }

  void SkipDigits() {
    while (position_ < text_.size() && IsDigit(text_[position_])) ++position_;
  }

  // An optional digit run that must not be empty; returns false when it is.
  bool RequireDigits() {
    if (position_ == text_.size() || !IsDigit(text_[position_])) return false;
    SkipDigits();
    return true;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, then no letters or digits. Like PostgreSQL, it
  // reads every part even after an error, so the invalid token quoted is the whole word.
  Token Number(size_t start) {
    bool valid = true;
    if (text_[position_] == '-') ++position_;
    if (position_ < text_.size() && text_[position_] == '0') {
      ++position_;
    } else {
      valid = RequireDigits();
    }
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      valid = RequireDigits() && valid;
    }
    if (position_ < text_.size() && (text_[position_] | 32) == 'e') {
      ++position_;
      if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) ++position_;
      valid = RequireDigits() && valid;
    }
    const size_t number_end = position_;
    while (position_ < text_.size() && IsWordChar(text_[position_])) ++position_;
    if (!valid || position_ > number_end) Invalid(start);
    return {TokenKind::kScalar, text_.substr(start, position_ - start)};
  }

  // true, false or null; any other word (or a lone other character) is an invalid token.
  Token Word(size_t start) {
    while (position_ < text_.size() && IsWordChar(text_[position_])) ++position_;
    if (position_ == start) position_ += CharLength(text_[start]);
    const std::string_view word = text_.substr(start, position_ - start);
    if (word != "true" && word != "false" && word != "null") Invalid(start);
    return {TokenKind::kScalar, word};
  }

  Token String(size_t start) {
    ++position_;
    while (true) {
      if (position_ >= text_.size()) Invalid(start);
      const char ch = text_[position_];
      if (ch == '"') break;
      if (static_cast<unsigned char>(ch) < 0x20) {
        Fail(fmt::format("Character with value 0x{:02x} must be escaped.", static_cast<unsigned>(ch)));
      }
      if (ch == '\\') Escape(start);
      else ++position_;
    }
    ++position_;
    return {TokenKind::kString, text_.substr(start, position_ - start)};
  }

  // The escape at position_ (a backslash): \" \\ \/ \b \f \n \r \t or \u and four hex digits.
  void Escape(size_t start) {
    ++position_;
    if (position_ >= text_.size()) Invalid(start);
    const char ch = text_[position_];
    if (ch == 'u') {
      for (int digit = 0; digit < 4; ++digit) {
        ++position_;
        if (position_ >= text_.size()) Invalid(start);
        if (!IsHexDigit(text_[position_])) Fail("\"\\u\" must be followed by four hexadecimal digits.");
      }
    } else if (std::string_view("\"\\/bfnrt").find(ch) == std::string_view::npos) {
      Fail(fmt::format("Escape sequence \"\\{}\" is invalid.", text_.substr(position_, CharLength(ch))));
    }
    ++position_;
  }

  [[noreturn]] void Invalid(size_t start) {
    Fail(fmt::format("Token \"{}\" is invalid.", text_.substr(start, std::min(position_, text_.size()) - start)));
  }

  std::string_view text_;
  size_t position_ = 0;
};

// Throws "Expected <what>, but found "<token>"." or, at the end of the input, that it ended too soon.
[[noreturn]] void Expected(std::string_view what, const Token& found) {
  if (found.kind == TokenKind::kEnd) Fail("The input string ended unexpectedly.");
  Fail(fmt::format("Expected {}, but found \"{}\".", what, found.text));
}

bool StartsValue(TokenKind kind) {
  return kind == TokenKind::kString || kind == TokenKind::kScalar || kind == TokenKind::kObjectStart ||
         kind == TokenKind::kArrayStart;
}

}  // namespace

void ValidateJson(std::string_view text) {
  JsonLexer lexer(text);
  std::vector<TokenKind> open;  // kObjectStart / kArrayStart of each container being read
  Token token = lexer.Next();
  while (true) {
    // Here `token` must begin a value.
    if (!StartsValue(token.kind)) Expected("JSON value", token);
    if (token.kind == TokenKind::kArrayStart || token.kind == TokenKind::kObjectStart) {
      open.push_back(token.kind);
      token = lexer.Next();
      const TokenKind close = open.back() == TokenKind::kArrayStart ? TokenKind::kArrayEnd : TokenKind::kObjectEnd;
      if (token.kind != close) {
        if (open.back() == TokenKind::kObjectStart) {
          if (token.kind != TokenKind::kString) Expected("string or \"}\"", token);
          if ((token = lexer.Next()).kind != TokenKind::kColon) Expected("\":\"", token);
          token = lexer.Next();
        }
        continue;  // the first member's value
      }
      open.pop_back();
    }
    // A value ended: close containers or go on to the next member.
    token = lexer.Next();
    while (!open.empty()) {
      const bool array = open.back() == TokenKind::kArrayStart;
      if (token.kind == (array ? TokenKind::kArrayEnd : TokenKind::kObjectEnd)) {
        open.pop_back();
        token = lexer.Next();
        continue;
      }
      if (token.kind != TokenKind::kComma) Expected(array ? "\",\" or \"]\"" : "\",\" or \"}\"", token);
      token = lexer.Next();
      if (!array) {
        if (token.kind != TokenKind::kString) Expected("string", token);
        if ((token = lexer.Next()).kind != TokenKind::kColon) Expected("\":\"", token);
        token = lexer.Next();
      }
      break;
    }
    if (open.empty()) {
      if (token.kind != TokenKind::kEnd) Expected("end of input", token);
      return;
    }
  }
}

}  // namespace tessera
