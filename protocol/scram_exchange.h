// SPDX-License-Identifier: Apache-2.0
// ScramExchange: the server side of one SCRAM-SHA-256 authentication, message by message.
//
// Design. The SASL framing (AuthenticationSASL, SASLInitialResponse, ...) is the Connection's; this
// class sees only the SCRAM payloads:
//   client-first  "n,,n=<ignored>,r=<client nonce>"     → server-first "r=<client+server nonce>,s=<salt>,i=<n>"
//   client-final  "c=biws,r=<nonce>,p=<proof>"          → server-final "v=<server signature>"
// Channel binding is not offered: the gs2 header must be "n,," or "y,," (no SCRAM-SHA-256-PLUS). The
// user name comes from the startup packet, as in PostgreSQL; the one in client-first is ignored.
//
// An unknown user runs the same exchange against a mock secret and fails only at the end, so that a
// client cannot tell unknown users from wrong passwords by the messages or their timing.
//
// Malformed messages throw SqlError 08P01 (0A000 for an authorization identity or a mandatory
// extension) with PostgreSQL 15's wording. Not thread-safe; one per connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/scram.h"

namespace tessera::protocol {

class ScramExchange {
 public:
  enum class Outcome {
    kContinue,   // send `message` in AuthenticationSASLContinue and wait for the client
    kSucceeded,  // send `message` in AuthenticationSASLFinal, then AuthenticationOk
    kFailed,     // wrong password or unknown user: FATAL 28P01
  };
  struct Step {
    Outcome outcome = Outcome::kContinue;
    std::string message;
  };

  // `doomed`: the user is unknown and `secret` is a mock; the exchange fails after the client-final
  // message whatever the client sends.
  ScramExchange(scram::Secret secret, bool doomed);

  // Handles the client's next SCRAM message; nullopt when the SASLInitialResponse carried no data (the
  // server then asks for it with an empty challenge). REQUIRES: the last step was kContinue.
  Step Handle(std::optional<std::string_view> client_message);

 private:
  enum class State { kInitial, kServerFirstSent, kDone };

  std::string HandleClientFirst(std::string_view message);
  Step HandleClientFinal(std::string_view message);

  scram::Secret secret_;
  bool doomed_;
  State state_ = State::kInitial;
  char channel_binding_flag_ = 'n';
  std::string client_nonce_;
  std::string server_nonce_;
  std::string client_first_bare_;
  std::string server_first_;
};

}  // namespace tessera::protocol
