#pragma once
// The request and response types shared by the router and the connection code.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/field_pool.hpp"

namespace sessdemo::http {
namespace bhttp = boost::beast::http;
// Header fields in the per-thread pool (server/field_pool.hpp).
using Fields = bhttp::basic_fields<FieldAllocator<char>>;
using Request = bhttp::request<bhttp::string_body, Fields>;
using Response = bhttp::response<bhttp::string_body, Fields>;
using Status = bhttp::status;
using Verb = bhttp::verb;
using Field = bhttp::field;
}  // namespace sessdemo::http
