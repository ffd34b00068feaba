// SPDX-License-Identifier: Apache-2.0
// SqlError (thrown by planner/ and engine/) and Status (returned by storage/): both carry a SqlState and
// PostgreSQL's error fields so that protocol/ can turn them into an ErrorResponse unchanged.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "base/sql_state.h"

namespace tessera {

// The fields of a PostgreSQL ErrorResponse/NoticeResponse that Tessera fills in.
struct ErrorInfo {
  SqlState state = SqlState::kInternalError;
  std::string message;  // primary message: lower-case, no trailing period
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based character offset into the query text; 0 = none
  std::string context;
};

// Thrown for any error that ends the current statement.
class SqlError : public std::runtime_error {
 public:
  SqlError(SqlState state, std::string message) : std::runtime_error(message) {
    info_.state = state;
    info_.message = std::move(message);
  }
  explicit SqlError(ErrorInfo info) : std::runtime_error(info.message), info_(std::move(info)) {}

  SqlState state() const { return info_.state; }
  const ErrorInfo& info() const { return info_; }
  ErrorInfo& mutable_info() { return info_; }

  SqlError&& WithDetail(std::string detail) && {
    info_.detail = std::move(detail);
    return std::move(*this);
  }
  SqlError&& WithHint(std::string hint) && {
    info_.hint = std::move(hint);
    return std::move(*this);
  }
  SqlError&& WithPosition(int position) && {
    info_.position = position;
    return std::move(*this);
  }
  SqlError&& WithContext(std::string context) && {
    info_.context = std::move(context);
    return std::move(*this);
  }

 private:
  ErrorInfo info_;
};

// Result of an operation that can fail without throwing (storage layer). OK is a null pointer and costs
// nothing, as in LevelDB.
class Status {
 public:
  Status() = default;
  Status(SqlState state, std::string message)
      : info_(std::make_unique<ErrorInfo>(ErrorInfo{state, std::move(message), {}, {}, 0, {}})) {}
  Status(const Status& other) : info_(other.info_ ? std::make_unique<ErrorInfo>(*other.info_) : nullptr) {}
  Status& operator=(const Status& other) {
    info_ = other.info_ ? std::make_unique<ErrorInfo>(*other.info_) : nullptr;
    return *this;
  }
  Status(Status&&) = default;
  Status& operator=(Status&&) = default;

  static Status Ok() { return Status(); }
  bool ok() const { return info_ == nullptr; }
  const ErrorInfo& info() const { return *info_; }
  // REQUIRES: !ok().
  SqlState state() const { return info_->state; }

  // REQUIRES: !ok().
  Status&& WithDetail(std::string detail) && {
    info_->detail = std::move(detail);
    return std::move(*this);
  }

  // Throws SqlError when not ok; used where storage meets the engine.
  void ThrowIfError() const {
    if (info_) throw SqlError(*info_);
  }

 private:
  std::unique_ptr<ErrorInfo> info_;
};

}  // namespace tessera
