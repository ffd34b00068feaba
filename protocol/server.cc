// SPDX-License-Identifier: Apache-2.0
// Server: the listening socket, I/O threads, statement pool, signal handling and orderly shutdown.
#include "protocol/server.h"

#include <utility>  // before Asio: GCC 12 + C++20 needs it

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <fmt/format.h>

#include "protocol/cancel_registry.h"
#include "protocol/socket_connection.h"

namespace tessera::protocol {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

int DefaultStatementThreads() {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(16, 4 * cores);
}

}  // namespace

struct Server::Impl {
  Impl(engine::Database& database_in, ServerOptions options_in)
      : database(database_in),
        options(std::move(options_in)),
        pool(static_cast<size_t>(options.statement_threads > 0 ? options.statement_threads
                                                               : DefaultStatementThreads())),
        acceptor(io),
        signals(io),
        retry_timer(io) {}

  void StartAccept();
  void AddConnection(tcp::socket socket);
  void OnClosed(SocketConnection* connection);
  void Shutdown();
  std::vector<std::shared_ptr<SocketConnection>> LiveConnections();

  engine::Database& database;
  ServerOptions options;
  // Declared before io: connections still held by unrun handlers unregister from it when io is destroyed.
  CancelRegistry cancel_registry;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  asio::thread_pool pool;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer retry_timer;
  std::vector<std::thread> io_threads;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::unordered_map<SocketConnection*, std::weak_ptr<SocketConnection>> connections;  // GUARDED_BY(mutex)
  bool stop_requested = false;                                                        // GUARDED_BY(mutex)
  bool stopping = false;                                                              // GUARDED_BY(mutex)
};

void Server::Impl::StartAccept() {
  acceptor.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (error) {
      if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
      // Out of file descriptors and similar: log, back off briefly, try again.
      fmt::print(stderr, "tessera: accept failed: {}\n", error.message());
      retry_timer.expires_after(std::chrono::milliseconds(100));
      retry_timer.async_wait([this](const boost::system::error_code& timer_error) {
        if (!timer_error) StartAccept();
      });
      return;
    }
    AddConnection(std::move(socket));
    StartAccept();
  });
}

void Server::Impl::AddConnection(tcp::socket socket) {
  std::shared_ptr<SocketConnection> connection;
  {
    std::lock_guard lock(mutex);
    if (stopping) return;  // the socket closes as it goes out of scope
    bool full = connections.size() >= static_cast<size_t>(options.max_connections);
    connection = std::make_shared<SocketConnection>(std::move(socket), pool, database, cancel_registry, options.auth,
                                                    [this](SocketConnection* closed) { OnClosed(closed); });
    if (full) {
      // As PostgreSQL: the client still gets to send its startup packet (or a CancelRequest), and the
      // StartupMessage is answered with this FATAL.
      ErrorInfo error;
      error.state = SqlState::kTooManyConnections;
      error.message = "sorry, too many clients already";
      connection->RefuseStartup(std::move(error));
    }
    connections.emplace(connection.get(), connection);
  }
  connection->Start();
}

void Server::Impl::OnClosed(SocketConnection* connection) {
  std::lock_guard lock(mutex);
  connections.erase(connection);
  changed.notify_all();
}

std::vector<std::shared_ptr<SocketConnection>> Server::Impl::LiveConnections() {
  std::vector<std::shared_ptr<SocketConnection>> live;
  std::lock_guard lock(mutex);
  for (auto& [pointer, weak] : connections) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

void Server::Impl::Shutdown() {
  // 1. Stop accepting and listening for signals.
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  asio::post(io, [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    retry_timer.cancel();
  });
  // 2. Cancel statements and say goodbye; wait a little for clients to be told.
  for (auto& connection : LiveConnections()) connection->BeginShutdown();
  {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, options.shutdown_grace, [this] { return connections.empty(); });
  }
  // 3. Close whatever is left, let the pool finish (statements were cancelled), stop the I/O threads.
  for (auto& connection : LiveConnections()) connection->ForceClose();
  pool.join();
  work.reset();
  io.stop();
  for (std::thread& thread : io_threads) thread.join();
  io_threads.clear();
}

Server::Server(engine::Database& database, ServerOptions options)
    : impl_(std::make_unique<Impl>(database, std::move(options))) {}

Server::~Server() {
  if (!impl_->io_threads.empty()) {
    Stop();
    impl_->Shutdown();
  }
  impl_->pool.join();
}

uint16_t Server::Listen() {
  Impl& impl = *impl_;
  try {
    tcp::resolver resolver(impl.io);
    auto results = resolver.resolve(impl.options.host, std::to_string(impl.options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service);
    tcp::endpoint endpoint = results.begin()->endpoint();
    impl.acceptor.open(endpoint.protocol());
    impl.acceptor.set_option(asio::socket_base::reuse_address(true));
    impl.acceptor.bind(endpoint);
    impl.acceptor.listen(asio::socket_base::max_listen_connections);
    return impl.acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error(
        fmt::format("could not listen on {}:{}: {}", impl.options.host, impl.options.port, error.code().message()));
  }
}

void Server::Run() {
  Impl& impl = *impl_;
  if (impl.options.handle_signals) {
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([this](const boost::system::error_code& error, int) {
      if (!error) Stop();
    });
  }
  impl.work.emplace(impl.io.get_executor());
  impl.StartAccept();
  for (int index = 0; index < std::max(1, impl.options.io_threads); ++index) {
    impl.io_threads.emplace_back([&impl] { impl.io.run(); });
  }
  {
    std::unique_lock lock(impl.mutex);
    impl.changed.wait(lock, [&impl] { return impl.stop_requested; });
  }
  impl.Shutdown();
}

void Server::Stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->changed.notify_all();
}

size_t Server::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections.size();
}

}  // namespace tessera::protocol
