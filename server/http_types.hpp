#pragma once
// The request and response types shared by the router and the connection code.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace sessdemo::http {
namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;
using Verb = bhttp::verb;
using Field = bhttp::field;
}  // namespace sessdemo::http
