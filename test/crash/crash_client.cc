// SPDX-License-Identifier: Apache-2.0
// The crash test's client loop over libpq: random transactions on the client's own rows.
#include "test/crash/crash_client.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <random>

namespace tessera::crash {
namespace {

enum class ExecOutcome { kOk, kBroken, kError };

// One libpq connection. Tells a broken connection (the server died) from an SQL error.
class Session {
 public:
  // Server notices (PostgreSQL's "terminating connection" on a crash) are not printed.
  explicit Session(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str()), &PQfinish) {
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
  }

  bool connected() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  std::string last_error() const { return last_error_; }
  int64_t affected_rows() const { return affected_rows_; }
  const std::string& command_status() const { return command_status_; }

  // Runs SQL; on kOk affected_rows() and command_status() describe it; rows go to RESULT when given.
  ExecOutcome Exec(const std::string& sql, PGresult** result = nullptr) {
    PGresult* raw = PQexec(conn_.get(), sql.c_str());
    std::unique_ptr<PGresult, void (*)(PGresult*)> owned(raw, &PQclear);
    const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      affected_rows_ = std::atoll(PQcmdTuples(raw));
      command_status_ = PQcmdStatus(raw);
      if (result != nullptr) *result = owned.release();
      return ExecOutcome::kOk;
    }
    const char* sqlstate = raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    const std::string code = sqlstate == nullptr ? "" : sqlstate;
    last_error_ = (code.empty() ? "" : "[" + code + "] ") + PQerrorMessage(conn_.get()) + " in: " + sql;
    // 57P01-57P03: the server is shutting down or crashed; 08xxx: connection failures.
    if (PQstatus(conn_.get()) == CONNECTION_BAD || code.empty() || code.rfind("57P", 0) == 0 ||
        code.rfind("08", 0) == 0) {
      return ExecOutcome::kBroken;
    }
    return ExecOutcome::kError;
  }

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
  std::string last_error_;
  int64_t affected_rows_ = 0;
  std::string command_status_;
};

// A row change: an INSERT of new keys, or an UPDATE/DELETE of one key.
struct Step {
  enum class Kind { kInsert, kUpdate, kDelete } kind;
  std::vector<int64_t> seqs;
};

class Workload {
 public:
  Workload(Session& session, ClientModel& model, uint64_t seed, ClientRun& run)
      : session_(session), model_(model), random_(seed), run_(run) {}

