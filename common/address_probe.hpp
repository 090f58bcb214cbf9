#pragma once
// Finding and probing a TCP address: the one place where a host name becomes an address and
// where "does anything listen there" is asked (the tester before a run, the demo and the tests
// while their children start).
#include <chrono>
#include <cstdint>
#include <string>

namespace sessdemo {

// The first address of host (a name or a numeric address), numeric; "" when it does not resolve.
std::string resolve_first(const std::string& host);
// True when a TCP connection to the numeric address opens within timeout.
bool tcp_answers(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout);
// Asks tcp_answers every 20 ms until it is true or timeout has passed.
bool wait_until_answers(const std::string& address, std::uint16_t port,
                        std::chrono::milliseconds timeout);

}  // namespace sessdemo
