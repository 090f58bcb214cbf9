// The pages a client reads for what its next requests need: Home for the form that holds the
// name field and the CSRF token, the login page for its form; and the token it sends.
#include <spdlog/spdlog.h>

#include "loadgen/scenario/page_text.hpp"
#include "loadgen/scenario/scenario.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

using namespace scenario_detail;

namespace {
// Cookie values may be percent-encoded (Laravel's XSRF-TOKEN is); a client that echoes one in a
// header decodes it first, as Angular's and axios' cookie readers do.
std::string percent_decoded(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    unsigned hi = 0, lo = 0;
    auto hex = [](char ch, unsigned& d) {
      if (ch >= '0' && ch <= '9')
        d = static_cast<unsigned>(ch - '0');
      else if (ch >= 'a' && ch <= 'f')
        d = static_cast<unsigned>(ch - 'a' + 10);
      else if (ch >= 'A' && ch <= 'F')
        d = static_cast<unsigned>(ch - 'A' + 10);
      else
        return false;
      return true;
    };
    if (v[i] == '%' && i + 2 < v.size() && hex(v[i + 1], hi) && hex(v[i + 2], lo)) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

std::string expand_client(std::string_view value, std::uint32_t id) {
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    if (value.substr(i, 8) == "{client}") {
      out += std::to_string(id);
      i += 8;
    } else {
      out += value[i++];
    }
  }
  return out;
}

// The fields of a form as the request that submits it, to target (its resolved action).
PendingRequest submission(const HtmlForm& f, std::string target, std::string_view boundary) {
  PendingRequest r;
  r.method = f.method;
  r.path = std::move(target);
  if (f.multipart && f.method == "POST") {
    r.body = multipart_fields(f.fields, boundary);
    r.content_type = "multipart/form-data; boundary=" + std::string(boundary);
  } else {
    r.body = urlencode_fields(f.fields);
    r.content_type = "application/x-www-form-urlencoded";
  }
  if (r.method == "GET") {
    r.path += r.path.find('?') == std::string::npos ? '?' : '&';
    r.path += r.body;
    r.body.clear();
    r.content_type.clear();
  }
  return r;
}
}  // namespace

void ScenarioLogic::diagnose(unsigned what, const std::string& message) const {
  if (diagnosed_.fetch_or(what) & what) return;
  spdlog::warn("{}", message);
}

bool ScenarioLogic::uses_token() const {
  return !opts_.csrf_field.empty() || !opts_.csrf_meta.empty() || !opts_.csrf_cookie.empty();
}

bool ScenarioLogic::at_login(std::string_view path) const {
  return !opts_.login_path.empty() && path_only(path) == path_only(opts_.login_path);
}

std::string ScenarioLogic::token_for(const Client& c) const {
  if (opts_.csrf_cookie.empty()) return c.csrf_token;
  const std::string* v = c.jar.find(opts_.csrf_cookie);
  if (!v) return "";
  std::string token = percent_decoded(*v);
  if (plausible_token(token)) return token;
  diagnose(no_cookie, "the cookie '" + opts_.csrf_cookie + "' holds no usable token (" +
                          std::to_string(token.size()) +
                          " bytes; a token is printable ASCII without spaces, at most " +
                          std::to_string(max_token_bytes) + " bytes): writes go without one");
  return "";
}

ScenarioLogic::PageRead ScenarioLogic::refuse_page(const std::string& path,
                                                   const PageScan& scan) const {
  if (scan.cancelled) return PageRead::cancelled;
  diagnose(page_refused, "a page of " + path + " was not read: " + scan.refused +
                             " (counted as protocol errors; the first such page is named here)");
  return PageRead::refused;
}

// Home, read for what the next writes need: the form that holds the name field, the token.
std::string ScenarioLogic::form_target(std::string_view page_path, std::string_view action,
                                       std::string_view origin) const {
  std::string other;
  auto target = resolve_reference(page_path, action.empty() ? page_path : action, origin, &other);
  if (!other.empty())
    diagnose(other_origin,
             "a form of " + std::string(page_path) + " posts to another origin (" +
                 printable(other, 120) +
                 "): the tester sends it to the same path on the instances given, nowhere else");
  return target.value_or(std::string(page_path));
}

