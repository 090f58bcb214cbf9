#include "tests/support/framework_apps.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include <boost/json/parse.hpp>

#include "common/page_contract.hpp"
#include "tests/support/fake_servers.hpp"
#include "tests/support/framework_app_parts.hpp"

namespace sessdemo::test {

using namespace app_parts;

namespace {

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 419:
      return "Page Expired";
    default:
      return "Status";
  }
}

const char* session_cookie(Flavor f) {
  switch (f) {
    case Flavor::basic:
      return "sid";
    case Flavor::unquoted:
      return "_unquoted_session";
    case Flavor::rails:
      return "_rails_session";
    case Flavor::angular:
      return "SESSION";
    case Flavor::django:
      return "sessionid";
    case Flavor::login_first:
      return "laravel_session";
    default:
      return "sid";
  }
}
}  // namespace

FrameworkApp::FrameworkApp(Flavor flavor, std::shared_ptr<SessionTable> table, std::string id,
                           AppOptions options)
    : flavor_(flavor), table_(std::move(table)), id_(std::move(id)), options_(std::move(options)) {
  if (!options_.tls_cert.empty()) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, options_.tls_cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, options_.tls_key.c_str(), SSL_FILETYPE_PEM);
    tls_ = ctx;
  }
  listen_fd_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FrameworkApp::~FrameworkApp() {
  stop_ = true;
  acceptor_.join();
  std::lock_guard lock(threads_mutex_);
  for (auto& t : threads_) t.join();
  close(listen_fd_);
  if (tls_) SSL_CTX_free(static_cast<SSL_CTX*>(tls_));
}

std::string FrameworkApp::address() const {
  return std::string(tls_ ? "https://" : "") + "127.0.0.1:" + std::to_string(port_);
}

void FrameworkApp::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard lock(threads_mutex_);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FrameworkApp::serve(int fd) {
  SSL* ssl = nullptr;
  if (tls_) {
    ssl = SSL_new(static_cast<SSL_CTX*>(tls_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      close(fd);
      return;
    }
  }
  auto receive = [&](char* buf, int n) -> int {
    return ssl ? SSL_read(ssl, buf, n)
               : static_cast<int>(recv(fd, buf, static_cast<std::size_t>(n), 0));
  };
  auto transmit = [&](const std::string& s) {
    return ssl ? SSL_write(ssl, s.data(), static_cast<int>(s.size())) > 0
               : send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  };
  std::string in;
  char buf[8192];
  auto idle_since = std::chrono::steady_clock::now();
  while (!stop_) {
    auto end = in.find("\r\n\r\n");
    std::size_t body_len = 0;
    if (end != std::string::npos) {
      auto cl = lower(in.substr(0, end)).find("content-length: ");
      if (cl != std::string::npos) body_len = std::stoul(in.substr(cl + 16));
    }
    if (end == std::string::npos || in.size() < end + 4 + body_len) {
      if (!(ssl && SSL_pending(ssl) > 0)) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) {
          auto idle = std::chrono::steady_clock::now() - idle_since;
          if (in.empty() && options_.idle_close_ms > 0 &&
              idle >= std::chrono::milliseconds(options_.idle_close_ms))
            break;  // a keep-alive connection idle too long: closed, as servers do
          continue;
        }
      }
      int n = receive(buf, sizeof buf);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    Request r;
    std::string head = in.substr(0, end);
    r.body = in.substr(end + 4, body_len);
    in.erase(0, end + 4 + body_len);
    auto line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    auto sp1 = first.find(' '), sp2 = first.rfind(' ');
    r.method = first.substr(0, sp1);
    r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    r.path = r.target.substr(0, r.target.find('?'));
    for (std::size_t at = line_end; at != std::string::npos && at + 2 < head.size();) {
      auto next = head.find("\r\n", at + 2);
      std::string h =
          head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[lower(h.substr(0, colon))] = value;
      }
      at = next;
    }
    std::string cookies = r.header("cookie");
    for (std::size_t p = 0; p < cookies.size();) {
      auto semi = cookies.find(';', p);
      std::string c = cookies.substr(p, semi == std::string::npos ? std::string::npos : semi - p);
      while (!c.empty() && c.front() == ' ') c.erase(0, 1);
      auto eq = c.find('=');
      if (eq != std::string::npos && !r.cookies.count(c.substr(0, eq)))
        r.cookies[c.substr(0, eq)] = c.substr(eq + 1);
      if (semi == std::string::npos) break;
      p = semi + 1;
    }
    Reply reply = handle(r);
    if (reply.status == 403 || reply.status == 419) refused_++;
    std::string out;
    if (options_.early_hints)
      out += "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload; as=style\r\n\r\n";
    out += "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    out += options_.instance_header + ": " + id_ + "\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    if (!reply.body.empty()) out += "Content-Type: " + reply.type + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body;
    if (!transmit(out)) break;
    idle_since = std::chrono::steady_clock::now();
  }
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  close(fd);
}

