// The apps the journey tests run against (framework_apps.hpp names them): each a page shape a
// tester with a fixed picture of an app misjudges.
#include <chrono>

#include "tests/support/framework_app_parts.hpp"

namespace sessdemo::test {

using namespace app_parts;

namespace {
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::string json_field(const std::string& body, const char* key) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains(key) || !v.as_object().at(key).is_string())
    return "";
  return std::string(v.as_object().at(key).as_string());
}
}  // namespace

FrameworkApp::Reply FrameworkApp::handle_journey_app(const Request& r) {
  std::unique_lock lock(table_->mutex);
  Reply reply;
  const bool get = r.method == "GET";
  std::string sid = r.cookie("sid");
  if (flavor_ == Flavor::json_api) {
    // The session is found by the bearer token the login gave (the table maps it).
    std::string auth = r.header("authorization");
    std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    sid = token.empty() ? "" : table_->sessions["token:" + token]["sid"];
  }
  auto found = table_->sessions.find(sid);
  std::map<std::string, std::string>* session =
      sid.empty() || found == table_->sessions.end() ? nullptr : &found->second;
  auto session_or_new = [&]() -> std::map<std::string, std::string>& {
    if (session) return *session;
    sid = random_hex(24);
    session = &table_->sessions[sid];
    reply.headers.emplace_back("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
    return *session;
  };
  auto with = [&](Reply out) {
    for (auto& h : reply.headers) out.headers.push_back(h);
    return out;
  };
  auto name = [&]() { return session ? (*session)["name"] : std::string(); };
  auto form = [](const std::string& extra) {
    return "<form method=post action=/><input name=name>" + extra + "<button>Save</button></form>";
  };

  switch (flavor_) {
    case Flavor::flash:
      if (get && r.path == "/") {
        auto& s = session_or_new();
        std::string flash = s["flash"];
        s["flash"].clear();  // shown once
        reply.body = "<html><body>" +
                     (flash.empty() ? "" : "<div class=\"flash\">" + escape(flash) + "</div>") +
                     "<p>Display name: <span id=\"name\">" + escape(s["name"]) +
                     "</span></p><form method=post action=/name><input name=name></form>"
                     "</body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/name") {
        auto& s = session_or_new();
        std::string next = form_of(r.body)["name"];
        if (!s["name"].empty())
          s["flash"] = "Display name changed from " + s["name"] + " to " + next;
        s["name"] = next;
        return with(Reply::redirect(303, "/"));
      }
      break;
    case Flavor::placeholder:
    case Flavor::limited:
    case Flavor::expiring:
      if (get && r.path == "/") {
        auto& s = session_or_new();
        s["csrf"] = random_hex(16);
        s["csrf_at"] = std::to_string(now_ms());
        reply.body = "<html><body>" +
                     form("<input type=hidden name=csrf_token value=" + s["csrf"] + ">") +
                     "</body></html>";
        return reply;
      }
      if (r.method == "POST" && r.path == "/") {
        auto f = form_of(r.body);
        if (flavor_ == Flavor::expiring) {
          if (!session || f["csrf_token"] != (*session)["csrf"])
            return Reply::refuse(400, "The CSRF token is missing.");
          if (now_ms() - std::stoll((*session)["csrf_at"]) > 2000)
            return Reply::refuse(400, "The CSRF token has expired.");
        }
        if (flavor_ == Flavor::limited && f["name"].size() > 12) {
          // Refused as Flask-WTF refuses: the form again, 200, with the field's error.
          reply.body =
              "<html><body><ul class=\"errors\"><li>Field cannot be longer than 12 "
              "characters.</li></ul>" +
              form("") + "</body></html>";
          return with(reply);
        }
        session_or_new()["name"] = f["name"];
        return with(Reply::redirect(303, "/details"));
      }
      if (get && r.path == "/details") {
        std::string n = name();
        return Reply{200, "<html><body><p>Name: <span id=\"name\">" +
                              (n.empty() ? std::string("Not set") : escape(n)) +
                              "</span></p></body></html>"};
      }
      break;
    case Flavor::json_api:
      if (r.method == "POST" && r.path == "/api/login") {
        if (json_field(r.body, "password") != "secret" || json_field(r.body, "user").empty())
          return Reply::refuse(401, "{\"error\":\"bad credentials\"}");
        std::string token = random_hex(32);
        sid = random_hex(24);
        table_->sessions[sid]["user"] = json_field(r.body, "user");
        table_->sessions["token:" + token]["sid"] = sid;
        return Reply{200, "{\"token\":\"" + token + "\"}", "application/json"};
      }
      if (!session) return Reply{401, "{\"error\":\"log in\"}", "application/json"};
      if (r.method == "DELETE" && r.path == "/api/me") {
        if (!options_.logout_keeps_session) table_->sessions.erase(sid);  // the token finds none
        return Reply{200, "{\"ok\":true}", "application/json"};
      }
      if (r.method == "PUT" && r.path == "/api/me") {
        (*session)["name"] = json_name(r.body);
        return Reply{200, "{\"ok\":true}", "application/json"};
      }
      if (get && r.path == "/api/me") {
        std::string n = name();
        return Reply{200, n.empty() ? "{\"name\":null}" : "{\"name\":\"" + n + "\"}",
                     "application/json"};
      }
      break;
    default:
      break;
  }
  return Reply::refuse(404, "no such page");
}

}  // namespace sessdemo::test
