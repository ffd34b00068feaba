// SPDX-License-Identifier: Apache-2.0
// Version stamps and snapshots: how a row version says who created and who deleted it, and which versions
// a reader sees (multi-version concurrency control; storage/transaction.h hands them out).
//
// Every row version carries two stamps, `begin` (who inserted it) and `end` (who deleted it). A stamp is
//   - a commit sequence number (CSN) in [1, kFirstTxnId): the transaction that committed with that CSN;
//   - a transaction id in [kFirstTxnId, kNever): a transaction that has not finished committing or
//     aborting (its writer rewrites the stamp to its CSN at commit, to kNever at abort);
//   - kNever: `begin` of a version whose insert was aborted, `end` of a version nobody deleted.
// A snapshot sees the commits with CSN <= its `csn`, plus its own transaction's writes.
#pragma once

#include <cstdint>

namespace tessera::storage {

using Stamp = uint64_t;

constexpr Stamp kFirstTxnId = Stamp{1} << 62;
constexpr Stamp kNever = ~Stamp{0};
// The largest CSN: a snapshot with it sees every finished commit.
constexpr Stamp kLatestCsn = kFirstTxnId - 1;

inline bool IsTxnId(Stamp stamp) { return stamp >= kFirstTxnId && stamp != kNever; }
inline bool IsCsn(Stamp stamp) { return stamp < kFirstTxnId; }

struct Snapshot {
  Stamp csn = kLatestCsn;  // sees commits with CSN <= csn
  Stamp txn_id = 0;        // the reader's own transaction (0: none); sees its writes
  // Sees every version whose insert was not aborted, deleted or not (building an index).
  bool all_versions = false;

  // Whether the change stamped `stamp` happened before this snapshot (kNever never did).
  bool Sees(Stamp stamp) const { return stamp <= csn || (stamp == txn_id && txn_id != 0); }
  // Whether a version stamped (begin, end) is visible.
  bool Sees(Stamp begin, Stamp end) const {
    if (all_versions) return begin != kNever;
    return Sees(begin) && !Sees(end);
  }

  static Snapshot AllVersions() {
    Snapshot snapshot;
    snapshot.all_versions = true;
    return snapshot;
  }
};

}  // namespace tessera::storage
