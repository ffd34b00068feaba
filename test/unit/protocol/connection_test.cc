// SPDX-License-Identifier: Apache-2.0
// Tests of the Connection state machine without sockets: frames in, exact backend messages out, over a
// real Session and Database.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/cancel_registry.h"
#include "protocol/connection.h"
#include "wire_client.h"

namespace tessera::protocol {
namespace {

using testing::DataRows;
using testing::FirstErrorCode;
using testing::MessageTypes;

class StringSink : public MessageSink {
 public:
  bool Send(std::string bytes) override {
    data += bytes;
    return open;
  }
  std::string data;
  bool open = true;
};

// A Connection over a string sink, fed encoded messages.
class Harness {
 public:
  Harness() : connection_(database_.database(), registry_, sink_) {}

  // Feeds one message; returns HandleFrame's answer.
  bool Feed(const FrontendMessage& message) {
    std::string bytes;
    EncodeFrontendMessage(message, &bytes);
    bool startup = std::holds_alternative<StartupMessage>(message) || std::holds_alternative<SslRequest>(message) ||
                   std::holds_alternative<GssEncRequest>(message) || std::holds_alternative<CancelRequest>(message);
    Frame frame;
    frame.type = startup ? 0 : bytes[0];
    frame.body = bytes.substr(startup ? 4 : 5);
    return connection_.HandleFrame(frame);
  }
  bool FeedAll(const std::vector<FrontendMessage>& messages) {
    bool open = true;
    for (const FrontendMessage& message : messages) open = Feed(message);
    connection_.Flush();
    return open;
  }
  // Parses and clears what the connection has sent.
  std::vector<BackendMessage> Take() {
    std::vector<BackendMessage> messages;
    size_t used = ParseBackendMessages(sink_.data, &messages);
    CHECK(used == sink_.data.size());
    sink_.data.clear();
    return messages;
  }
  bool Start() {
    bool open = Feed(StartupMessage{kProtocolVersion3, {{"user", "alice"}, {"database", "tessera"}}});
    Take();
    return open;
  }
  std::vector<BackendMessage> Query(const std::string& sql) {
    Feed(QueryMessage{sql});
    return Take();
  }

  Connection& connection() { return connection_; }
  StringSink& sink() { return sink_; }
  CancelRegistry& registry() { return registry_; }

