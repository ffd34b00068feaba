// SPDX-License-Identifier: Apache-2.0
// Session settings: defaults, validation into canonical text and parsed form, SET/RESET, SET LOCAL.
#include "planner/settings.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "base/memory_tracker.h"
#include "planner/utility.h"

namespace tessera::planner {

const char* const kReportedSettings[11] = {
    "server_version", "server_encoding", "client_encoding", "datestyle", "integer_datetimes",
    "standard_conforming_strings", "timezone", "application_name", "is_superuser", "session_authorization",
    "intervalstyle"};

namespace {

const std::map<std::string, std::string>& DisplayNames() {
  static const std::map<std::string, std::string> names = {
      {"datestyle", "DateStyle"}, {"timezone", "TimeZone"}, {"intervalstyle", "IntervalStyle"}};
  return names;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\n\r");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\n\r");
  return std::string(text.substr(begin, end - begin + 1));
}

[[noreturn]] void ThrowInvalidValue(const std::string& name, const std::string& value, const char* hint) {
  SqlError error(SqlState::kInvalidParameterValue,
                 "invalid value for parameter \"" + name + "\": \"" + value + "\"");
  if (hint != nullptr) throw std::move(error).WithHint(hint);
  throw error;
}

int ParseExtraFloatDigits(const std::string& value) {
  const std::string text = Trim(value);
  int digits = 0;
  auto [end, error] = std::from_chars(text.data() + (!text.empty() && text[0] == '+'), text.data() + text.size(), digits);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    ThrowInvalidValue("extra_float_digits", value, nullptr);
  }
  if (digits < -15 || digits > 3) {
    throw SqlError(SqlState::kInvalidParameterValue,
                   std::to_string(digits) + " is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)");
  }
  return digits;
}

// The schemas of a search_path value: "\"$user\", public" -> {public}.
std::vector<std::string> ParseSearchPath(const std::string& value) {
  std::vector<std::string> schemas;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string schema = Trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (schema.size() >= 2 && schema.front() == '"' && schema.back() == '"') schema = schema.substr(1, schema.size() - 2);
    if (!schema.empty() && schema != "$user") schemas.push_back(schema);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return schemas;
}

// Validates `value`, stores its canonical text and parsed form, and returns the canonical text.
std::string StoreSetting(SessionState& state, const std::string& name, const std::string& value) {
  std::string canonical = value;
  if (name == "timezone") {
    state.time_zone = datetime::ParseTimeZone(value);
    canonical = state.time_zone.name;
  } else if (name == "datestyle") {
    datetime::DateTimeStyle style = datetime::ParseDateStyle(value, state.datetime_style);
    state.datetime_style.date_style = style.date_style;
    state.datetime_style.date_order = style.date_order;
    canonical = datetime::FormatDateStyle(style);
  } else if (name == "intervalstyle") {
    state.datetime_style.interval_style = datetime::ParseIntervalStyle(value);
    canonical = Lower(value);
  } else if (name == "bytea_output") {
    canonical = Lower(value);
    if (canonical != "hex" && canonical != "escape") ThrowInvalidValue(name, value, "Available values: escape, hex.");
    state.bytea_escape = canonical == "escape";
  } else if (name == "extra_float_digits") {
    state.extra_float_digits = ParseExtraFloatDigits(value);
    canonical = std::to_string(state.extra_float_digits);
  } else if (name == "search_path") {
    state.search_path = ParseSearchPath(value);
  }
  state.settings[name] = canonical;
  return canonical;
}

bool InTransactionBlock(const SessionState& state) { return state.transaction != TransactionState::kIdle; }

// Applies "-c name=value" and "--name=value" switches of the startup packet's "options".
void ApplyCommandLineOptions(SessionState& state, const std::string& options) {
  std::vector<std::string> words;
  std::string word;
  for (size_t pos = 0; pos < options.size(); ++pos) {
    if (options[pos] == '\\' && pos + 1 < options.size()) {
      word += options[++pos];
    } else if (options[pos] == ' ') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += options[pos];
    }
  }
  if (!word.empty()) words.push_back(word);
  for (size_t index = 0; index < words.size(); ++index) {
    std::string assignment;
    if (words[index] == "-c" && index + 1 < words.size()) {
      assignment = words[++index];
    } else if (words[index].rfind("-c", 0) == 0 && words[index].size() > 2) {
      assignment = words[index].substr(2);
    } else if (words[index].rfind("--", 0) == 0) {
      assignment = words[index].substr(2);
    } else {
      continue;
    }
    size_t equals = assignment.find('=');
    if (equals == std::string::npos) continue;
    std::string name = SettingName(Lower(assignment.substr(0, equals)));
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    ApplySetting(state, name, assignment.substr(equals + 1), false);
  }
}

// After a plain SET in a transaction block, COMMIT keeps the new value: earlier SET LOCALs of the same
// setting no longer restore theirs (undoably, for ROLLBACK TO a savepoint before the SET).
void KeepAtCommit(SessionState& state, const std::string& name) {
  auto& locals = state.local_restore;
  auto same_name = [&name](const LocalSetting& local) { return local.name == name; };
  if (std::none_of(locals.begin(), locals.end(), same_name)) return;
  state.undo_log.push_back([&state, saved = locals] { state.local_restore = saved; });
  locals.erase(std::remove_if(locals.begin(), locals.end(), same_name), locals.end());
}

}  // namespace

std::string DisplayName(const std::string& name) {
  auto found = DisplayNames().find(name);
  return found == DisplayNames().end() ? name : found->second;
}

