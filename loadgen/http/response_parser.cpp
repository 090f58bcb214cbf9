#include "loadgen/http/response_parser.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>

namespace sessdemo::loadgen {

namespace http = boost::beast::http;

void ParsedResponse::clear() {
  status = 0;
  body.clear();
  instance.clear();
  location.clear();
  cookie_count = 0;
}

ResponseParser::ResponseParser(ParsedResponse& out, bool keep_body, std::size_t limit,
                               std::string_view instance_header)
    : out_(out), keep_body_(keep_body), instance_header_(instance_header) {
  out_.clear();
  // A large page once must not keep its capacity for the connection's life.
  if (out_.body.capacity() > 64 * 1024) std::string().swap(out_.body);
  if (keep_body)
    body_limit(limit);
  else
    body_limit(boost::none);  // read and dropped, so any size
  header_limit(64 * 1024);
}

void ResponseParser::on_response_impl(int code, string_view, int, error_code& ec) {
  // Beast takes any three digits; a status below 100 ("020") is no HTTP status: a protocol
  // error, not an answer of some class.
  if (code < 100) {
    ec = http::error::bad_status;
    return;
  }
  out_.status = code;
}

void ResponseParser::on_field_impl(http::field name, string_view name_string, string_view value,
                                   error_code&) {
  if (name == http::field::set_cookie) {
    if (out_.cookie_count == out_.set_cookies.size()) out_.set_cookies.emplace_back();
    out_.set_cookies[out_.cookie_count++].assign(value.data(), value.size());
  } else if (name == http::field::location) {
    out_.location.assign(value.data(), value.size());
  } else if (boost::beast::iequals(name_string, instance_header_)) {
    out_.instance.assign(value.data(), value.size());
  }
}

void ResponseParser::on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) {
  if (length && keep_body_) out_.body.reserve(static_cast<std::size_t>(*length));
}

void ResponseParser::keep(string_view body) {
  if (keep_body_) {
    out_.body.append(body.data(), body.size());
  } else if (out_.body.size() < kept_without_body) {
    out_.body.append(body.data(), std::min(body.size(), kept_without_body - out_.body.size()));
  }
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code&) {
  keep(body);
  return body.size();
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  keep(body);
  return body.size();
}

}  // namespace sessdemo::loadgen
