// SPDX-License-Identifier: Apache-2.0
// The sqllogictest file parser, with loop expansion.
#include "test/slt/script.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace tessera::slt {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Splits a record's first line into words, stopping at a '#' comment.
std::vector<std::string> Tokenize(const std::string& line) {
  std::vector<std::string> tokens;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && std::isspace(static_cast<unsigned char>(line[pos]))) ++pos;
    if (pos >= line.size() || line[pos] == '#') break;
    size_t end = pos;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
    tokens.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return tokens;
}

std::string Substitute(std::string text, const std::string& variable, const std::string& value) {
  const std::string pattern = "${" + variable + "}";
  for (size_t pos = text.find(pattern); pos != std::string::npos;
       pos = text.find(pattern, pos + value.size())) {
    text.replace(pos, pattern.size(), value);
  }
  return text;
}

Record SubstituteRecord(Record record, const std::string& variable, const std::string& value) {
  record.sql = Substitute(std::move(record.sql), variable, value);
  record.expected_error = Substitute(std::move(record.expected_error), variable, value);
  for (auto& line : record.expected) line = Substitute(std::move(line), variable, value);
  for (auto& argument : record.arguments) argument = Substitute(std::move(argument), variable, value);
  return record;
}

// Expands DuckDB's type-group shorthands in foreach lists.
std::vector<std::string> ExpandForeachValues(const std::vector<std::string>& tokens) {
  std::vector<std::string> values;
  for (const auto& token : tokens) {
    if (token == "<integral>" || token == "<signed>") {
      values.insert(values.end(), {"smallint", "integer", "bigint"});
    } else if (token == "<numeric>") {
      values.insert(values.end(), {"smallint", "integer", "bigint", "real", "double precision"});
    } else {
      values.push_back(token);
    }
  }
  return values;
}

// A loop being parsed: its body is the records appended since body_start.
struct LoopFrame {
  int line;
  std::string variable;
  std::vector<std::string> values;
  size_t body_start;
};

class Parser {
 public:
  Parser(const std::string& path, const std::string& text) : path_(path), lines_(SplitLines(text)) {}

  Script Parse() {
    while (NextNonBlank()) ParseRecord();
    if (!loops_.empty()) Fail(loops_.back().line, "loop without endloop");
    return std::move(script_);
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw std::runtime_error(path_ + ":" + std::to_string(line) + ": " + message);
  }

  // Advances past blank and comment lines; returns false at the end of the file.
  bool NextNonBlank() {
    while (position_ < lines_.size()) {
      const std::string& line = lines_[position_];
      if (!IsBlank(line) && line[0] != '#') return true;
      ++position_;
    }
    return false;
  }

  // Reads lines up to a blank line (exclusive). Stops early at "----" when stop_at_separator is set,
  // consuming the separator and reporting it through saw_separator.
  std::vector<std::string> ReadBlock(bool stop_at_separator, bool* saw_separator) {
    std::vector<std::string> block;
    while (position_ < lines_.size() && !IsBlank(lines_[position_])) {
      const std::string& line = lines_[position_++];
      if (stop_at_separator && line.rfind("----", 0) == 0) {
        *saw_separator = true;
        return block;
      }
      block.push_back(line);
    }
    return block;
  }

  static std::string Join(const std::vector<std::string>& lines) {
    std::string joined;
    for (const auto& line : lines) {
      if (!joined.empty()) joined += '\n';
      joined += line;
    }
    return joined;
  }

  void ParseRecord() {
    const int line_number = static_cast<int>(position_) + 1;
    std::vector<std::string> tokens = Tokenize(lines_[position_++]);
    if (tokens.empty()) return;
    const std::string& keyword = tokens[0];
    if (keyword == "skipif" || keyword == "onlyif") {
      if (tokens.size() < 2) Fail(line_number, keyword + " needs an engine name");
      pending_conditions_.push_back(Condition{keyword == "skipif", tokens[1]});
      return;
    }
    if (keyword == "loop" || keyword == "concurrentloop") return BeginLoop(line_number, tokens);
    if (keyword == "foreach" || keyword == "concurrentforeach") return BeginLoop(line_number, tokens);
    if (keyword == "endloop") return EndLoop(line_number);

    Record record;
    record.line = line_number;
    record.conditions = std::move(pending_conditions_);
    pending_conditions_.clear();
    if (keyword == "statement") {
      ParseStatement(line_number, tokens, record);
    } else if (keyword == "query") {
      ParseQuery(line_number, tokens, record);
    } else if (keyword == "halt") {
      record.kind = RecordKind::kHalt;
    } else if (keyword == "hash-threshold") {
      record.kind = RecordKind::kHashThreshold;
      if (tokens.size() < 2) Fail(line_number, "hash-threshold needs a number");
      record.arguments.push_back(tokens[1]);
    } else if (keyword == "mode" || keyword == "require" || keyword == "load") {
      record.kind = keyword == "mode"      ? RecordKind::kMode
                    : keyword == "require" ? RecordKind::kRequire
                                           : RecordKind::kLoad;
      record.arguments.assign(tokens.begin() + 1, tokens.end());
    } else if (keyword == "restart" || keyword == "crash" || keyword == "reconnect") {
      ParseRestart(line_number, tokens, record);
    } else {
      Fail(line_number, "unknown record type '" + keyword + "'");
    }
    script_.records.push_back(std::move(record));
  }

