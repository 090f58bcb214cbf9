#include "server/http_wire.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace sessdemo {

namespace beast = boost::beast;

// Answers a request that failed to parse, then the connection is closed.
http::Response parse_failure(const Router& router, beast::error_code ec) {
  http::Status st = http::Status::bad_request;
  std::string msg = "The request could not be parsed: " + ec.message();
  if (ec == beast::http::error::header_limit) {
    st = http::Status::request_header_fields_too_large;
    msg = "The request headers are larger than the limit.";
  } else if (ec == beast::http::error::body_limit) {
    st = http::Status::payload_too_large;
    msg = "The request body is larger than the limit.";
  } else if (ec == beast::http::error::buffer_overflow) {
    // More than a whole request may hold: with the headers read, chunk extensions or trailers.
    st = http::Status::request_header_fields_too_large;
    msg = "The request (its chunk extensions or trailers) is larger than the limit.";
  }
  http::Response res{st, 11};
  res.set(http::Field::content_type, "text/plain; charset=utf-8");
  router.stamp(res);
  res.body() = msg + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// What the request line and headers alone decide: nothing when the request may go on.
std::optional<http::Response> refuse_header(const Router& router, const http::Request& req) {
  auto refuse = [&](http::Status st, std::string msg) {
    http::Response res{st, 11};
    res.set(http::Field::content_type, "text/plain; charset=utf-8");
    router.stamp(res);
    res.body() = std::move(msg) + "\n";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
  };
  // RFC 9112: a transfer coding other than one final "chunked" is refused, or the body would
  // be read as the next request (request smuggling).
  auto te = req.count(http::Field::transfer_encoding);
  if (te > 1 || (te == 1 && !beast::iequals(req[http::Field::transfer_encoding], "chunked")))
    return refuse(http::Status::not_implemented,
                  "Transfer-Encoding other than a single 'chunked' is not supported.");
  if (req.version() >= 11 && req.count(http::Field::host) != 1)
    return refuse(http::Status::bad_request, "An HTTP/1.1 request needs exactly one Host header.");
  return std::nullopt;
}

// Bytes of the names and values of every field: the headers, and the trailers once read.
std::size_t field_bytes(const http::Request& req) {
  std::size_t n = 0;
  for (const auto& f : req) n += f.name_string().size() + f.value().size() + 4;
  return n;
}

bool is_parse_error(beast::error_code ec) {
  return ec.category() == beast::http::make_error_code(beast::http::error::bad_method).category() &&
         ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message;
}

// The answer as bytes: status line, fields as the router set them, body. One buffer, so one
// send; Beast's serializer walks a chain of buffer iterators per field and costs several times
// this for pages of a few fields.
void serialize_response(const http::Response& res, std::string& out) {
  out.clear();
  auto reason = res.reason();
  std::size_t size = 17 + reason.size() + res.body().size();
  for (const auto& f : res) size += f.name_string().size() + f.value().size() + 4;
  out.reserve(size);
  out.append(res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  unsigned code = res.result_int();
  char digits[4] = {static_cast<char>('0' + code / 100 % 10),
                    static_cast<char>('0' + code / 10 % 10), static_cast<char>('0' + code % 10),
                    ' '};
  out.append(digits, 4);
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  for (const auto& f : res) {
    out.append(f.name_string().data(), f.name_string().size());
    out.append(": ");
    out.append(f.value().data(), f.value().size());
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(res.body());
}

}  // namespace sessdemo
