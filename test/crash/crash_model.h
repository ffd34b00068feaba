// SPDX-License-Identifier: Apache-2.0
// What the crash test's clients know about their rows, and the check of a table against it.
//
// Every client owns the rows with its client number; a row's key is (client, seq) and it carries a
// version that UPDATEs bump. A client records each transaction's changes while it runs (Set), and
// when it ends: Commit (COMMIT returned OK: acknowledged), Rollback (ROLLBACK, or the connection broke
// before COMMIT was sent: it cannot have committed) or Broken with the commit sent (outcome unknown:
// the rows may be in either their old or their new state, but all of them in the same one).
//
// Verify then compares what the server returns after a restart with every client's model:
//   - an acknowledged row must be there exactly once, with its last acknowledged version (else lost,
//     wrong version or duplicated);
//   - a deleted, rolled-back or never-committed row must be absent (else wrongly present);
//   - in-flight rows may be in either state, but one transaction's rows all in the same (else torn).
// Afterwards each in-flight transaction is settled to what the server kept, so rounds continue.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tessera::crash {

// A row's state: absent (nullopt) or present with this version.
using RowState = std::optional<int64_t>;

// Returns the payload text of row (CLIENT, SEQ) at VERSION; the check compares it too.
std::string Payload(int32_t client, int64_t seq, int64_t version);

// One row the server returned.
struct ObservedRow {
  int32_t client = 0;
  int64_t seq = 0;
  int64_t version = 0;
  std::string payload;
};

struct VerifyReport {
  int64_t rows_checked = 0;        // keys compared with the model
  int64_t acknowledged_txns = 0;   // acknowledged transactions whose effects were compared
  int64_t in_flight_committed = 0;
  int64_t in_flight_aborted = 0;
  int64_t rows_lost = 0;           // acknowledged present, observed absent
  int64_t rows_wrong_version = 0;  // present, but another version or payload than allowed
  int64_t rows_wrongly_present = 0;  // must be absent (deleted, rolled back, never written)
  int64_t rows_duplicated = 0;     // one key observed more than once
  int64_t torn_txns = 0;           // an in-flight transaction partly applied
  std::vector<std::string> problems;  // the first few violations, described

  int64_t violations() const {
    return rows_lost + rows_wrong_version + rows_wrongly_present + rows_duplicated + torn_txns;
  }
};

// Thread safety: one client thread changes its model; Verify runs when no client runs.
class ClientModel {
 public:
  explicit ClientModel(int32_t client) : client_(client) {}

  int32_t client() const { return client_; }
  // Returns a key never used before.
  int64_t NewSeq() { return next_seq_++; }
  // Returns the state the open transaction sees: its own change, else the acknowledged state.
  RowState Current(int64_t seq) const;
  // Returns an acknowledged present row chosen by PICK (any number), or nullopt when there is none.
  std::optional<int64_t> PickLiveRow(uint64_t pick) const;

  // Records that the open transaction moves SEQ to AFTER.
  void Set(int64_t seq, RowState after);
  // COMMIT (or an autocommit statement) returned OK.
  void Commit();
  // The transaction rolled back, or cannot have committed.
  void Rollback();
  // The connection broke after COMMIT (or an autocommit statement) was sent: outcome unknown.
  void BreakAfterCommitSent();

  int64_t acknowledged_txns() const { return acknowledged_txns_; }
  bool has_in_flight() const { return !in_flight_.empty(); }

  // Compares the rows the server holds for this client (OBSERVED: each key's versions, more than one
  // when duplicated) with the model, adds to REPORT, and settles the in-flight transaction.
  void CheckAndSettle(const std::map<int64_t, std::vector<const ObservedRow*>>& observed,
                      VerifyReport& report);

 private:
  struct Change {
    RowState before;
    RowState after;
  };
  void Acknowledge(int64_t seq, RowState state);
  void CheckKey(int64_t seq, const std::vector<const ObservedRow*>& rows, VerifyReport& report,
                int* committed_votes, int* aborted_votes) const;

  int32_t client_;
  int64_t next_seq_ = 1;
  std::map<int64_t, RowState> acknowledged_;  // every key ever used, absent ones included
  std::vector<int64_t> live_;                 // acknowledged present keys, for picking
  std::map<int64_t, Change> pending_;         // the open transaction
  std::map<int64_t, Change> in_flight_;       // a transaction whose COMMIT's outcome is unknown
  int64_t acknowledged_txns_ = 0;
};

// Compares ROWS (the whole table) with MODELS (indexed by client number) and settles in-flight
// transactions to what ROWS show.
VerifyReport Verify(std::vector<ClientModel>& models, const std::vector<ObservedRow>& rows);

}  // namespace tessera::crash