std::string SettingName(const std::string& name) {
  std::string lower = Lower(name);
  if (lower == "time zone" || lower == "time_zone") return "timezone";
  return lower;
}

void InitializeSettings(SessionState& state, const std::map<std::string, std::string>& options,
                        const std::string& database) {
  auto option = [&](const char* key, const char* fallback) {
    auto found = options.find(key);
    return found == options.end() ? std::string(fallback) : found->second;
  };
  state.user = option("user", "tessera");
  state.database = option("database", database.c_str());
  state.settings = {
      {"server_version", "15.18 (Tessera 0.1.0)"},
      {"server_version_num", "150018"},
      {"server_encoding", "UTF8"},
      {"client_encoding", "UTF8"},
      {"datestyle", "ISO, MDY"},
      {"intervalstyle", "postgres"},
      {"integer_datetimes", "on"},
      {"standard_conforming_strings", "on"},
      {"timezone", "UTC"},
      {"application_name", option("application_name", "")},
      {"is_superuser", "on"},
      {"session_authorization", state.user},
      {"search_path", "\"$user\", public"},
      {"extra_float_digits", "1"},
      {"transaction_isolation", "read committed"},
      {"default_transaction_isolation", "read committed"},
      {"statement_timeout", "0"},
      {"lock_timeout", "0"},
      {"client_min_messages", "notice"},
      {"max_identifier_length", "63"},
      {"lc_collate", "C"},
      {"lc_ctype", "C"},
      {"bytea_output", "hex"},
      {"max_parallel_workers_per_gather", "2"},
      {"work_mem", "4MB"},
      {"enable_seqscan", "on"},
      {"block_size", "8192"},
      {"memory_limit", memory::FormatMemorySize(memory::Limit())},  // the server's --memory-limit
  };
  state.time_zone = datetime::TimeZone{};
  state.datetime_style = datetime::DateTimeStyle{};
  state.bytea_escape = false;
  state.extra_float_digits = 1;
  for (const auto& [key, value] : options) {
    const std::string name = SettingName(key);
    if (name != "application_name" && name != "user" && name != "database" && state.settings.count(name) != 0) {
      ApplySetting(state, name, value, false);
    }
  }
  auto command_line = options.find("options");
  if (command_line != options.end()) ApplyCommandLineOptions(state, command_line->second);
  state.reset_settings = state.settings;
}

std::optional<std::string> ReadSetting(const SessionState& state, const std::string& name) {
  auto found = state.settings.find(SettingName(name));
  if (found == state.settings.end()) return std::nullopt;
  return found->second;
}

std::string ApplySetting(SessionState& state, const std::string& raw_name, const std::string& value, bool is_local) {
  const std::string name = SettingName(raw_name);
  auto found = state.settings.find(name);
  if (found == state.settings.end() && name.find('.') == std::string::npos) {
    throw SqlError(SqlState::kUndefinedObject, "unrecognized configuration parameter \"" + raw_name + "\"");
  }
  if (name == "memory_limit") {
    throw SqlError(SqlState::kCantChangeRuntimeParam,
                   "parameter \"" + name + "\" cannot be changed without restarting the server");
  }
  const std::optional<std::string> old_value =
      found == state.settings.end() ? std::nullopt : std::optional<std::string>(found->second);
  std::string canonical = StoreSetting(state, name, value);
  auto restore = [&state, name, old_value] {
    if (old_value) {
      StoreSetting(state, name, *old_value);
    } else {
      state.settings.erase(name);
    }
  };
  if (is_local && !InTransactionBlock(state)) {
    restore();  // a local value outside a transaction block lasts no longer than the statement
  } else if (is_local) {
    state.local_restore.push_back(LocalSetting{name, restore});
    state.undo_log.push_back([&state, restore] {
      if (!state.local_restore.empty()) state.local_restore.pop_back();  // this SET LOCAL's entry
      restore();
    });
  } else if (InTransactionBlock(state)) {
    state.undo_log.push_back(restore);
    KeepAtCommit(state, name);
  }
  return canonical;
}

std::string RunSetStatement(SessionState& state, const ast::SetStatement& set) {
  using Action = ast::SetStatement::Action;
  if (set.action == Action::kResetAll) {
    for (const auto& [name, value] : state.reset_settings) {
      if (state.settings[name] != value) ApplySetting(state, name, value, false);
    }
    return "RESET";
  }
  std::string value;
  for (size_t index = 0; index < set.values.size(); ++index) value += (index > 0 ? ", " : "") + set.values[index];
  if (set.action == Action::kReset || set.action == Action::kSetDefault) {
    auto found = state.reset_settings.find(SettingName(set.name));
    if (found != state.reset_settings.end()) value = found->second;
  }
  const bool is_local = set.action == Action::kSetLocal || set.is_local;
  if (SettingName(set.name) == "transaction_isolation" && set.action != Action::kReset) {
    SetTransactionIsolation(state, value);
    return "SET";
  }
  if (SettingName(set.name) == "default_transaction_isolation") value = CheckIsolationLevel(set.name, value);
  ApplySetting(state, set.name, value, is_local);
  if (is_local && !InTransactionBlock(state)) {
    state.notices.push_back(
        ErrorInfo{SqlState::kNoActiveSqlTransaction, "SET LOCAL can only be used in transaction blocks"});
  }
  return set.action == Action::kReset ? "RESET" : "SET";
}

void EndTransactionSettings(SessionState& state) {
  for (auto local = state.local_restore.rbegin(); local != state.local_restore.rend(); ++local) local->restore();
  state.local_restore.clear();
}

}  // namespace tessera::planner
