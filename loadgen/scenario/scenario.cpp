#include "loadgen/scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>

#include "common/json_text.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

std::string new_run_tag() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string tag = "r";
  for (int i = 0; i < 6; ++i) tag += alphabet[rd() % 36];
  return tag;
}

ScenarioLogic::ScenarioLogic(const LoadOptions& opts, std::string run_tag)
    : opts_(opts), run_tag_(std::move(run_tag)), boundary_("----sessdemo-form-" + run_tag_) {
  if (opts.journey) values_.emplace(opts.journey->value, run_tag_);
  auto parsed = parse_user_headers(opts.headers);
  if (auto* u = std::get_if<UserHeaders>(&parsed)) user_ = std::move(*u);
}

Step ScenarioLogic::first_step() const {
  if (opts_.journey) return Step::journey;
  switch (opts_.scenario) {
    case Scenario::visit:
      return opts_.login_path.empty() ? Step::home : Step::login_page;
    case Scenario::get:
      return Step::get;
    case Scenario::counter:
      return Step::counter_setup;
    case Scenario::logout:
      return Step::logout_write;
  }
  return Step::done;
}

namespace scenario_detail {

void end_headers(std::string& out, std::string_view body, std::string_view content_type) {
  if (!content_type.empty()) {
    out += "Content-Type: ";
    out += content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += body;
}

std::string_view path_only(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

bool idempotent_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

}  // namespace scenario_detail
using namespace scenario_detail;

bool plausible_token(std::string_view token) {
  if (token.empty() || token.size() > max_token_bytes) return false;
  for (unsigned char c : token)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

std::string hidden_input_value(std::string_view html, std::string_view name) {
  PageQuery q;
  q.input_name = std::string(name);
  auto scan = scan_page(html, q);
  return scan.refused.empty() && scan.input && plausible_token(*scan.input) ? *scan.input : "";
}

void ScenarioLogic::start_line(std::string& out, std::string_view method, std::string_view path,
                               std::string_view host, const Client& c) const {
  out += method;
  out += ' ';
  out += path;
  out += " HTTP/1.1\r\nHost: ";
  out += user_.host.empty() ? host : std::string_view(user_.host);
  out += "\r\nUser-Agent: sessdemo-load\r\n";
  const CookieJar& jar = c.jar;
  if (!jar.empty() || !user_.cookie.empty()) {
    // The client's own cookies first; a user's -H Cookie goes after them, never instead.
    out += "Cookie: ";
    if (!jar.empty()) jar.append_cookie_header(out);
    if (!jar.empty() && !user_.cookie.empty()) out += "; ";
    out += user_.cookie;
    out += "\r\n";
  }
  out += user_.lines;
}

// What a browser sends with a same-origin form post or fetch, under the default policy
// strict-origin-when-cross-origin: the origin, and the whole URL of the page it came from.
void ScenarioLogic::write_headers(std::string& out, std::string_view host, bool tls,
                                  const Client& c) const {
  std::string_view authority = user_.host.empty() ? host : std::string_view(user_.host);
  std::string_view default_port = tls ? ":443" : ":80";
  if (authority.size() > default_port.size() && authority.ends_with(default_port))
    authority.remove_suffix(default_port.size());
  std::string origin = std::string(tls ? "https://" : "http://") + std::string(authority);
  out += "Origin: " + origin + "\r\nReferer: " + origin + c.page_path + "\r\n";
}

Kind ScenarioLogic::build_request(std::uint32_t id, Client& c, std::string_view host,
                                  std::string& out, bool tls) const {
  auto get = [&](std::string_view path, Kind k) {
    c.request_path.assign(path);
    c.idempotent = true;
    start_line(out, "GET", path, host, c);
    end_headers(out, {}, {});
    return k;
  };
  switch (c.step) {
    case Step::home:
      return get(opts_.home_path, Kind::home);
    case Step::login_page:
      return get(opts_.login_path, Kind::login);
    case Step::write:
      build_write(id, c, host, tls, out);
      return Kind::write;
    case Step::login_submit:
    case Step::follow: {
      const PendingRequest& r = c.next;
      c.request_path = r.path;
      c.idempotent = idempotent_method(r.method);
      start_line(out, r.method, r.path, host, c);
      if (r.method != "GET" && r.method != "HEAD") write_headers(out, host, tls, c);
      end_headers(out, r.body, r.content_type);
      return c.step == Step::follow ? Kind::redirect : Kind::login;
    }
    case Step::read:
      return get(opts_.details_path, Kind::read);
    case Step::get:
      return get(opts_.path, Kind::read);
    case Step::counter_setup:
    case Step::increment:
      c.sent_increments++;
      c.request_path = opts_.counter_path;
      c.idempotent = false;
      start_line(out, "POST", opts_.counter_path, host, c);
      end_headers(out, {}, "application/json");
      return Kind::write;
    case Step::final_read:
    case Step::done:
      return get(opts_.session_path, Kind::read);
    case Step::logout_write:
    case Step::logout_burst:
    case Step::logout:
    case Step::logout_check:
      return build_logout_step(id, c, host, tls, out);
    case Step::journey:
      return build_journey(id, c, host, tls, out);
  }
  return Kind::read;
}

// Scenario logout: the name (a JSON write to --write-path), then --inflight increments with the
// logout sent among them (after the first K), then a read of Details by the old cookie.
Kind ScenarioLogic::build_logout_step(std::uint32_t id, Client& c, std::string_view host, bool tls,
                                      std::string& out) const {
  auto plain = [&](std::string_view method, std::string_view path, std::string_view body,
                   std::string_view type) {
    c.request_path.assign(path);
    c.idempotent = idempotent_method(method);
    start_line(out, method, path, host, c);
    if (method != "GET") write_headers(out, host, tls, c);
    end_headers(out, body, type);
  };
  if (c.step == Step::logout_write) {
    c.writes.attempted = c.writes.acked + 1;
    std::string body = "{\"";
    append_json_string(body, opts_.name_field);
    body += "\":\"" + make_name(run_tag_, id, c.writes.attempted) + "\"}";
    plain(opts_.write_method, opts_.write_path, body, "application/json");
    return Kind::write;
  }
  if (c.step == Step::logout_check) {
    plain("GET", opts_.details_path, {}, {});
    return Kind::read;
  }
  if (!c.logout_sent && c.burst_sent >= std::max(1u, opts_.inflight)) {
    c.logout_sent = true;
    plain(opts_.logout_method, opts_.logout_path, {}, {});
    return Kind::logout;
  }
  c.burst_sent++;
  c.in_flight++;
  plain("POST", opts_.counter_path, {}, "application/json");
  return Kind::write;
}

// The write of a name: a JSON body, or the form of Home filled in as a browser fills it. Kept in
// c.next, so a 307 or 308 can send it again.
void ScenarioLogic::build_write(std::uint32_t id, Client& c, std::string_view host, bool tls,
                                std::string& out) const {
  c.writes.attempted = c.writes.acked + 1;
  std::string name = make_name(run_tag_, id, c.writes.attempted);
  std::string token = token_for(c);
  PendingRequest& r = c.next;
  r.body.clear();
  bool json = opts_.write == LoadOptions::Write::json;
  if (json) {
    r.method = opts_.write_method;
    r.path = opts_.write_path;
    r.body = "{\"";
    append_json_string(r.body, opts_.name_field);
    r.body += "\":\"" + name + "\"}";
    r.content_type = "application/json";
  } else {
    HtmlForm f;
    if (c.form)
      f.fields = c.form->fields;  // none when Home had no such form: the one field goes alone
    f.set(opts_.name_field, name);
    if (!opts_.csrf_field.empty() && !token.empty()) f.set(opts_.csrf_field, token);
    for (const auto& [k, v] : opts_.form_fields) f.set(k, v);
    r.method = c.form ? c.form->method : "POST";
    r.path = opts_.write_path_given ? opts_.write_path : c.form ? c.form->action : opts_.home_path;
    if (c.form && c.form->multipart) {
      r.body = multipart_fields(f.fields, boundary_);
      r.content_type = "multipart/form-data; boundary=" + boundary_;
    } else {
      r.body = urlencode_fields(f.fields);
      r.content_type = "application/x-www-form-urlencoded";
    }
    if (r.method == "GET") {  // a GET form puts its fields in the query
      r.path += r.path.find('?') == std::string::npos ? '?' : '&';
      r.path += r.body;
      r.body.clear();
      r.content_type.clear();
    }
  }
  c.request_path = r.path;
  c.idempotent = idempotent_method(r.method);
  start_line(out, r.method, r.path, host, c);
  write_headers(out, host, tls, c);
  // The header carries the token of JSON writes, and of form writes whose token is not a field.
  bool header = json ? !token.empty()
                     : !token.empty() && (!opts_.csrf_meta.empty() || !opts_.csrf_cookie.empty());
  if (header) out += opts_.csrf_header + ": " + token + "\r\n";
  end_headers(out, r.body, r.content_type);
}

}  // namespace sessdemo::loadgen
