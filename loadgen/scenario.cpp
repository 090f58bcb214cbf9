#include "loadgen/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>

namespace sessdemo::loadgen {

ShardSlice shard_slice(const LoadOptions& o) {
  auto n = std::max(1u, o.shard_count);
  auto i = std::clamp(o.shard_index, 1u, n);
  auto at = [&](unsigned k) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(o.clients) * k / n);
  };
  ShardSlice s;
  s.first_client = at(i - 1);
  s.clients = at(i) - s.first_client;
  s.share = o.clients ? static_cast<double>(s.clients) / o.clients : 0;
  return s;
}

const char* to_string(Scenario s) {
  switch (s) {
    case Scenario::visit:
      return "visit";
    case Scenario::get:
      return "get";
    case Scenario::counter:
      return "counter";
  }
  return "?";
}

std::string new_run_tag() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string tag = "r";
  for (int i = 0; i < 6; ++i) tag += alphabet[rd() % 36];
  return tag;
}

ScenarioLogic::ScenarioLogic(const LoadOptions& opts, std::string run_tag)
    : opts_(opts), run_tag_(std::move(run_tag)) {
  auto parsed = parse_user_headers(opts.headers);
  if (auto* u = std::get_if<UserHeaders>(&parsed)) user_ = std::move(*u);
}

Step ScenarioLogic::first_step() const {
  switch (opts_.scenario) {
    case Scenario::visit:
      return Step::home;
    case Scenario::get:
      return Step::get;
    case Scenario::counter:
      return Step::counter_setup;
  }
  return Step::done;
}

