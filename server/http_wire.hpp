#pragma once
// What the listener reads and writes besides routing: the answers to requests refused before
// routing (unparsable, too large, smuggling-prone Transfer-Encoding, no Host), and a response
// as the bytes that go out. No sockets here.
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>

#include "server/http_types.hpp"
#include "server/router.hpp"

namespace sessdemo {

// The answer to a request that failed to parse (431, 413 or 400); the connection then closes.
http::Response parse_failure(const Router& router, boost::beast::error_code ec);
// What the request line and headers alone decide: nothing when the request may go on.
std::optional<http::Response> refuse_header(const Router& router, const http::Request& req);
// Bytes of the names and values of every field: the headers, and the trailers once read.
std::size_t field_bytes(const http::Request& req);
// An HTTP parse error that deserves an answer (not the end of the stream).
bool is_parse_error(boost::beast::error_code ec);
// The response as bytes: status line, fields as set, body, in one buffer (reused: out is
// cleared first).
void serialize_response(const http::Response& res, std::string& out);

}  // namespace sessdemo