  // Runs one random transaction. Returns false when the client must stop.
  bool RunOne() {
    const int choice = Uniform(0, 99);
    if (choice < 35) return Autocommit(InsertStep(1));
    if (choice < 45) return Autocommit(InsertStep(Uniform(2, 4)));
    if (choice < 60) return Explicit(Uniform(2, 5), /*commit=*/true);
    if (choice < 78) return Autocommit(ChangeStep(Step::Kind::kUpdate));
    if (choice < 88) return Autocommit(ChangeStep(Step::Kind::kDelete));
    return Explicit(Uniform(1, 4), /*commit=*/false);
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  Step InsertStep(int num_rows) {
    Step step{Step::Kind::kInsert, {}};
    for (int row = 0; row < num_rows; ++row) step.seqs.push_back(model_.NewSeq());
    return step;
  }

  // Returns an update or delete of a row the open transaction sees, else an insert.
  Step ChangeStep(Step::Kind kind) {
    std::optional<int64_t> seq = model_.PickLiveRow(random_());
    if (!seq || !model_.Current(*seq)) return InsertStep(1);
    return Step{kind, {*seq}};
  }

  Step RandomStep() {
    const int choice = Uniform(0, 9);
    if (choice < 5) return InsertStep(Uniform(1, 3));
    return ChangeStep(choice < 8 ? Step::Kind::kUpdate : Step::Kind::kDelete);
  }

  // Records STEP in the model and returns its SQL.
  std::string Apply(const Step& step) {
    const std::string client = std::to_string(model_.client());
    if (step.kind == Step::Kind::kInsert) {
      std::string sql = std::string("INSERT INTO ") + kCrashTable + " VALUES ";
      for (size_t index = 0; index < step.seqs.size(); ++index) {
        const int64_t seq = step.seqs[index];
        model_.Set(seq, 1);
        sql += (index > 0 ? ", (" : "(") + client + ", " + std::to_string(seq) + ", 1, '" +
               Payload(model_.client(), seq, 1) + "')";
      }
      return sql;
    }
    const int64_t seq = step.seqs[0];
    const std::string where = " WHERE client = " + client + " AND seq = " + std::to_string(seq);
    if (step.kind == Step::Kind::kDelete) {
      model_.Set(seq, std::nullopt);
      return std::string("DELETE FROM ") + kCrashTable + where;
    }
    const int64_t version = *model_.Current(seq) + 1;
    model_.Set(seq, version);
    return std::string("UPDATE ") + kCrashTable + " SET version = " + std::to_string(version) + ", payload = '" +
           Payload(model_.client(), seq, version) + "'" + where;
  }

  // Runs STEP's statement inside the open transaction. Returns false when the client must stop.
  bool Execute(const Step& step, bool commit_point) {
    const ExecOutcome outcome = session_.Exec(Apply(step));
    if (outcome == ExecOutcome::kBroken) return Broken(commit_point);
    if (outcome == ExecOutcome::kError) return Failed(session_.last_error());
    if (session_.affected_rows() != static_cast<int64_t>(step.seqs.size())) {
      return Failed("statement changed " + std::to_string(session_.affected_rows()) + " rows instead of " +
                    std::to_string(step.seqs.size()) + " for keys of client " + std::to_string(model_.client()));
    }
    return true;
  }

  bool Autocommit(const Step& step) {
    if (!Execute(step, /*commit_point=*/true)) return false;
    model_.Commit();
    return true;
  }

  bool Explicit(int num_steps, bool commit) {
    if (!Run("BEGIN", /*commit_point=*/false)) return false;
    for (int index = 0; index < num_steps; ++index) {
      if (!Execute(RandomStep(), /*commit_point=*/false)) return false;
    }
    if (!commit) {
      if (!Run("ROLLBACK", /*commit_point=*/false)) return false;
      model_.Rollback();
      return true;
    }
    if (!Run("COMMIT", /*commit_point=*/true)) return false;
    if (session_.command_status() != "COMMIT") return Failed("COMMIT answered " + session_.command_status());
    model_.Commit();
    return true;
  }

  bool Run(const std::string& sql, bool commit_point) {
    const ExecOutcome outcome = session_.Exec(sql);
    if (outcome == ExecOutcome::kBroken) return Broken(commit_point);
    if (outcome == ExecOutcome::kError) return Failed(session_.last_error());
    return true;
  }

  // The connection broke: before the commit point the transaction cannot have committed.
  bool Broken(bool commit_point) {
    if (commit_point) {
      model_.BreakAfterCommitSent();
    } else {
      model_.Rollback();
    }
    run_.connection_broke = true;
    return false;
  }

  bool Failed(const std::string& error) {
    run_.errors.push_back("client " + std::to_string(model_.client()) + ": " + error);
    session_.Exec("ROLLBACK");
    model_.Rollback();
    return false;
  }

  Session& session_;
  ClientModel& model_;
  std::mt19937_64 random_;
  ClientRun& run_;
};

}  // namespace

ClientRun RunClient(const std::string& conninfo, ClientModel& model, uint64_t seed, int64_t max_txns) {
  ClientRun run;
  Session session(conninfo);
  if (!session.connected()) {
    run.connection_broke = true;
    return run;
  }
  Workload workload(session, model, seed, run);
  while (run.transactions < max_txns) {
    ++run.transactions;
    if (!workload.RunOne()) break;
  }
  return run;
}

std::string CreateCrashTable(const std::string& conninfo, const std::string& table_options) {
  Session session(conninfo);
  const std::string sql = std::string("CREATE TABLE ") + kCrashTable +
                          " (client INTEGER NOT NULL, seq BIGINT NOT NULL, version BIGINT NOT NULL, "
                          "payload TEXT NOT NULL, PRIMARY KEY (client, seq)) " + table_options;
  return session.Exec(sql) == ExecOutcome::kOk ? "" : session.last_error();
}

std::string ReadCrashTable(const std::string& conninfo, std::vector<ObservedRow>& rows) {
  Session session(conninfo);
  PGresult* raw = nullptr;
  const std::string sql = std::string("SELECT client, seq, version, payload FROM ") + kCrashTable;
  if (session.Exec(sql, &raw) != ExecOutcome::kOk) return session.last_error();
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(raw, &PQclear);
  rows.clear();
  for (int row = 0; row < PQntuples(raw); ++row) {
    rows.push_back(ObservedRow{std::atoi(PQgetvalue(raw, row, 0)), std::atoll(PQgetvalue(raw, row, 1)),
                               std::atoll(PQgetvalue(raw, row, 2)), PQgetvalue(raw, row, 3)});
  }
  return "";
}

}  // namespace tessera::crash
