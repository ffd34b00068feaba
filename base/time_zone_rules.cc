// SPDX-License-Identifier: Apache-2.0
// TZif reader (RFC 8536) and POSIX TZ rules, enough for PostgreSQL's behaviour with named time zones.
#include "base/time_zone_rules.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "base/datetime_internal.h"

namespace tessera::datetime {
namespace {

constexpr std::string_view kZoneDirectory = "/usr/share/zoneinfo";
constexpr int64_t kSecondsPerHour = 3600;

int64_t FloorDiv(int64_t value, int64_t divisor) {
  return value / divisor - (value % divisor != 0 && (value < 0) != (divisor < 0));
}

// Reads big-endian integers from TZif data; `ok` turns false when the data runs out.
class TzifReader {
 public:
  explicit TzifReader(std::string_view data) : data_(data) {}

  int64_t Read(int bytes) {
    if (pos_ + bytes > data_.size()) {
      ok_ = false;
      return 0;
    }
    uint64_t value = 0;
    for (int index = 0; index < bytes; ++index) value = value << 8 | static_cast<unsigned char>(data_[pos_++]);
    if (bytes == 4) return static_cast<int32_t>(value);
    if (bytes == 1) return static_cast<uint8_t>(value);
    return static_cast<int64_t>(value);
  }
  std::string_view Take(size_t size) {
    if (pos_ + size > data_.size()) {
      ok_ = false;
      return {};
    }
    std::string_view out = data_.substr(pos_, size);
    pos_ += size;
    return out;
  }
  bool ok() const { return ok_; }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct TzifCounts {
  int64_t is_ut = 0, is_std = 0, leap = 0, time = 0, type = 0, chars = 0;
};

bool ReadHeader(TzifReader& reader, char* version, TzifCounts* counts) {
  if (reader.Take(4) != "TZif") return false;
  std::string_view version_byte = reader.Take(1);
  *version = version_byte.empty() ? 0 : version_byte[0];
  reader.Take(15);
  counts->is_ut = reader.Read(4);
  counts->is_std = reader.Read(4);
  counts->leap = reader.Read(4);
  counts->time = reader.Read(4);
  counts->type = reader.Read(4);
  counts->chars = reader.Read(4);
  return reader.ok() && counts->type > 0 && counts->time >= 0 && counts->chars >= 0 && counts->leap >= 0;
}

// ---- POSIX TZ strings ----

class PosixParser {
 public:
  explicit PosixParser(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  // "<...>" or three or more letters.
  bool Name(std::string* name) {
    if (Consume('<')) {
      size_t close = text_.find('>', pos_);
      if (close == std::string_view::npos || close == pos_) return false;
      *name = std::string(text_.substr(pos_, close - pos_));
      pos_ = close + 1;
      return true;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && IsAsciiAlpha(text_[pos_])) ++pos_;
    *name = std::string(text_.substr(start, pos_ - start));
    return pos_ - start >= 3;
  }

  // [+-]hh[:mm[:ss]] as seconds; `max_hours` bounds hh.
  bool Offset(int64_t max_hours, int64_t* seconds) {
    int sign = 1;
    if (Consume('-')) {
      sign = -1;
    } else {
      Consume('+');
    }
    int64_t parts[3] = {0, 0, 0};
    for (int part = 0; part < 3; ++part) {
      size_t start = pos_;
      while (pos_ < text_.size() && IsAsciiDigit(text_[pos_]) && pos_ - start < 3) {
        parts[part] = parts[part] * 10 + (text_[pos_++] - '0');
      }
      if (pos_ == start) return false;
      if (part == 2 || !Consume(':')) break;
    }
    if (parts[0] > max_hours || parts[1] > 59 || parts[2] > 59) return false;
    *seconds = sign * (parts[0] * kSecondsPerHour + parts[1] * 60 + parts[2]);
    return true;
  }

  bool Number(int* value) {
    size_t start = pos_;
    *value = 0;
    while (pos_ < text_.size() && IsAsciiDigit(text_[pos_]) && pos_ - start < 4) *value = *value * 10 + (text_[pos_++] - '0');
    return pos_ > start;
  }

  bool Date(RuleDate* date) {
    if (Consume('M')) {
      date->kind = RuleDate::Kind::kMonthWeekDay;
      if (!Number(&date->month) || !Consume('.') || !Number(&date->week) || !Consume('.') || !Number(&date->day)) {
        return false;
      }
      if (date->month < 1 || date->month > 12 || date->week < 1 || date->week > 5 || date->day > 6) return false;
    } else if (Consume('J')) {
      date->kind = RuleDate::Kind::kJulianNoLeap;
      if (!Number(&date->day) || date->day < 1 || date->day > 365) return false;
    } else {
      date->kind = RuleDate::Kind::kDayOfYear;
      if (!Number(&date->day) || date->day > 365) return false;
    }
    date->time = 7200;
    if (Consume('/')) {
      int64_t time = 0;
      if (!Offset(167, &time)) return false;
      date->time = static_cast<int32_t>(time);
    }
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Local midnight of a rule date in `year`, as days since 1970-01-01.
int64_t RuleDay(int64_t year, const RuleDate& date) {
  const int64_t jan_first = YmdToJulian(year, 1, 1);
  switch (date.kind) {
    case RuleDate::Kind::kJulianNoLeap:
      return jan_first + date.day - 1 + (IsLeapYear(year) && date.day >= 60 ? 1 : 0) - kUnixEpochJulian;
    case RuleDate::Kind::kDayOfYear:
      return jan_first + date.day - kUnixEpochJulian;
    case RuleDate::Kind::kMonthWeekDay:
      break;
  }
  const int64_t month_first = YmdToJulian(year, date.month, 1);
  int64_t day = 1 + (date.day - JulianToDayOfWeek(month_first) + 7) % 7 + (date.week - 1) * 7;
  while (day > DaysInMonth(year, date.month)) day -= 7;
  return month_first + day - 1 - kUnixEpochJulian;
}

bool ReadFile(const std::filesystem::path& path, std::string* contents) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream buffer;
  buffer << file.rdbuf();
  *contents = buffer.str();
  return true;
}

// Finds `name` under the zone directory, each component matched case-insensitively; fills the path's
// spelling on disk. Refuses absolute paths and "..".
bool FindZoneFile(std::string_view name, std::string* canonical_name) {
  namespace fs = std::filesystem;
  if (name.empty() || name.front() == '/' || name.size() > 255) return false;
  fs::path path(kZoneDirectory);
  std::string canonical;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string component(name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (component.empty() || component == "." || component == "..") return false;
    std::error_code error;
    if (!fs::exists(path / component, error)) {
      const std::string lower = ToLowerAscii(component);
      bool found = false;
      for (const auto& entry : fs::directory_iterator(path, error)) {
        if (ToLowerAscii(entry.path().filename().string()) == lower) {
          component = entry.path().filename().string();
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    path /= component;
    canonical += (canonical.empty() ? "" : "/") + component;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  *canonical_name = canonical;
  return true;
}

}  // namespace

std::shared_ptr<const ZoneRules> ZoneRules::FromTzif(std::string_view data) {
  TzifReader reader(data);
  char version = 0;
  TzifCounts counts;
  if (!ReadHeader(reader, &version, &counts)) return nullptr;
  int time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit block and the footer follow.
    reader.Take(counts.time * 5 + counts.type * 6 + counts.chars + counts.leap * 8 + counts.is_std + counts.is_ut);
    if (!ReadHeader(reader, &version, &counts)) return nullptr;
    time_size = 8;
  }
  auto rules = std::make_shared<ZoneRules>();
  for (int64_t index = 0; index < counts.time; ++index) rules->transitions_.push_back(reader.Read(time_size));
  for (int64_t index = 0; index < counts.time; ++index) {
    rules->transition_types_.push_back(static_cast<uint8_t>(reader.Read(1)));
    if (rules->transition_types_.back() >= counts.type) return nullptr;
  }
  std::vector<int64_t> designation_indexes;
  for (int64_t index = 0; index < counts.type; ++index) {
    LocalTimeType type;
    type.utc_offset = static_cast<int32_t>(reader.Read(4));
    type.is_dst = reader.Read(1) != 0;
    designation_indexes.push_back(reader.Read(1));
    rules->types_.push_back(type);
  }
  std::string_view designations = reader.Take(counts.chars);
  reader.Take(counts.leap * (time_size + 4) + counts.is_std + counts.is_ut);
  if (!reader.ok() || !std::is_sorted(rules->transitions_.begin(), rules->transitions_.end())) return nullptr;
  for (size_t index = 0; index < rules->types_.size(); ++index) {
    const size_t start = static_cast<size_t>(designation_indexes[index]);
    if (start >= designations.size()) return nullptr;
    const size_t end = designations.find('\0', start);
    rules->types_[index].abbreviation = std::string(designations.substr(start, end - start));
  }
  std::string_view footer = reader.rest();
  if (time_size == 8 && footer.size() >= 2 && footer[0] == '\n') {
    const size_t end = footer.find('\n', 1);
    std::string_view tz = footer.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
    if (!tz.empty()) {
      auto rule = FromPosix(tz);
      if (rule != nullptr) {
        rules->has_rule_ = true;
        rules->standard_ = rule->standard_;
        rules->daylight_ = rule->daylight_;
        rules->dst_start_ = rule->dst_start_;
        rules->dst_end_ = rule->dst_end_;
      }
    }
  }
  return rules;
}

std::shared_ptr<const ZoneRules> ZoneRules::FromPosix(std::string_view text) {
  PosixParser parser(text);
  auto rules = std::make_shared<ZoneRules>();
  int64_t west = 0;
  if (!parser.Name(&rules->standard_.abbreviation) || !parser.Offset(167, &west)) return nullptr;
  rules->standard_.utc_offset = static_cast<int32_t>(-west);
  rules->has_rule_ = true;
  if (parser.AtEnd()) return rules;
  LocalTimeType daylight;
  daylight.is_dst = true;
  if (!parser.Name(&daylight.abbreviation)) return nullptr;
  daylight.utc_offset = static_cast<int32_t>(-west + kSecondsPerHour);
  if (!parser.AtEnd() && !parser.Peek(',')) {
    int64_t daylight_west = 0;
    if (!parser.Offset(167, &daylight_west)) return nullptr;
    daylight.utc_offset = static_cast<int32_t>(-daylight_west);
  }
  rules->daylight_ = daylight;
  if (parser.AtEnd()) {
    // PostgreSQL's default rule for zones named without one: the US rules since 2007.
    rules->dst_start_ = RuleDate{RuleDate::Kind::kMonthWeekDay, 3, 2, 0, 7200};
    rules->dst_end_ = RuleDate{RuleDate::Kind::kMonthWeekDay, 11, 1, 0, 7200};
    return rules;
  }
  if (!parser.Consume(',') || !parser.Date(&rules->dst_start_) || !parser.Consume(',') ||
      !parser.Date(&rules->dst_end_) || !parser.AtEnd()) {
    return nullptr;
  }
  return rules;
}

std::shared_ptr<const ZoneRules> ZoneRules::Load(std::string_view name, std::string* canonical_name) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, std::shared_ptr<const ZoneRules>>> cache;
  const std::string key = ToLowerAscii(name);
  std::lock_guard lock(mutex);
  auto cached = cache.find(key);
  if (cached != cache.end()) {
    if (cached->second.second != nullptr) *canonical_name = cached->second.first;
    return cached->second.second;
  }
  std::string canonical;
  std::string contents;
  std::shared_ptr<const ZoneRules> rules;
  if (FindZoneFile(name, &canonical) && ReadFile(std::filesystem::path(kZoneDirectory) / canonical, &contents)) {
    rules = FromTzif(contents);
  }
  // Misses come from arbitrary words in timestamptz input; remember only a bounded number of them.
  constexpr size_t kMaxCachedMisses = 1024;
  if (rules != nullptr || cache.size() < kMaxCachedMisses) cache.emplace(key, std::make_pair(canonical, rules));
  if (rules != nullptr) *canonical_name = canonical;
  return rules;
}

const LocalTimeType& ZoneRules::TypeAt(int64_t unix_seconds) const {
  if (transitions_.empty() || unix_seconds >= transitions_.back()) {
    if (has_rule_) return RuleTypeAt(unix_seconds);
    return transitions_.empty() ? types_[0] : types_[transition_types_.back()];
  }
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (after == transitions_.begin()) return types_[0];
  return types_[transition_types_[after - transitions_.begin() - 1]];
}

bool ZoneRules::NextTransition(int64_t unix_seconds, int64_t* transition) const {
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (after != transitions_.end()) {
    *transition = *after;
    return true;
  }
  return has_rule_ && RuleNextTransition(unix_seconds, transition);
}

void ZoneRules::RuleTransitions(int64_t year, int64_t* dst_start, int64_t* dst_end) const {
  *dst_start = RuleDay(year, dst_start_) * kSecondsPerDay + dst_start_.time - standard_.utc_offset;
  *dst_end = RuleDay(year, dst_end_) * kSecondsPerDay + dst_end_.time - daylight_->utc_offset;
}

const LocalTimeType& ZoneRules::RuleTypeAt(int64_t unix_seconds) const {
  if (!daylight_) return standard_;
  int year;
  int month;
  int day;
  JulianToYmd(FloorDiv(unix_seconds + standard_.utc_offset, kSecondsPerDay) + kUnixEpochJulian, &year, &month, &day);
  int64_t start;
  int64_t end;
  RuleTransitions(year, &start, &end);
  const bool in_dst = start < end ? (unix_seconds >= start && unix_seconds < end)
                                  : !(unix_seconds >= end && unix_seconds < start);
  return in_dst ? *daylight_ : standard_;
}

bool ZoneRules::RuleNextTransition(int64_t unix_seconds, int64_t* transition) const {
  if (!daylight_) return false;
  int year;
  int month;
  int day;
  JulianToYmd(FloorDiv(unix_seconds, kSecondsPerDay) + kUnixEpochJulian, &year, &month, &day);
  bool found = false;
  for (int64_t candidate_year = year - 1; candidate_year <= year + 1; ++candidate_year) {
    int64_t start;
    int64_t end;
    RuleTransitions(candidate_year, &start, &end);
    for (int64_t candidate : {start, end}) {
      if (candidate > unix_seconds && (!found || candidate < *transition)) {
        *transition = candidate;
        found = true;
      }
    }
  }
  return found;
}

}  // namespace tessera::datetime