 private:
  testing::TestDatabase database_;
  CancelRegistry registry_;
  StringSink sink_;
  Connection connection_;
};

ErrorFields FirstError(const std::vector<BackendMessage>& messages) {
  for (const BackendMessage& message : messages) {
    if (const auto* error = std::get_if<ErrorResponse>(&message)) return error->fields;
  }
  FAIL("no ErrorResponse");
  return ErrorFields();
}

TEST_SUITE("Connection") {
  TEST_CASE("startup answers AuthenticationOk, ParameterStatus, BackendKeyData and ReadyForQuery") {
    Harness harness;
    CHECK(harness.Feed(StartupMessage{kProtocolVersion3, {{"user", "alice"}}}));
    std::vector<BackendMessage> messages = harness.Take();
    REQUIRE(messages.size() >= 3);
    CHECK(std::holds_alternative<AuthenticationOk>(messages.front()));
    CHECK(std::get<ReadyForQuery>(messages.back()).transaction_status == 'I');
    const auto& key = std::get<BackendKeyData>(messages[messages.size() - 2]);
    REQUIRE(harness.connection().backend_key().has_value());
    CHECK(key.process_id == harness.connection().backend_key()->process_id);
    CHECK(key.secret_key == harness.connection().backend_key()->secret_key);
    bool has_server_version = false;
    for (const BackendMessage& message : messages) {
      if (const auto* status = std::get_if<ParameterStatus>(&message)) {
        has_server_version |= status->name == "server_version";
      }
    }
    CHECK(has_server_version);
    CHECK(harness.registry().size() == 1);
  }

  TEST_CASE("SSLRequest and GSSENCRequest are declined with N once each") {
    Harness harness;
    CHECK(harness.Feed(SslRequest{}));
    CHECK(harness.sink().data == "N");
    harness.sink().data.clear();
    CHECK(harness.Feed(GssEncRequest{}));
    CHECK(harness.sink().data == "N");
    harness.sink().data.clear();
    CHECK(!harness.Feed(SslRequest{}));
    ErrorFields error = FirstError(harness.Take());
    CHECK(error.severity == "FATAL");
    CHECK(error.code == "0A000");
    CHECK(error.message == "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");
  }

  TEST_CASE("protocol versions other than 3.x are refused with FATAL 0A000") {
    Harness harness;
    CHECK(!harness.Feed(StartupMessage{2 << 16, {{"user", "alice"}}}));
    ErrorFields error = FirstError(harness.Take());
    CHECK(error.severity == "FATAL");
    CHECK(error.code == "0A000");
    CHECK(error.message == "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
    CHECK(!harness.connection().fatal_error().empty());
  }

  TEST_CASE("a newer 3.x minor version or _pq_ options get NegotiateProtocolVersion first") {
    Harness harness;
    CHECK(harness.Feed(StartupMessage{(3 << 16) | 1, {{"user", "alice"}, {"_pq_.magic", "1"}}}));
    std::vector<BackendMessage> messages = harness.Take();
    REQUIRE(!messages.empty());
    CHECK(messages[0] == BackendMessage(NegotiateProtocolVersion{0, {"_pq_.magic"}}));
    CHECK(std::holds_alternative<AuthenticationOk>(messages[1]));
  }

  TEST_CASE("a StartupMessage without user is refused with FATAL 28000") {
    Harness harness;
    CHECK(!harness.Feed(StartupMessage{kProtocolVersion3, {{"database", "tessera"}}}));
    ErrorFields error = FirstError(harness.Take());
    CHECK(error.code == "28000");
    CHECK(error.message == "no PostgreSQL user name specified in startup packet");
  }

  TEST_CASE("simple query sends RowDescription, DataRow, CommandComplete, ReadyForQuery") {
    Harness harness;
    REQUIRE(harness.Start());
    std::vector<BackendMessage> messages = harness.Query("select 1");
    CHECK(MessageTypes(messages) == "TDCZ");
    const auto& description = std::get<RowDescription>(messages[0]);
    REQUIRE(description.fields.size() == 1);
    CHECK(description.fields[0].name == "?column?");
    CHECK(description.fields[0].type_oid == 23);
    CHECK(description.fields[0].type_length == 4);
    CHECK(description.fields[0].format == 0);
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{"1"}});
    CHECK(std::get<CommandComplete>(messages[2]).tag == "SELECT 1");
  }

  TEST_CASE("an empty query string gets EmptyQueryResponse") {
    Harness harness;
    REQUIRE(harness.Start());
    CHECK(MessageTypes(harness.Query("")) == "IZ");
    CHECK(MessageTypes(harness.Query("  ; -- nothing\n")) == "IZ");
  }

  TEST_CASE("several statements run in order and stop at the first error") {
    Harness harness;
    REQUIRE(harness.Start());
    std::vector<BackendMessage> messages = harness.Query("select 1; select 1/0; select 2");
    CHECK(MessageTypes(messages) == "TDCEZ");
    CHECK(FirstErrorCode(messages) == "22012");
    CHECK(std::get<ReadyForQuery>(messages.back()).transaction_status == 'I');
  }

  TEST_CASE("an error inside BEGIN leaves the transaction failed until ROLLBACK") {
    Harness harness;
    REQUIRE(harness.Start());
    CHECK(std::get<ReadyForQuery>(harness.Query("begin").back()).transaction_status == 'T');
    CHECK(std::get<ReadyForQuery>(harness.Query("select 1/0").back()).transaction_status == 'E');
    std::vector<BackendMessage> messages = harness.Query("select 1");
    CHECK(FirstErrorCode(messages) == "25P02");
    CHECK(std::get<ReadyForQuery>(harness.Query("rollback").back()).transaction_status == 'I');
  }

  TEST_CASE("ROLLBACK TO a savepoint turns a failed block back into an open one") {
    Harness harness;
    REQUIRE(harness.Start());
    auto status = [&](const std::string& sql) { return std::get<ReadyForQuery>(harness.Query(sql).back()).transaction_status; };
    CHECK(status("savepoint s") == 'I');
    CHECK(status("begin") == 'T');
    CHECK(status("savepoint s") == 'T');
    CHECK(status("select 1/0") == 'E');
    CHECK(status("release s") == 'E');
    CHECK(status("rollback to nope") == 'E');
    CHECK(status("rollback to s") == 'T');
    CHECK(status("rollback to nope") == 'E');
    CHECK(status("rollback to s") == 'T');
    CHECK(status("release s") == 'T');
    CHECK(status("commit") == 'I');
  }

