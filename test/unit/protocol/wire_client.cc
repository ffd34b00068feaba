// SPDX-License-Identifier: Apache-2.0
// TestServer and WireClient: an in-process server and a raw-socket protocol client for tests.
#include "wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include "base/error.h"
#include "base/wire_bytes.h"
#include "engine/database.h"
#include "protocol/server.h"

namespace tessera::protocol::testing {

// ---- TestServer ----

TestDatabase::TestDatabase() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tessera-protocol-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  data_dir_ = pattern;
  engine::DatabaseOptions options;
  options.data_dir = data_dir_.string();
  options.partitions_per_table = 2;
  options.worker_threads = 2;
  database_ = std::make_unique<engine::Database>(options);
}

TestDatabase::~TestDatabase() {
  database_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

TestServer::TestServer(ServerOptions options) {
  options.port = 0;
  options.shutdown_grace = std::chrono::milliseconds(2000);
  server_ = std::make_unique<Server>(database_.database(), options);
  port_ = server_->Listen();
  runner_ = std::thread([this] { server_->Run(); });
}

TestServer::~TestServer() {
  server_->Stop();
  runner_.join();
  server_.reset();
}

std::string TestServer::ConnectionString(std::string_view user) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + std::string(user) +
         " dbname=tessera connect_timeout=10";
}

// ---- WireClient ----

WireClient::~WireClient() { Close(); }

bool WireClient::Connect(uint16_t port) {
  Close();
  socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (socket_ < 0) return false;
  int one = 1;
  setsockopt(socket_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    Close();
    return false;
  }
  buffer_.clear();
  parse_failed_ = false;
  return true;
}

bool WireClient::SendBytes(std::string_view bytes) {
  while (!bytes.empty()) {
    pollfd descriptor{socket_, POLLOUT, 0};
    if (::poll(&descriptor, 1, timeout_ms_) <= 0) return false;
    ssize_t sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool WireClient::Send(const FrontendMessage& message) {
  std::string bytes;
  EncodeFrontendMessage(message, &bytes);
  return SendBytes(bytes);
}

int WireClient::Fill() {
  pollfd descriptor{socket_, POLLIN, 0};
  if (::poll(&descriptor, 1, timeout_ms_) <= 0) return -1;
  char chunk[16384];
  ssize_t received = ::recv(socket_, chunk, sizeof(chunk), 0);
  if (received < 0) return errno == ECONNRESET ? 0 : -1;
  buffer_.append(chunk, static_cast<size_t>(received));
  return received == 0 ? 0 : 1;
}

bool WireClient::ParseBuffered(std::vector<BackendMessage>* messages, bool stop_at_ready) {
  // Parses whole messages one at a time so that bytes after a ReadyForQuery stay buffered.
  while (buffer_.size() >= 5 && !parse_failed_) {
    std::vector<BackendMessage> one;
    size_t length = 1 + static_cast<size_t>(LoadBigEndian32(buffer_.data() + 1));
    if (buffer_.size() < length) return false;
    try {
      ParseBackendMessages(std::string_view(buffer_).substr(0, length), &one);
    } catch (const SqlError&) {
      parse_failed_ = true;
      return false;
    }
    buffer_.erase(0, length);
    for (BackendMessage& message : one) {
      bool ready = std::holds_alternative<ReadyForQuery>(message);
      if (messages) messages->push_back(std::move(message));
      if (ready && stop_at_ready) return true;
    }
  }
  return false;
}

std::vector<BackendMessage> WireClient::ReadUntilReady(bool* closed) {
  std::vector<BackendMessage> messages;
  if (closed) *closed = false;
  for (;;) {
    if (ParseBuffered(&messages, true)) return messages;
    int status = Fill();
    if (status <= 0) {
      ParseBuffered(&messages, true);
      if (closed) *closed = status == 0;
      return messages;
    }
  }
}

std::string WireClient::ReadRaw(size_t count) {
  while (buffer_.size() < count) {
    if (Fill() <= 0) return "";
  }
  std::string bytes = buffer_.substr(0, count);
  buffer_.erase(0, count);
  return bytes;
}

bool WireClient::ReadUntilClosed(std::vector<BackendMessage>* messages) {
  for (;;) {
    ParseBuffered(messages, false);
    int status = Fill();
    if (status == 0) {
      ParseBuffered(messages, false);
      return true;
    }
    if (status < 0) return false;
  }
}

bool WireClient::Startup(std::string_view user) {
  if (!Send(StartupMessage{kProtocolVersion3, {{"user", std::string(user)}, {"database", "tessera"}}})) {
    return false;
  }
  std::vector<BackendMessage> messages = ReadUntilReady();
  return !messages.empty() && std::holds_alternative<ReadyForQuery>(messages.back());
}

std::vector<BackendMessage> WireClient::Query(std::string_view sql) {
  if (!Send(QueryMessage{std::string(sql)})) return {};
  return ReadUntilReady();
}

void WireClient::ShutdownWrite() {
  if (socket_ >= 0) ::shutdown(socket_, SHUT_WR);
}

void WireClient::Close() {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
}

// ---- Message helpers ----

std::string FirstErrorCode(const std::vector<BackendMessage>& messages) {
  for (const BackendMessage& message : messages) {
    if (const auto* error = std::get_if<ErrorResponse>(&message)) return error->fields.code;
  }
  return "";
}

std::vector<std::vector<std::string>> DataRows(const std::vector<BackendMessage>& messages) {
  std::vector<std::vector<std::string>> rows;
  for (const BackendMessage& message : messages) {
    if (const auto* row = std::get_if<DataRow>(&message)) {
      std::vector<std::string> values;
      for (const auto& value : row->values) values.push_back(value ? *value : "NULL");
      rows.push_back(std::move(values));
    }
  }
  return rows;
}

std::string MessageTypes(const std::vector<BackendMessage>& messages) {
  std::string types;
  for (const BackendMessage& message : messages) {
    std::string bytes;
    EncodeBackendMessage(message, &bytes);
    types.push_back(bytes[0]);
  }
  return types;
}

}  // namespace tessera::protocol::testing
