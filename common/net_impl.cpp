// The one translation unit that compiles Asio, Beast, Boost.JSON and Boost.URL (separate
// compilation): every other file includes only their declarations, which keeps builds fast on 2
// cores.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