ScenarioLogic::PageRead ScenarioLogic::read_home(Client& c, std::string_view page,
                                                 std::string_view origin) const {
  const std::string& path = c.request_path;
  bool form_mode = opts_.write == LoadOptions::Write::form;
  PageQuery q;
  if (form_mode) q.form_fields = {opts_.name_field};
  q.input_name = opts_.csrf_field;
  q.meta_name = opts_.csrf_meta;
  PageScan scan = pages_.read(page, q);
  if (!scan.refused.empty()) return refuse_page(path, scan);
  c.page_read = true;
  c.page_path = path;
  if (!scan.token_hint.empty() && !uses_token()) {
    std::lock_guard lock(hint_mutex_);
    if (token_hint_.empty()) token_hint_ = scan.token_hint + " (on " + path + ")";
  }
  // The token the form carries is this client's own: taken before the form is shared.
  const FormField* own =
      scan.form && !opts_.csrf_field.empty() ? scan.form->find(opts_.csrf_field) : nullptr;
  std::string form_token = own ? own->value : scan.input.value_or("");
  if (form_mode) {
    c.form.reset();
    if (scan.form) {
      KeptForm kept;
      kept.fields = std::move(scan.form->fields);
      if (!opts_.csrf_field.empty())
        for (auto& f : kept.fields)
          if (f.name == opts_.csrf_field) f.value.clear();  // each write puts its own in
      kept.method = scan.form->method;
      kept.multipart = scan.form->multipart;
      kept.action = form_target(path, scan.form->action, origin);
      c.form = forms_.share(std::move(kept));
    } else {
      diagnose(no_form,
               "no <form> with an input named '" + opts_.name_field + "' on " + path + " (" +
                   (scan.forms_seen ? "its forms: " + printable(scan.forms_described, 400)
                                    : std::string("no form there")) +
                   "; --name-field names the input): each write is a POST of that one field to " +
                   (opts_.write_path_given ? opts_.write_path : opts_.home_path));
    }
  }
  if (!opts_.csrf_meta.empty()) {
    c.csrf_token = scan.meta && plausible_token(*scan.meta) ? *scan.meta : "";
    if (c.csrf_token.empty())
      diagnose(no_meta, "no <meta name=\"" + opts_.csrf_meta +
                            "\" content=...> with a token (printable, at "
                            "most 256 bytes) on " +
                            path);
  } else if (!opts_.csrf_field.empty() && opts_.csrf_cookie.empty()) {
    // The form's own field when it has it, else the first input of that name on the page.
    c.csrf_token = plausible_token(form_token) ? form_token : "";
    if (c.csrf_token.empty())
      diagnose(no_field, "no input named '" + opts_.csrf_field +
                             "' with a token (printable, at most 256 "
                             "bytes) on " +
                             path);
  }
  if (!opts_.csrf_cookie.empty() && !c.jar.find(opts_.csrf_cookie))
    diagnose(no_cookie,
             "no cookie '" + opts_.csrf_cookie + "' was set by " + path + " or before it");
  return PageRead::read;
}

// The login page: its form filled with --login-field values and submitted next.
std::optional<ErrorKind> ScenarioLogic::read_login_page(std::uint32_t id, Client& c,
                                                        std::string_view page,
                                                        std::string_view origin) const {
  PageQuery q;
  for (const auto& f : opts_.login_fields) q.form_fields.push_back(f.first);
  q.password_form = true;
  PageScan scan = pages_.read(page, q);
  if (!scan.refused.empty()) {
    if (refuse_page(c.request_path, scan) == PageRead::cancelled)
      return std::nullopt;  // c.step stays
    return ErrorKind::protocol;
  }
  if (!scan.form) {
    diagnose(no_login_form, "no login form on " + c.request_path + " (looked for a form with a " +
                                (q.form_fields.empty() ? std::string("password input")
                                                       : "field '" + q.form_fields.front() +
                                                             "' or a password input") +
                                "; " + std::to_string(scan.forms_seen) + " forms there)");
    return ErrorKind::login;
  }
  for (const auto& [k, v] : opts_.login_fields) scan.form->set(k, expand_client(v, id));
  c.next =
      submission(*scan.form, form_target(c.request_path, scan.form->action, origin), boundary_);
  c.page_path = c.request_path;
  c.step = Step::login_submit;
  return std::nullopt;
}

}  // namespace sessdemo::loadgen
