// The one translation unit that compiles Asio, Beast and Boost.JSON (separate compilation):
// every other file includes only their declarations, which keeps builds fast on 2 cores.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>
