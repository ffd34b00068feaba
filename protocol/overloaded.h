// SPDX-License-Identifier: Apache-2.0
// Overloaded{lambdas...}: one visitor for std::visit over the frontend message variant.
#pragma once

namespace tessera::protocol {

template <class... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};
template <class... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

}  // namespace tessera::protocol
