// SPDX-License-Identifier: Apache-2.0
// The crash test's model of acknowledged rows, and its check against the table after a restart.
#include "test/crash/crash_model.h"

#include <algorithm>
#include <set>

namespace tessera::crash {
namespace {

constexpr size_t kMaxProblemsListed = 20;

std::string Describe(RowState state) { return state ? "version " + std::to_string(*state) : "absent"; }

std::string DescribeObserved(const std::vector<const ObservedRow*>& rows) {
  if (rows.empty()) return "absent";
  std::string text;
  for (const ObservedRow* row : rows) {
    if (!text.empty()) text += ", ";
    text += "version " + std::to_string(row->version) + " payload '" + row->payload + "'";
  }
  return text;
}

void AddProblem(VerifyReport& report, std::string problem) {
  if (report.problems.size() < kMaxProblemsListed) report.problems.push_back(std::move(problem));
}

// Returns true when ROWS show exactly STATE (one row with the right version and payload, or none).
bool Matches(int32_t client, int64_t seq, RowState state, const std::vector<const ObservedRow*>& rows) {
  if (!state) return rows.empty();
  return rows.size() == 1 && rows[0]->version == *state && rows[0]->payload == Payload(client, seq, *state);
}

}  // namespace

std::string Payload(int32_t client, int64_t seq, int64_t version) {
  return "c" + std::to_string(client) + "-s" + std::to_string(seq) + "-v" + std::to_string(version);
}

RowState ClientModel::Current(int64_t seq) const {
  if (auto change = pending_.find(seq); change != pending_.end()) return change->second.after;
  auto known = acknowledged_.find(seq);
  return known == acknowledged_.end() ? std::nullopt : known->second;
}

std::optional<int64_t> ClientModel::PickLiveRow(uint64_t pick) const {
  if (live_.empty()) return std::nullopt;
  return live_[pick % live_.size()];
}

void ClientModel::Set(int64_t seq, RowState after) {
  auto [change, inserted] = pending_.try_emplace(seq, Change{Current(seq), after});
  if (!inserted) change->second.after = after;
}

void ClientModel::Acknowledge(int64_t seq, RowState state) {
  RowState& known = acknowledged_[seq];
  const bool was_live = known.has_value();
  known = state;
  if (was_live && !state) live_.erase(std::find(live_.begin(), live_.end(), seq));
  if (!was_live && state) live_.push_back(seq);
}

void ClientModel::Commit() {
  for (const auto& [seq, change] : pending_) Acknowledge(seq, change.after);
  pending_.clear();
  ++acknowledged_txns_;
}

void ClientModel::Rollback() {
  // Keys the transaction inserted stay known, as absent: they must never appear.
  for (const auto& [seq, change] : pending_) acknowledged_.try_emplace(seq, change.before);
  pending_.clear();
}

void ClientModel::BreakAfterCommitSent() {
  in_flight_ = std::move(pending_);
  pending_.clear();
}

void ClientModel::CheckKey(int64_t seq, const std::vector<const ObservedRow*>& rows, VerifyReport& report,
                           int* committed_votes, int* aborted_votes) const {
  const std::string key = "row (" + std::to_string(client_) + ", " + std::to_string(seq) + ")";
  ++report.rows_checked;
  if (rows.size() > 1) {
    ++report.rows_duplicated;
    AddProblem(report, key + " is there " + std::to_string(rows.size()) + " times: " + DescribeObserved(rows));
    return;
  }
  RowState expected;
  if (auto change = in_flight_.find(seq); change != in_flight_.end()) {
    const bool as_before = Matches(client_, seq, change->second.before, rows);
    const bool as_after = Matches(client_, seq, change->second.after, rows);
    if (as_before != as_after) ++(as_after ? *committed_votes : *aborted_votes);
    if (as_before || as_after) return;
    expected = change->second.after ? change->second.after : change->second.before;
    AddProblem(report, key + " (in flight) should be " + Describe(change->second.before) + " or " +
                           Describe(change->second.after) + ", found " + DescribeObserved(rows));
  } else if (auto known = acknowledged_.find(seq); known != acknowledged_.end()) {
    expected = known->second;
    if (Matches(client_, seq, expected, rows)) return;
    AddProblem(report, key + " should be " + Describe(expected) + " (acknowledged), found " + DescribeObserved(rows));
  } else {
    AddProblem(report, key + " was never written, found " + DescribeObserved(rows));
  }
  if (rows.empty()) {
    ++report.rows_lost;
  } else if (!expected) {
    ++report.rows_wrongly_present;
  } else {
    ++report.rows_wrong_version;
  }
}

void ClientModel::CheckAndSettle(const std::map<int64_t, std::vector<const ObservedRow*>>& observed,
                                 VerifyReport& report) {
  static const std::vector<const ObservedRow*> kNone;
  std::set<int64_t> keys;  // every key known to the model or the server
  for (const auto& entry : acknowledged_) keys.insert(entry.first);
  for (const auto& entry : in_flight_) keys.insert(entry.first);
  for (const auto& entry : observed) keys.insert(entry.first);
  int committed_votes = 0;
  int aborted_votes = 0;
  for (int64_t seq : keys) {
    auto rows = observed.find(seq);
    CheckKey(seq, rows == observed.end() ? kNone : rows->second, report, &committed_votes, &aborted_votes);
  }
  report.acknowledged_txns += acknowledged_txns_;
  if (in_flight_.empty()) return;
  if (committed_votes > 0 && aborted_votes > 0) {
    ++report.torn_txns;
    AddProblem(report, "client " + std::to_string(client_) + "'s in-flight transaction is partly applied (" +
                           std::to_string(committed_votes) + " rows committed, " + std::to_string(aborted_votes) +
                           " not)");
  }
  // Settle: the server's state of each in-flight key is now the known one.
  for (const auto& [seq, change] : in_flight_) {
    auto rows = observed.find(seq);
    RowState now = rows == observed.end() || rows->second.empty() ? std::nullopt
                                                                     : RowState(rows->second[0]->version);
    Acknowledge(seq, now);
  }
  if (committed_votes > 0) {
    ++report.in_flight_committed;
    ++acknowledged_txns_;
  } else {
    ++report.in_flight_aborted;
  }
  in_flight_.clear();
}

VerifyReport Verify(std::vector<ClientModel>& models, const std::vector<ObservedRow>& rows) {
  VerifyReport report;
  std::map<int32_t, std::map<int64_t, std::vector<const ObservedRow*>>> by_client;
  for (const ObservedRow& row : rows) by_client[row.client][row.seq].push_back(&row);
  for (ClientModel& model : models) {
    auto own = by_client.find(model.client());
    static const std::map<int64_t, std::vector<const ObservedRow*>> kNoRows;
    model.CheckAndSettle(own == by_client.end() ? kNoRows : own->second, report);
    if (own != by_client.end()) by_client.erase(own);
  }
  for (const auto& [client, keys] : by_client) {
    for (const auto& [seq, observed] : keys) {
      report.rows_wrongly_present += static_cast<int64_t>(observed.size());
      AddProblem(report, "row (" + std::to_string(client) + ", " + std::to_string(seq) +
                             ") belongs to no client: " + DescribeObserved(observed));
    }
  }
  return report;
}

}  // namespace tessera::crash