namespace {
// A JSON string's contents: quotes, backslashes and control characters escaped.
void append_json_string(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
}

// application/x-www-form-urlencoded: unreserved bytes as they are, the rest %XX.
void append_form_encoded(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

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

std::string decode_entities(std::string_view s) {
  std::string out;
  static constexpr std::pair<std::string_view, char> names[] = {
      {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}, {"&lt;", '<'}, {"&gt;", '>'}};
  for (std::size_t i = 0; i < s.size();) {
    bool done = false;
    if (s[i] == '&')
      for (auto [entity, c] : names)
        if (s.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          done = true;
          break;
        }
    if (!done) out += s[i++];
  }
  return out;
}

bool ok_status(int status) {
  return status >= 200 && status < 400;
}

std::optional<std::int64_t> visits_in(std::string_view body) {
  auto pos = body.find("\"visits\":");
  if (pos == std::string_view::npos) return std::nullopt;
  body.remove_prefix(pos + 9);
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}
}  // namespace

ErrorKind ScenarioLogic::error_kind_of(const Answer& a, Step step) const {
  if (a.status == 0) return a.failure;
  if (a.status >= 500 && a.status <= 599) return ErrorKind::http_5xx;
  if (a.status >= 400 && a.status <= 499) {
    bool token_sent = !opts_.csrf_field.empty() && step == Step::write;
    return token_sent && a.status == 403 ? ErrorKind::csrf : ErrorKind::http_4xx;
  }
  return ErrorKind::protocol;  // 1xx as a final answer, or a status past 599
}

std::string hidden_input_value(std::string_view html, std::string_view name) {
  for (std::size_t at = 0; (at = html.find("<input", at)) != std::string_view::npos; ++at) {
    auto end = html.find('>', at);
    if (end == std::string_view::npos) return "";
    auto tag = html.substr(at, end - at);
    // An attribute's value, quoted with " or '.
    auto attribute = [&](std::string_view attr) -> std::optional<std::string_view> {
      for (std::size_t p = 0; (p = tag.find(attr, p)) != std::string_view::npos; ++p) {
        if (p == 0 || (tag[p - 1] != ' ' && tag[p - 1] != '\t' && tag[p - 1] != '\n')) continue;
        auto q = p + attr.size();
        if (q + 1 >= tag.size() || tag[q] != '=' || (tag[q + 1] != '"' && tag[q + 1] != '\''))
          continue;
        auto close = tag.find(tag[q + 1], q + 2);
        if (close == std::string_view::npos) return std::nullopt;
        return tag.substr(q + 2, close - q - 2);
      }
      return std::nullopt;
    };
    auto n = attribute("name");
    if (!n || decode_entities(*n) != name) continue;
    auto v = attribute("value");
    if (!v) return "";
    std::string value = decode_entities(*v);
    for (unsigned char c : value)
      if (c <= 0x20 || c >= 0x7f) return "";
    return value;
  }
  return "";
}

void ScenarioLogic::start_line(std::string& out, std::string_view method, std::string_view path,
                               std::string_view host, const CookieJar& jar) const {
  out += method;
  out += ' ';
  out += path;
  out += " HTTP/1.1\r\nHost: ";
  out += user_.host.empty() ? host : std::string_view(user_.host);
  out += "\r\nUser-Agent: sessdemo-load\r\n";
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

Kind ScenarioLogic::build_request(std::uint32_t id, Client& c, std::string_view host,
                                  std::string& out) const {
  switch (c.step) {
    case Step::home:
      start_line(out, "GET", opts_.home_path, host, c.jar);
      end_headers(out, {}, {});
      return Kind::home;
    case Step::write: {
      c.writes.attempted = c.writes.acked + 1;
      std::string name = make_name(run_tag_, id, c.writes.attempted);
      std::string body;
      bool token = !opts_.csrf_field.empty() && !c.csrf_token.empty();
      if (opts_.write == LoadOptions::Write::json) {
        body = "{\"";
        append_json_string(body, opts_.name_field);
        body += "\":\"" + name + "\"}";
        start_line(out, opts_.write_method, opts_.write_path, host, c.jar);
        if (token) out += opts_.csrf_header + ": " + c.csrf_token + "\r\n";
        end_headers(out, body, "application/json");
      } else {
        append_form_encoded(body, opts_.name_field);
        body += "=" + name;
        if (token) {
          body += '&';
          append_form_encoded(body, opts_.csrf_field);
          body += '=';
          append_form_encoded(body, c.csrf_token);
        }
        start_line(out, "POST", opts_.home_path, host, c.jar);
        end_headers(out, body, "application/x-www-form-urlencoded");
      }
      return Kind::write;
    }
    case Step::read:
      start_line(out, "GET", opts_.details_path, host, c.jar);
      end_headers(out, {}, {});
      return Kind::read;
    case Step::get:
      start_line(out, "GET", opts_.path, host, c.jar);
      end_headers(out, {}, {});
      return Kind::read;
    case Step::counter_setup:
    case Step::increment:
      c.sent_increments++;
      start_line(out, "POST", opts_.counter_path, host, c.jar);
      end_headers(out, {}, "application/json");
      return Kind::write;
    case Step::final_read:
    case Step::done:
      start_line(out, "GET", opts_.session_path, host, c.jar);
      end_headers(out, {}, {});
      return Kind::read;
  }
  return Kind::read;
}

Outcome ScenarioLogic::apply(std::uint32_t id, Client& c, Step step, const Answer& a) const {
  Outcome o;
  bool ok = ok_status(a.status);
  o.error = !ok;
  if (!ok) o.error_kind = error_kind_of(a, step);
  if (ok)
    for (auto sc : a.set_cookies) c.jar.apply_set_cookie(sc);
  switch (step) {
    case Step::home:
      o.kind = Kind::home;
      if (ok && !opts_.csrf_field.empty()) c.csrf_token = hidden_input_value(a.body, opts_.csrf_field);
      c.step = Step::write;
      break;
    case Step::write:
      o.kind = Kind::write;
      // A failed write is sent again; the reads keep judging against the last acknowledged one.
      // A refused token is fetched again first.
      if (ok) {
        c.writes.acked = c.writes.attempted;
        c.reads_since_write = 0;
        c.step = Step::read;
      } else if (o.error_kind == ErrorKind::csrf) {
        c.step = Step::home;
      }
      break;
    case Step::read:
      o.kind = Kind::read;
      if (ok)
        o.verdict =
            judge_page(a.body, run_tag_, ClientWrites{id, c.writes.acked, c.writes.attempted});
      // With a CSRF token, each write is preceded by the page that carries it.
      if (++c.reads_since_write >= opts_.rename_every)
        c.step = opts_.csrf_field.empty() ? Step::write : Step::home;
      break;
    case Step::get:
      o.kind = Kind::read;
      break;
    case Step::counter_setup:
    case Step::increment:
      o.kind = Kind::write;
      if (ok) {
        c.acked_increments++;
        if (auto v = visits_in(a.body); v && *v > c.highest_seen) c.highest_seen = *v;
        if (step == Step::counter_setup) c.step = Step::increment;
      }
      break;
    case Step::final_read:
    case Step::done:
      o.kind = Kind::read;
      if (ok) {
        if (auto v = visits_in(a.body)) c.final_value = *v;
        c.step = Step::done;
      }
      break;
  }
  return o;
}

}  // namespace sessdemo::loadgen
