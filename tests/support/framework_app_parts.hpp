#pragma once
// The inside of FrameworkApp (framework_apps.cpp serves, each flavor file answers): a request
// as the app reads it, its reply, and the small readers every flavor uses.
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>

#include "common/page_contract.hpp"
#include "tests/support/framework_apps.hpp"

namespace sessdemo::test {

struct FrameworkApp::Request {
  std::string method, target, path, body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::map<std::string, std::string> cookies;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string cookie(const std::string& name) const {
    auto it = cookies.find(name);
    return it == cookies.end() ? "" : it->second;
  }
};

struct FrameworkApp::Reply {
  int status = 200;
  std::string body;
  std::string type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  static Reply redirect(int status, const std::string& to) {
    Reply r;
    r.status = status;
    r.headers.emplace_back("Location", to);
    return r;
  }
  static Reply refuse(int status, const std::string& why) {
    Reply r;
    r.status = status;
    r.body = why;
    r.type = "text/plain";
    return r;
  }
};

namespace app_parts {
inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string random_hex(std::size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += hex[rng() % 16];
  return s;
}

inline std::string url_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+')
      out += ' ';
    else if (in[i] == '%' && i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

inline std::map<std::string, std::string> form_of(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos)
      out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

inline std::string json_name(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("name") ||
      !v.as_object().at("name").is_string())
    return "";
  return std::string(v.as_object().at("name").as_string());
}

inline std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

inline std::string name_page(const std::string& name) {
  if (name.empty())
    return "<html><body><p " + std::string(page::no_name_marker) + "nobody</p></body></html>";
  return "<html><body><h1>Details</h1><p " + std::string(page::name_marker) + escape(name) +
         "</p></body></html>";
}

}  // namespace app_parts
}  // namespace sessdemo::test
