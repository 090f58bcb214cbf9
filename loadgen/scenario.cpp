#include "loadgen/scenario.hpp"

#include <algorithm>
#include <charconv>
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
    : opts_(opts), run_tag_(std::move(run_tag)) {}

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
void start_line(std::string& out, std::string_view method, std::string_view path,
                std::string_view host, const CookieJar& jar) {
  out += method;
  out += ' ';
  out += path;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nUser-Agent: sessdemo-load\r\n";
  if (!jar.empty()) {
    out += "Cookie: ";
    jar.append_cookie_header(out);
    out += "\r\n";
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

Kind ScenarioLogic::build_request(std::uint32_t id, Client& c, std::string_view host,
                                  std::string& out) const {
  switch (c.step) {
    case Step::home:
      start_line(out, "GET", opts_.home_path, host, c.jar);
      end_headers(out, {}, {});
      return Kind::home;
    case Step::write: {
      c.writes.attempted = c.writes.acked + 1;
      std::string body = opts_.name_field + "=" + make_name(run_tag_, id, c.writes.attempted);
      start_line(out, "POST", opts_.home_path, host, c.jar);
      end_headers(out, body, "application/x-www-form-urlencoded");
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
  if (ok)
    for (auto sc : a.set_cookies) c.jar.apply_set_cookie(sc);
  switch (step) {
    case Step::home:
      o.kind = Kind::home;
      c.step = Step::write;
      break;
    case Step::write:
      o.kind = Kind::write;
      // A failed write is sent again; the reads keep judging against the last acknowledged one.
      if (ok) {
        c.writes.acked = c.writes.attempted;
        c.reads_since_write = 0;
        c.step = Step::read;
      }
      break;
    case Step::read:
      o.kind = Kind::read;
      if (ok)
        o.verdict =
            judge_page(a.body, run_tag_, ClientWrites{id, c.writes.acked, c.writes.attempted});
      if (++c.reads_since_write >= opts_.rename_every) c.step = Step::write;
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