  TEST_CASE("extended query: Parse, Bind, Describe, Execute, Sync") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"s1", "select $1::int4 + 1 as answer", {}},
                     DescribeMessage{'S', "s1"},
                     BindMessage{"", "s1", {}, {std::string("41")}, {}},
                     DescribeMessage{'P', ""},
                     ExecuteMessage{"", 0},
                     SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "1tT2TDCZ");
    CHECK(std::get<ParameterDescription>(messages[1]).type_oids == std::vector<uint32_t>{23});
    CHECK(std::get<RowDescription>(messages[2]).fields[0].name == "answer");
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{"42"}});
    CHECK(std::get<CommandComplete>(messages[6]).tag == "SELECT 1");
  }

  TEST_CASE("binary parameters and results per column") {
    Harness harness;
    REQUIRE(harness.Start());
    BindMessage bind{"", "", {1}, {std::string("\0\0\0\x29", 4)}, {1, 0}};
    harness.FeedAll({ParseMessage{"", "select $1::int4 + 1, 'x'", {23}}, bind, DescribeMessage{'P', ""},
                     ExecuteMessage{"", 0}, SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "12TDCZ");
    const auto& description = std::get<RowDescription>(messages[2]);
    CHECK(description.fields[0].format == 1);
    CHECK(description.fields[1].format == 0);
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{std::string("\0\0\0\x2a", 4), "x"}});
  }

  TEST_CASE("Execute with a row limit suspends and resumes the portal") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"", "select * from generate_series(1, 5)", {}},
                     BindMessage{"", "", {}, {}, {}},
                     ExecuteMessage{"", 2},
                     ExecuteMessage{"", 2},
                     ExecuteMessage{"", 2},
                     ExecuteMessage{"", 2},
                     SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "12DDsDDsDCCZ");
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}});
    CHECK(std::get<CommandComplete>(messages[9]).tag == "SELECT 1");
    CHECK(std::get<CommandComplete>(messages[10]).tag == "SELECT 0");
  }

  TEST_CASE("an error skips messages until Sync") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"", "selec 1", {}}, BindMessage{}, ExecuteMessage{"", 0}, QueryMessage{"select 1"},
                     SyncMessage{}, QueryMessage{"select 2"}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZTDCZ");
    CHECK(FirstErrorCode(messages) == "42601");
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{"2"}});
  }

  TEST_CASE("Bind checks the statement, the parameter count and the format counts") {
    Harness harness;
    REQUIRE(harness.Start());
    struct Case {
      BindMessage bind;
      std::string code;
      std::string message;
    };
    std::vector<Case> cases = {
        {BindMessage{"", "nope", {}, {}, {}}, "26000", "prepared statement \"nope\" does not exist"},
        {BindMessage{"", "s", {}, {}, {}}, "08P01", "bind message supplies 0 parameters, but prepared statement \"s\" requires 1"},
        {BindMessage{"", "s", {0, 0}, {std::string("1")}, {}}, "08P01", "bind message has 2 parameter formats but 1 parameters"},
        {BindMessage{"", "s", {2}, {std::string("1")}, {}}, "08P01", "unsupported format code: 2"},
        {BindMessage{"", "s", {}, {std::string("1")}, {0, 0}}, "08P01", "bind message has 2 result formats but query has 1 columns"},
        {BindMessage{"", "s", {}, {std::string("x")}, {}}, "22P02", ""},
        {BindMessage{"", "s", {1}, {std::string("12345")}, {}}, "22P03", "incorrect binary data format in bind parameter 1"},
    };
    harness.FeedAll({ParseMessage{"s", "select $1::int4", {}}, SyncMessage{}});
    harness.Take();
    for (const Case& test_case : cases) {
      CAPTURE(test_case.code);
      harness.FeedAll({test_case.bind, SyncMessage{}});
      std::vector<BackendMessage> messages = harness.Take();
      CHECK(MessageTypes(messages) == "EZ");
      CHECK(FirstError(messages).code == test_case.code);
      if (!test_case.message.empty()) CHECK(FirstError(messages).message == test_case.message);
    }
  }

  TEST_CASE("a bad text parameter names the parameter in the context field") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"", "select $1::int4", {}}, BindMessage{"", "", {}, {std::string("x")}, {}},
                     SyncMessage{}});
    CHECK(FirstError(harness.Take()).context == "unnamed portal parameter $1");
  }

  TEST_CASE("named statements and portals: duplicates, missing ones, Close") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"s", "select 1", {}}, ParseMessage{"s", "select 2", {}}, SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "1EZ");
    CHECK(FirstError(messages).code == "42P05");
    CHECK(FirstError(messages).message == "prepared statement \"s\" already exists");

    harness.FeedAll({BindMessage{"p", "s", {}, {}, {}}, BindMessage{"p", "s", {}, {}, {}}, SyncMessage{}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "2EZ");
    CHECK(FirstError(messages).code == "42P03");

    harness.FeedAll({DescribeMessage{'P', "none"}, SyncMessage{}});
    CHECK(FirstError(harness.Take()).message == "portal \"none\" does not exist");
    harness.FeedAll({DescribeMessage{'X', "s"}, SyncMessage{}});
    CHECK(FirstError(harness.Take()).message == "invalid DESCRIBE message subtype 88");

    harness.FeedAll({CloseMessage{'S', "s"}, CloseMessage{'S', "never"}, CloseMessage{'P', "p"}, SyncMessage{}});
    CHECK(MessageTypes(harness.Take()) == "333Z");
    harness.FeedAll({BindMessage{"", "s", {}, {}, {}}, SyncMessage{}});
    CHECK(FirstError(harness.Take()).code == "26000");
  }

  TEST_CASE("a statement returning no rows is described with NoData") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"", "create table t (a int)", {}}, DescribeMessage{'S', ""}, BindMessage{},
                     DescribeMessage{'P', ""}, ExecuteMessage{"", 0}, SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "1tn2nCZ");
    CHECK(std::get<CommandComplete>(messages[5]).tag == "CREATE TABLE");
  }

  TEST_CASE("an empty statement executes as EmptyQueryResponse") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.FeedAll({ParseMessage{"", "", {}}, BindMessage{}, DescribeMessage{'P', ""}, ExecuteMessage{}, SyncMessage{}});
    CHECK(MessageTypes(harness.Take()) == "12nIZ");
  }

  TEST_CASE("CopyData outside COPY is ignored; Flush sends; Terminate closes") {
    Harness harness;
    REQUIRE(harness.Start());
    CHECK(harness.Feed(CopyDataMessage{"abc"}));
    CHECK(harness.Feed(CopyDoneMessage{}));
    CHECK(harness.Feed(ParseMessage{"", "select 1", {}}));
    CHECK(harness.Feed(FlushMessage{}));
    CHECK(MessageTypes(harness.Take()) == "1");
    CHECK(!harness.Feed(TerminateMessage{}));
  }

  TEST_CASE("COPY FROM STDIN: CopyInResponse, CopyData cut anywhere, CopyDone, then the rest of the Query") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.Query("create table t (a int, b text)");
    std::vector<BackendMessage> messages = harness.Query("copy t from stdin; select count(*) from t");
    REQUIRE(MessageTypes(messages) == "G");
    CHECK(std::get<CopyResponse>(messages[0]) == CopyResponse{true, 0, {0, 0}});
    harness.FeedAll({CopyDataMessage{"1\tone\n2\t"}, SyncMessage{}, FlushMessage{}, CopyDataMessage{"tw"},
                     CopyDataMessage{"o\n3\t\\N"}});
    CHECK(harness.Take().empty());  // Sync and Flush are ignored in copy-in mode
    harness.FeedAll({CopyDoneMessage{}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "CTDCZ");
    CHECK(std::get<CommandComplete>(messages[0]).tag == "COPY 3");
    CHECK(DataRows(messages) == std::vector<std::vector<std::string>>{{"3"}});
    CHECK(DataRows(harness.Query("select b from t where a = 3")) == std::vector<std::vector<std::string>>{{"NULL"}});
  }

  TEST_CASE("COPY FROM STDIN: CSV quotes, escapes and line breaks split across CopyData messages") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.Query("create table t (a int, b text)");
    CHECK(MessageTypes(harness.Query("copy t from stdin (format csv, escape '\\')")) == "G");
    harness.FeedAll({CopyDataMessage{"1,\"multi"}, CopyDataMessage{"\nline, \\"}, CopyDataMessage{"\"quoted\\"},
                     CopyDataMessage{"\"\"\r"}, CopyDataMessage{"\n2,plain\r\n3,\"\\\\\"\r\n"}, CopyDoneMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "CZ");
    CHECK(std::get<CommandComplete>(messages[0]).tag == "COPY 3");
    CHECK(DataRows(harness.Query("select b from t order by a")) ==
          std::vector<std::vector<std::string>>{{"multi\nline, \"quoted\""}, {"plain"}, {"\\"}});
  }

  TEST_CASE("COPY FROM STDIN errors: bad data, CopyFail, other messages; later CopyData is ignored") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.Query("create table t (a int)");
    // Fields are converted a batch at a time: a bad value is reported at the latest with CopyDone.
    CHECK(MessageTypes(harness.Query("copy t from stdin")) == "G");
    harness.FeedAll({CopyDataMessage{"1\n2\nx\n"}, CopyDoneMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZ");
    ErrorFields error = FirstError(messages);
    CHECK(error.code == "22P02");
    CHECK(error.context == "COPY t, line 3, column a: \"x\"");
    // A malformed line fails at once; the CopyData still arriving is ignored.
    CHECK(MessageTypes(harness.Query("copy t from stdin")) == "G");
    harness.FeedAll({CopyDataMessage{"1\n2\t3\n"}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZ");
    CHECK(FirstError(messages).code == "22P04");
    CHECK(FirstError(messages).context == "COPY t, line 2: \"2\t3\"");
    harness.FeedAll({CopyDataMessage{"4\n"}, CopyDoneMessage{}});
    CHECK(harness.Take().empty());
    CHECK(DataRows(harness.Query("select count(*) from t")) == std::vector<std::vector<std::string>>{{"0"}});

    CHECK(MessageTypes(harness.Query("copy t from stdin")) == "G");
    harness.FeedAll({CopyDataMessage{"1\n"}, CopyFailMessage{"user gave up"}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZ");
    CHECK(FirstError(messages).code == "57014");
    CHECK(FirstError(messages).message == "COPY from stdin failed: user gave up");

    CHECK(MessageTypes(harness.Query("copy t from stdin")) == "G");
    harness.FeedAll({QueryMessage{"select 1"}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZ");
    CHECK(FirstError(messages).code == "08P01");
    CHECK(FirstError(messages).message == "unexpected message type 0x51 during COPY from stdin");
    CHECK(DataRows(harness.Query("select count(*) from t")) == std::vector<std::vector<std::string>>{{"0"}});
  }

  TEST_CASE("COPY FROM STDIN inside a transaction block: an error fails the block, ROLLBACK restores") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.Query("create table t (a int primary key)");
    harness.Query("begin");
    harness.Query("copy t from stdin");
    harness.FeedAll({CopyDataMessage{"1\n2\n"}, CopyDoneMessage{}});
    CHECK(std::get<ReadyForQuery>(harness.Take().back()).transaction_status == 'T');
    harness.Query("copy t from stdin");
    harness.FeedAll({CopyDataMessage{"3\n1\n"}, CopyDoneMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(FirstError(messages).code == "23505");
    CHECK(FirstError(messages).context == "COPY t, line 2");
    CHECK(std::get<ReadyForQuery>(messages.back()).transaction_status == 'E');
    harness.Query("rollback");
    CHECK(DataRows(harness.Query("select count(*) from t")) == std::vector<std::vector<std::string>>{{"0"}});
  }

  TEST_CASE("COPY TO STDOUT: CopyOutResponse, one CopyData per row, CopyDone, COPY n") {
    Harness harness;
    REQUIRE(harness.Start());
    std::vector<BackendMessage> messages =
        harness.Query("copy (select i, case when i = 2 then null else 'v' || i end from generate_series(1, 3) i) to stdout");
    CHECK(MessageTypes(messages) == "HdddcCZ");
    CHECK(std::get<CopyResponse>(messages[0]) == CopyResponse{false, 0, {0, 0}});
    CHECK(std::get<CopyData>(messages[1]).data == "1\tv1\n");
    CHECK(std::get<CopyData>(messages[2]).data == "2\t\\N\n");
    CHECK(std::get<CommandComplete>(messages[5]).tag == "COPY 3");
    messages = harness.Query("copy (select 7::int2) to stdout (format binary)");
    CHECK(MessageTypes(messages) == "HddcCZ");
    CHECK(std::get<CopyResponse>(messages[0]) == CopyResponse{false, 1, {1}});
    CHECK(std::get<CopyData>(messages[1]).data == std::string("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\x02\0\x07", 27));
    CHECK(std::get<CopyData>(messages[2]).data == "\xff\xff");
  }

  TEST_CASE("COPY in extended query mode: Execute starts the sub-protocol, errors skip until Sync") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.Query("create table t (a int, b text)");
    harness.FeedAll({ParseMessage{"", "copy t from stdin (format csv)", {}}, BindMessage{}, DescribeMessage{'P', ""},
                     ExecuteMessage{"", 0}, SyncMessage{}});
    CHECK(MessageTypes(harness.Take()) == "12nG");
    harness.FeedAll({CopyDataMessage{"1,\"a,b\"\n"}, CopyDoneMessage{}, SyncMessage{}});
    std::vector<BackendMessage> messages = harness.Take();
    CHECK(MessageTypes(messages) == "CZ");
    CHECK(std::get<CommandComplete>(messages[0]).tag == "COPY 1");

    harness.FeedAll({ParseMessage{"", "copy t from stdin", {}}, BindMessage{}, ExecuteMessage{"", 0}, SyncMessage{}});
    CHECK(MessageTypes(harness.Take()) == "12G");
    harness.FeedAll({CopyDataMessage{"1\n"}, CopyDataMessage{"more\n"}, CopyDoneMessage{}, SyncMessage{}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "EZ");
    CHECK(FirstError(messages).code == "22P04");

    harness.FeedAll({ParseMessage{"", "copy t to stdout (format csv)", {}}, BindMessage{}, ExecuteMessage{"", 1},
                     SyncMessage{}});
    messages = harness.Take();
    CHECK(MessageTypes(messages) == "12HdcCZ");
    CHECK(std::get<CopyData>(messages[3]).data == "1,\"a,b\"\n");
  }

  TEST_CASE("a malformed message is FATAL 08P01 and closes") {
    Harness harness;
    REQUIRE(harness.Start());
    Frame frame;
    frame.type = 'Q';
    frame.body = "no terminator";
    CHECK(!harness.connection().HandleFrame(frame));
    ErrorFields error = FirstError(harness.Take());
    CHECK(error.severity == "FATAL");
    CHECK(error.code == "08P01");
    CHECK(error.message == "invalid string in message");
  }

  TEST_CASE("a password message after login is an invalid message type, as in PostgreSQL") {
    Harness harness;
    REQUIRE(harness.Start());
    CHECK(!harness.Feed(PasswordMessage{"secret"}));
    ErrorFields error = FirstError(harness.Take());
    CHECK(error.severity == "FATAL");
    CHECK(error.code == "08P01");
    CHECK(error.message == "invalid frontend message type 112");
  }

  TEST_CASE("a CancelRequest with the right key cancels; the connection closes without reply") {
    Harness target;
    REQUIRE(target.Start());
    BackendKey key = *target.connection().backend_key();
    Harness canceller;
    // The registries are per harness; cancel through the target's registry.
    CHECK(!target.registry().Cancel(BackendKey{key.process_id, key.secret_key + 1}));
    CHECK(target.registry().Cancel(key));
    CHECK(!canceller.Feed(CancelRequest{key.process_id, key.secret_key}));
    CHECK(canceller.sink().data.empty());
  }

  TEST_CASE("when the client is gone, the connection asks to close") {
    Harness harness;
    REQUIRE(harness.Start());
    harness.sink().open = false;
    CHECK(!harness.Feed(QueryMessage{"select 1"}));
  }
}

}  // namespace
}  // namespace tessera::protocol
