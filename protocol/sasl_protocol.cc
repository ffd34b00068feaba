// SPDX-License-Identifier: Apache-2.0
// Connection: password authentication with SASL SCRAM-SHA-256, between the StartupMessage and the
// Session, as PostgreSQL 15's CheckSASLAuth does it.
#include <utility>

#include <fmt/format.h>

#include "protocol/connection.h"

namespace tessera::protocol {

void Connection::StartAuthentication(std::map<std::string, std::string> options) {
  const std::string& user = options["user"];
  const scram::Secret* secret = auth_.FindSecret(user);
  bool doomed = secret == nullptr;
  login_.emplace(PendingLogin{std::move(options), ScramExchange(doomed ? auth_.MockSecret(user) : *secret, doomed)});
  Write(AuthenticationSasl{{std::string(scram::kMechanism)}});
  Flush();
}

bool Connection::HandleAuthenticationMessage(char type, const FrontendMessage& message) {
  ErrorInfo error;
  try {
    const auto* password = std::get_if<PasswordMessage>(&message);
    if (password == nullptr) {  // Terminate included, as in PostgreSQL
      throw SqlError(SqlState::kProtocolViolation,
                     fmt::format("expected SASL response, got message type {}", static_cast<int>(type)));
    }
    std::optional<std::string> data = password->body;
    if (!login_->mechanism_chosen) {
      SaslInitialResponse initial = ParseSaslInitialResponse(password->body);
      if (initial.mechanism != scram::kMechanism) {
        throw SqlError(SqlState::kProtocolViolation, "client selected an invalid SASL authentication mechanism");
      }
      login_->mechanism_chosen = true;
      data = std::move(initial.data);
    }
    ScramExchange::Step step = login_->exchange.Handle(data);
    switch (step.outcome) {
      case ScramExchange::Outcome::kContinue:
        Write(AuthenticationSaslContinue{std::move(step.message)});
        Flush();
        return true;
      case ScramExchange::Outcome::kSucceeded: {
        Write(AuthenticationSaslFinal{std::move(step.message)});
        std::map<std::string, std::string> options = std::move(login_->options);
        login_.reset();
        return OpenSession(std::move(options));
      }
      case ScramExchange::Outcome::kFailed:
        error.state = SqlState::kInvalidPassword;
        error.message = fmt::format("password authentication failed for user \"{}\"", login_->options["user"]);
        break;
    }
  } catch (const SqlError& sql_error) {
    error = sql_error.info();
  } catch (const std::exception& exception) {
    error.state = SqlState::kInternalError;
    error.message = exception.what();
  }
  WriteFatal(error);
  return false;
}

}  // namespace tessera::protocol
