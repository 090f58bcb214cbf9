#pragma once
// A response parser for the load engine that keeps only what the scenarios read (status,
// body, Set-Cookie, X-Instance-Id) in buffers reused from one response to the next, so a
// response costs no allocation once the buffers have grown. Beast's basic_parser does the
// HTTP/1.1 work (Content-Length, chunked, keep-alive).
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>

#include "common/page_contract.hpp"

namespace sessdemo::loadgen {

struct ParsedResponse {
  int status = 0;
  std::string body;
  std::string instance;                  // the --instance-header (X-Instance-Id), empty when absent
  std::string location;                  // Location, empty when absent
  std::vector<std::string> set_cookies;  // the first cookie_count entries are this response's
  std::size_t cookie_count = 0;
  void clear();
};

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  // keep_body false: the body is read and only its first bytes kept, for a diagnosis (a
  // scenario that judges nothing). instance_header: the header that names the instance.
  explicit ResponseParser(ParsedResponse& out, bool keep_body = true,
                          std::size_t body_limit = 8 * 1024 * 1024,
                          std::string_view instance_header = page::instance_header);
  static constexpr std::size_t kept_without_body = 256;

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  void keep(string_view body);
  ParsedResponse& out_;
  bool keep_body_;
  std::string_view instance_header_;
};

}  // namespace sessdemo::loadgen