FrameworkApp::Reply FrameworkApp::handle(const Request& r) {
  if (flavor_ >= Flavor::flash) return handle_journey_app(r);
  const std::string cookie_name = session_cookie(flavor_);
  std::string sid = r.cookie(cookie_name);
  std::unique_lock lock(table_->mutex);
  auto found = table_->sessions.find(sid);
  std::map<std::string, std::string>* session =
      found == table_->sessions.end() ? nullptr : &found->second;
  Reply reply;
  // A session made on this request, its cookie set on the answer.
  auto start_session = [&]() -> std::map<std::string, std::string>& {
    sid = random_hex(24);
    session = &table_->sessions[sid];
    (*session)["csrf"] = random_hex(32);
    reply.headers.emplace_back("Set-Cookie", cookie_name + "=" + sid + "; Path=/; HttpOnly");
    return *session;
  };
  auto session_or_new = [&]() -> std::map<std::string, std::string>& {
    return session ? *session : start_session();
  };
  auto with = [&](Reply out) {
    for (auto& h : reply.headers) out.headers.push_back(h);
    return out;
  };
  auto name_of = [&]() { return session ? (*session)["name"] : std::string(); };
  const bool get = r.method == "GET";

  switch (flavor_) {
    case Flavor::basic:
      if (get && r.path == "/") {
        session_or_new();
        reply.body =
            "<html><body><form method=\"post\" action=\"/\"><input "
            "name=\"name\"><button>Save</button></form></body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/") {
        session_or_new()["name"] = form_of(r.body)["name"];
        return with(Reply::redirect(303, "/details"));
      }
      if (get && r.path == "/details") return with(Reply{200, name_page(name_of())});
      break;
    case Flavor::unquoted:
      if (get && r.path == "/") {
        auto& s = session_or_new();
        // Forms a string search would take for the one to fill: in a comment, in a template,
        // a search form first; the real one with unquoted attributes.
        reply.body =
            "<html><body><!-- <form method=post action=/trap><input name=name></form> -->"
            "<template><form method=post action=/trap><input name=name></form></template>"
            "<form action=/search><input name=q></form>"
            "<FORM METHOD=post ACTION=/save><input type=hidden name=csrf_token value=" +
            s["csrf"] +
            "><INPUT TYPE=hidden NAME=commit VALUE=Save><input type=text name=name value=''>"
            "<input type=checkbox name=remember value=yes checked><input type=checkbox name=spam>"
            "<input type=submit value=Go></FORM></body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/save") {
        auto f = form_of(r.body);
        if (!session || f["csrf_token"] != (*session)["csrf"])
          return Reply::refuse(403, "bad token");
        if (f["commit"] != "Save" || f["remember"] != "yes" || f.count("spam") || f.count("q"))
          return Reply::refuse(400, "not the form's fields");
        (*session)["name"] = f["name"];
        return Reply::redirect(303, "/details");
      }
      if (r.path == "/trap") return Reply::refuse(400, "a form that is no form");
      if (get && r.path == "/details") return Reply{200, name_page(name_of())};
      break;
    case Flavor::rails:
      if (get && r.path == "/") {
        auto& s = session_or_new();
        reply.body =
            "<html><head><meta name=\"csrf-param\" content=\"authenticity_token\">\n"
            "<meta name=\"csrf-token\" content=\"" +
            s["csrf"] + "\"></head><body>app</body></html>";
        return reply;
      }
      if (r.method == "PUT" && r.path == "/profile") {
        if (!session || r.header("x-csrf-token") != (*session)["csrf"])
          return Reply::refuse(403, "bad token");
        if (r.header("content-type").rfind("application/json", 0) != 0)
          return Reply::refuse(400, "not JSON");
        (*session)["name"] = json_name(r.body);
        return Reply{200, "{\"ok\":true}", "application/json"};
      }
      if (get && r.path == "/details") return Reply{200, name_page(name_of())};
      break;
    case Flavor::angular:
      if (get && r.path == "/") {
        auto& s = session_or_new();
        s["xsrf"] = random_hex(16) + "=/=";  // a value that must be percent-decoded
        reply.headers.emplace_back("Set-Cookie",
                                   "XSRF-TOKEN=" + s["xsrf"].substr(0, 16) + "%3D%2F%3D; Path=/");
        reply.body =
            "<html><body><app-root></app-root><script>document.write('<form method=post "
            "action=/trap><input name=name></form>')</script></body></html>";
        return reply;
      }
      if (r.method == "PATCH" && r.path == "/api/me") {
        if (!session || r.header("x-xsrf-token") != (*session)["xsrf"])
          return Reply::refuse(403, "bad token");
        (*session)["name"] = json_name(r.body);
        return Reply{200, "{\"ok\":true}", "application/json"};
      }
      if (get && r.path == "/api/me") {
        std::string name = name_of();
        return Reply{200, name.empty() ? "{\"name\":null}" : "{\"name\":\"" + name + "\"}",
                     "application/json"};
      }
      break;
    case Flavor::django:
      if (get && r.path == "/") {
        session_or_new();
        std::string token = r.cookie("csrftoken");
        if (token.empty()) {
          token = random_hex(32);
          reply.headers.emplace_back("Set-Cookie",
                                     "csrftoken=" + token + "; Path=/; SameSite=Lax; Secure");
        }
        reply.body =
            "<html><body><form method='post' action=''><input type='hidden' "
            "name='csrfmiddlewaretoken' value='" +
            token +
            "'><input type='text' name='name' "
            "maxlength='100' required id='id_name'><button "
            "type='submit'>Save</button></form></body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/") {
        std::string referer = r.header("referer"), origin = "https://" + r.header("host") + "/";
        if (referer.empty()) return Reply::refuse(403, "Referer checking failed - no Referer.");
        if (referer.rfind(origin, 0) != 0)
          return Reply::refuse(403, "Referer checking failed - not same origin.");
        auto f = form_of(r.body);
        if (r.cookie("csrftoken").empty() || f["csrfmiddlewaretoken"] != r.cookie("csrftoken"))
          return Reply::refuse(403, "CSRF token missing or incorrect.");
        session_or_new()["name"] = f["name"];
        return with(Reply::redirect(302, "/details"));
      }
      if (get && r.path == "/details") return Reply{200, name_page(name_of())};
      break;
    case Flavor::login_first: {
      bool logged_in = session && !(*session)["user"].empty();
      if (r.path == "/login") {
        if (get) {
          auto& s = session_or_new();
          reply.body =
              "<html><body><form method=\"POST\" action=\"/login\"><input type=\"hidden\" "
              "name=\"_token\" "
              "value=\"" +
              s["csrf"] +
              "\"><input type=\"text\" name=\"username\"><input type=\"password\" "
              "name=\"password\"><button type=\"submit\" name=\"commit\" value=\"Log in\">Log "
              "in</button>"
              "</form></body></html>";
          return reply;
        }
        auto f = form_of(r.body);
        if (!session || f["_token"] != (*session)["csrf"])
          return Reply::refuse(419, "Page Expired");
        if (f["password"] != "secret" || f["username"].empty() || f["commit"] != "Log in")
          return Reply::redirect(302, "/login");
        (*session)["user"] = f["username"];
        return Reply::redirect(302, "/account/edit");
      }
      if (!logged_in) return Reply::redirect(302, "/login?next=" + r.path);
      if (get && r.path == "/account/edit") {
        reply.body =
            "<html><body><form method=post action=\"update\"><input type=hidden name=_token "
            "value=\"" +
            (*session)["csrf"] + "\"><input name=name></form></body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/account/update") {
        auto f = form_of(r.body);
        if (f["_token"] != (*session)["csrf"]) return Reply::refuse(419, "Page Expired");
        (*session)["name"] = f["name"];
        return Reply::redirect(302, "/account/me");
      }
      if (get && r.path == "/account/me") return Reply{200, name_page(name_of())};
      break;
    }
    default:
      break;
  }
  return Reply::refuse(404, "no such page");
}

std::string AppPair::addresses() const {
  std::string out;
  for (const auto& a : apps) out += (out.empty() ? "" : ",") + a->address();
  return out;
}

AppPair app_pair(Flavor flavor, bool shared_store, const AppOptions& options) {
  AppPair pair;
  auto shared = std::make_shared<SessionTable>();
  for (int i = 1; i <= 2; ++i)
    pair.apps.push_back(std::make_unique<FrameworkApp>(
        flavor, shared_store ? shared : std::make_shared<SessionTable>(),
        "app-" + std::to_string(i), options));
  return pair;
}

}  // namespace sessdemo::test
