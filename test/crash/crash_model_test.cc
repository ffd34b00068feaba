// SPDX-License-Identifier: Apache-2.0
// ClientModel and Verify: every kind of violation is caught, and every allowed outcome passes.
#include "test/crash/crash_model.h"

#include <doctest/doctest.h>

namespace tessera::crash {
namespace {

ObservedRow Row(int32_t client, int64_t seq, int64_t version) {
  return ObservedRow{client, seq, version, Payload(client, seq, version)};
}

// Client 1 with acknowledged rows 1 (version 2) and 3 (version 1); row 2 was deleted, row 4 rolled back.
std::vector<ClientModel> AcknowledgedModels() {
  std::vector<ClientModel> models{ClientModel(1)};
  ClientModel& model = models[0];
  for (int64_t seq = 1; seq <= 3; ++seq) model.Set(model.NewSeq(), 1);
  model.Commit();
  model.Set(1, 2);
  model.Set(2, std::nullopt);
  model.Commit();
  model.Set(model.NewSeq(), 1);
  model.Rollback();
  return models;
}

const std::vector<ObservedRow> kCorrect = {Row(1, 1, 2), Row(1, 3, 1)};

}  // namespace

TEST_SUITE("CrashModel") {
  TEST_CASE("the acknowledged state passes and counts its transactions") {
    auto models = AcknowledgedModels();
    VerifyReport report = Verify(models, kCorrect);
    CHECK(report.violations() == 0);
    CHECK(report.acknowledged_txns == 2);
    CHECK(report.rows_checked == 4);
  }

  TEST_CASE("each violation is counted in its own category") {
    struct Case {
      const char* what;
      std::vector<ObservedRow> rows;
      int64_t VerifyReport::*counter;
    };
    const std::vector<Case> cases = {
        {"an acknowledged row is missing", {Row(1, 1, 2)}, &VerifyReport::rows_lost},
        {"an old version came back", {Row(1, 1, 1), Row(1, 3, 1)}, &VerifyReport::rows_wrong_version},
        {"the payload does not match", {Row(1, 1, 2), ObservedRow{1, 3, 1, "junk"}}, &VerifyReport::rows_wrong_version},
        {"a deleted row came back", {Row(1, 1, 2), Row(1, 2, 1), Row(1, 3, 1)}, &VerifyReport::rows_wrongly_present},
        {"a rolled-back row is there", {Row(1, 1, 2), Row(1, 3, 1), Row(1, 4, 1)}, &VerifyReport::rows_wrongly_present},
        {"a row never written is there", {Row(1, 1, 2), Row(1, 3, 1), Row(1, 99, 1)}, &VerifyReport::rows_wrongly_present},
        {"a row of an unknown client is there", {Row(1, 1, 2), Row(1, 3, 1), Row(7, 1, 1)}, &VerifyReport::rows_wrongly_present},
        {"a row is there twice", {Row(1, 1, 2), Row(1, 3, 1), Row(1, 3, 1)}, &VerifyReport::rows_duplicated},
    };
    for (const Case& test : cases) {
      CAPTURE(test.what);
      auto models = AcknowledgedModels();
      VerifyReport report = Verify(models, test.rows);
      CHECK(report.*test.counter == 1);
      CHECK(report.violations() == 1);
      CHECK(report.problems.size() == 1);
    }
  }

  TEST_CASE("an in-flight transaction may be applied or not, but not in part") {
    for (int outcome = 0; outcome < 3; ++outcome) {
      CAPTURE(outcome);
      auto models = AcknowledgedModels();
      ClientModel& model = models[0];
      model.Set(1, 3);          // update
      model.Set(3, std::nullopt);  // delete
      model.Set(5, 1);          // insert
      model.BreakAfterCommitSent();
      std::vector<ObservedRow> rows;
      if (outcome == 0) rows = kCorrect;                            // not committed
      if (outcome == 1) rows = {Row(1, 1, 3), Row(1, 5, 1)};        // committed
      if (outcome == 2) rows = {Row(1, 1, 3), Row(1, 3, 1)};        // torn: update kept, insert lost
      VerifyReport report = Verify(models, rows);
      CHECK(report.torn_txns == (outcome == 2 ? 1 : 0));
      CHECK(report.violations() == (outcome == 2 ? 1 : 0));
      CHECK(report.in_flight_committed == (outcome == 1 ? 1 : 0) + (outcome == 2 ? 1 : 0));
      // The in-flight transaction is settled: checking the same rows again is clean.
      CHECK(Verify(models, rows).violations() == 0);
    }
  }

  TEST_CASE("a transaction that broke before COMMIT was sent must not be there") {
    auto models = AcknowledgedModels();
    models[0].Set(5, 1);
    models[0].Rollback();  // what the client does when the connection breaks before COMMIT
    VerifyReport report = Verify(models, {Row(1, 1, 2), Row(1, 3, 1), Row(1, 5, 1)});
    CHECK(report.rows_wrongly_present == 1);
  }

  TEST_CASE("Current sees the open transaction's own changes") {
    ClientModel model(2);
    const int64_t seq = model.NewSeq();
    model.Set(seq, 1);
    CHECK(model.Current(seq) == RowState(1));
    CHECK_FALSE(model.PickLiveRow(0).has_value());  // not acknowledged yet
    model.Commit();
    CHECK(model.PickLiveRow(12345) == seq);
    model.Set(seq, std::nullopt);
    CHECK_FALSE(model.Current(seq).has_value());
    model.Rollback();
    CHECK(model.Current(seq) == RowState(1));
  }
}

}  // namespace tessera::crash