  void ParseStatement(int line_number, const std::vector<std::string>& tokens, Record& record) {
    if (tokens.size() < 2 || (tokens[1] != "ok" && tokens[1] != "error")) {
      Fail(line_number, "expected 'statement ok' or 'statement error'");
    }
    record.kind = tokens[1] == "ok" ? RecordKind::kStatementOk : RecordKind::kStatementError;
    size_t next = 2;
    if (record.kind == RecordKind::kStatementError && next < tokens.size() && LooksLikeSqlState(tokens[next])) {
      record.expected_error = tokens[next++];
    }
    if (next < tokens.size()) record.connection = tokens[next];
    bool saw_separator = false;
    record.sql = Join(ReadBlock(/*stop_at_separator=*/true, &saw_separator));
    if (saw_separator) {
      record.has_expected = true;
      record.expected = ReadBlock(/*stop_at_separator=*/false, nullptr);
      if (record.expected_error.empty()) record.expected_error = Join(record.expected);
    }
    if (record.sql.empty()) Fail(line_number, "statement without SQL");
  }

  // "restart" (clean stop), "restart kill" or "crash" (SIGKILL), "reconnect" (DuckDB: new sessions only).
  void ParseRestart(int line_number, const std::vector<std::string>& tokens, Record& record) {
    record.kind = RecordKind::kRestart;
    const std::string& keyword = tokens[0];
    const bool kill = keyword == "crash" || (keyword == "restart" && tokens.size() == 2 && tokens[1] == "kill");
    const size_t expected_words = keyword == "restart" && kill ? 2 : 1;
    if (tokens.size() != expected_words) Fail(line_number, "expected 'restart', 'restart kill', 'crash' or 'reconnect'");
    record.restart_mode = keyword == "reconnect" ? RestartMode::kReconnect
                          : kill                 ? RestartMode::kKill
                                                 : RestartMode::kClean;
  }

  void ParseQuery(int line_number, const std::vector<std::string>& tokens, Record& record) {
    record.kind = RecordKind::kQuery;
    if (tokens.size() < 2) Fail(line_number, "query needs column types");
    record.column_types = tokens[1];
    if (tokens.size() >= 3) {
      const std::string& mode = tokens[2];
      if (mode == "nosort") {
        record.sort_mode = SortMode::kNoSort;
      } else if (mode == "rowsort" || mode == "sort") {
        record.sort_mode = SortMode::kRowSort;
      } else if (mode == "valuesort") {
        record.sort_mode = SortMode::kValueSort;
      } else {
        record.connection = mode;  // DuckDB: "query I con1"
      }
      if (record.connection.empty() && tokens.size() >= 4) record.label = tokens[3];
    }
    bool saw_separator = false;
    record.sql = Join(ReadBlock(/*stop_at_separator=*/true, &saw_separator));
    if (saw_separator) {
      record.has_expected = true;
      record.expected = ReadBlock(/*stop_at_separator=*/false, nullptr);
    }
    if (record.sql.empty()) Fail(line_number, "query without SQL");
  }

  void BeginLoop(int line_number, const std::vector<std::string>& tokens) {
    LoopFrame frame{line_number, "", {}, script_.records.size()};
    if (tokens.size() < 3) Fail(line_number, tokens[0] + " needs a variable and values");
    frame.variable = tokens[1];
    if (tokens[0] == "loop" || tokens[0] == "concurrentloop") {
      if (tokens.size() < 4) Fail(line_number, "loop needs VAR FROM TO");
      int64_t from = std::strtoll(tokens[2].c_str(), nullptr, 10);
      int64_t to = std::strtoll(tokens[3].c_str(), nullptr, 10);
      for (int64_t value = from; value < to; ++value) frame.values.push_back(std::to_string(value));
    } else {
      frame.values = ExpandForeachValues({tokens.begin() + 2, tokens.end()});
    }
    if (!pending_conditions_.empty()) Fail(line_number, "skipif/onlyif before a loop");
    loops_.push_back(std::move(frame));
  }

  void EndLoop(int line_number) {
    if (loops_.empty()) Fail(line_number, "endloop without loop");
    LoopFrame frame = std::move(loops_.back());
    loops_.pop_back();
    std::vector<Record> body(std::make_move_iterator(script_.records.begin() + frame.body_start),
                             std::make_move_iterator(script_.records.end()));
    script_.records.resize(frame.body_start);
    for (const auto& value : frame.values) {
      for (const auto& record : body) {
        script_.records.push_back(SubstituteRecord(record, frame.variable, value));
      }
    }
  }

  const std::string& path_;
  std::vector<std::string> lines_;
  size_t position_ = 0;
  std::vector<Condition> pending_conditions_;
  std::vector<LoopFrame> loops_;
  Script script_;
};

}  // namespace

bool LooksLikeSqlState(const std::string& token) {
  if (token.size() != 5) return false;
  for (char c : token) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Script ParseScript(const std::string& path, const std::string& text) { return Parser(path, text).Parse(); }

}  // namespace tessera::slt
