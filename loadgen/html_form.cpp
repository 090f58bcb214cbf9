#include "loadgen/html_form.hpp"

#include <gumbo.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <memory>

namespace sessdemo::loadgen {

bool HtmlForm::set(std::string_view name, std::string_view value) {
  for (auto& f : fields)
    if (f.name == name) {
      f.value = value;
      return true;
    }
  fields.push_back({std::string(name), std::string(value)});
  return false;
}

const FormField* HtmlForm::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

const char* attr(const GumboNode* n, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}
bool has_attr(const GumboNode* n, const char* name) {
  return attr(n, name) != nullptr;
}
std::string attr_or(const GumboNode* n, const char* name, std::string_view fallback = {}) {
  const char* v = attr(n, name);
  return v ? std::string(v) : std::string(fallback);
}
std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

void text_of(const GumboNode* n, std::string& out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
    out += n->v.text.text;
    return;
  }
  if (n->type != GUMBO_NODE_ELEMENT) return;
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) text_of(static_cast<const GumboNode*>(kids.data[i]), out);
}
// An option's label as its value: the text with white space stripped and collapsed.
std::string collapsed_text(const GumboNode* n) {
  std::string raw, out;
  text_of(n, raw);
  for (char c : raw) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A form element and the controls that belong to it, in tree order.
struct FoundForm {
  const GumboNode* node;
  std::vector<const GumboNode*> controls;
};

struct Walker {
  const PageQuery& q;
  std::vector<FoundForm> forms;
  std::vector<std::pair<std::string, const GumboNode*>> owned;  // form="id" controls, resolved last
  std::optional<std::string> meta;
  std::optional<std::string> input;

  void walk(const GumboNode* n, int form, bool disabled, bool in_datalist) {
    // <template> contents are no part of the document (gumbo keeps them as a node type of
    // their own); neither are comments.
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) return;
    if (n->type == GUMBO_NODE_ELEMENT) {
      GumboTag tag = n->v.element.tag;
      if (tag == GUMBO_TAG_META && !meta && !q.meta_name.empty()) {
        const char* name = attr(n, "name");
        if (name && iequal(name, q.meta_name)) meta = attr_or(n, "content");
      }
      if (tag == GUMBO_TAG_INPUT && !input && !q.input_name.empty() && attr_or(n, "name") == q.input_name)
        input = attr_or(n, "value");
      if (tag == GUMBO_TAG_FORM) {
        forms.push_back({n, {}});
        form = static_cast<int>(forms.size()) - 1;
      }
      if (tag == GUMBO_TAG_DATALIST) in_datalist = true;
      if (tag == GUMBO_TAG_FIELDSET && has_attr(n, "disabled")) disabled = true;
      bool control = tag == GUMBO_TAG_INPUT || tag == GUMBO_TAG_BUTTON || tag == GUMBO_TAG_SELECT ||
                     tag == GUMBO_TAG_TEXTAREA;
      if (control && !in_datalist && !disabled && !has_attr(n, "disabled")) {
        if (const char* owner = attr(n, "form")) owned.emplace_back(owner, n);
        else if (form >= 0) forms[static_cast<std::size_t>(form)].controls.push_back(n);
      }
    }
    const GumboVector& kids =
        n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i)
      walk(static_cast<const GumboNode*>(kids.data[i]), form, disabled, in_datalist);
  }

  // A control with form="id" joins the first form with that id, wherever it stands.
  void attach_owned() {
    for (auto& [id, node] : owned)
      for (auto& f : forms)
        if (attr_or(f.node, "id") == id) {
          f.controls.push_back(node);
          break;
        }
  }
};

bool is_submit_button(const GumboNode* n) {
  if (n->v.element.tag == GUMBO_TAG_BUTTON) {
    std::string type = lower(attr_or(n, "type", "submit"));
    return type != "button" && type != "reset";
  }
  if (n->v.element.tag != GUMBO_TAG_INPUT) return false;
  std::string type = lower(attr_or(n, "type"));
  return type == "submit" || type == "image";
}

// HTML's "constructing the entry list": the controls a browser sends when the form is
// submitted with its first submit button (or with Enter, when it has none).
HtmlForm entries(const FoundForm& f) {
  HtmlForm out;
  std::string method = lower(attr_or(f.node, "method", "get"));
  out.method = method == "post" ? "POST" : "GET";
  out.multipart = lower(attr_or(f.node, "enctype")) == "multipart/form-data";
  out.action = attr_or(f.node, "action");
  const GumboNode* submitter = nullptr;
  for (auto* c : f.controls)
    if (is_submit_button(c)) {
      submitter = c;
      break;
    }
  for (const GumboNode* c : f.controls) {
    GumboTag tag = c->v.element.tag;
    std::string name = attr_or(c, "name");
    if (tag == GUMBO_TAG_INPUT && lower(attr_or(c, "type")) == "image") {
      if (c != submitter) continue;
      std::string prefix = name.empty() ? "" : name + ".";
      out.fields.push_back({prefix + "x", "0"});
      out.fields.push_back({prefix + "y", "0"});
      continue;
    }
    if (name.empty()) continue;
    if (tag == GUMBO_TAG_BUTTON || (tag == GUMBO_TAG_INPUT && is_submit_button(c))) {
      if (c == submitter) out.fields.push_back({name, attr_or(c, "value")});
      continue;
    }
    if (tag == GUMBO_TAG_TEXTAREA) {
      std::string text;
      text_of(c, text);
      out.fields.push_back({name, text});
      continue;
    }
    if (tag == GUMBO_TAG_SELECT) {
      bool multiple = has_attr(c, "multiple");
      std::vector<const GumboNode*> options;
      std::vector<const GumboNode*> stack{c};
      while (!stack.empty()) {  // options and those in optgroups, in order
        const GumboNode* n = stack.back();
        stack.pop_back();
        const GumboVector& kids = n->v.element.children;
        for (unsigned i = kids.length; i-- > 0;) {
          auto* k = static_cast<const GumboNode*>(kids.data[i]);
          if (k->type != GUMBO_NODE_ELEMENT) continue;
          if (k->v.element.tag == GUMBO_TAG_OPTION) options.insert(options.begin(), k);
          else if (k->v.element.tag == GUMBO_TAG_OPTGROUP) stack.push_back(k);
        }
      }
      auto value_of = [](const GumboNode* o) {
        const char* v = attr(o, "value");
        return v ? std::string(v) : collapsed_text(o);
      };
      const GumboNode* chosen = nullptr;
      for (auto* o : options)
        if (has_attr(o, "selected")) {
          if (multiple) {
            if (!has_attr(o, "disabled")) out.fields.push_back({name, value_of(o)});
          } else {
            chosen = o;  // of several, the last one selected wins
          }
        }
      if (!multiple && !chosen)
        for (auto* o : options)
          if (!has_attr(o, "disabled")) {
            chosen = o;
            break;
          }
      if (chosen && !has_attr(chosen, "disabled")) out.fields.push_back({name, value_of(chosen)});
      continue;
    }
    std::string type = lower(attr_or(c, "type", "text"));
    if (type == "reset" || type == "button") continue;
    if (type == "checkbox" || type == "radio") {
      if (has_attr(c, "checked")) out.fields.push_back({name, attr_or(c, "value", "on")});
      continue;
    }
    if (type == "file") {
      out.fields.push_back({name, ""});
      continue;
    }
    if (type == "hidden" && iequal(name, "_charset_")) {
      out.fields.push_back({name, "UTF-8"});
      continue;
    }
    out.fields.push_back({name, attr_or(c, "value")});
  }
  return out;
}

bool names(const FoundForm& f, std::string_view name) {
  for (auto* c : f.controls)
    if (attr_or(c, "name") == name) return true;
  return false;
}

bool has_password(const FoundForm& f) {
  for (auto* c : f.controls)
    if (c->v.element.tag == GUMBO_TAG_INPUT && lower(attr_or(c, "type")) == "password") return true;
  return false;
}

struct OutputDeleter {
  void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};

}  // namespace

PageScan scan_page(std::string_view html, const PageQuery& q) {
  std::unique_ptr<GumboOutput, OutputDeleter> doc(
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
  PageScan out;
  if (!doc) return out;
  Walker w{q, {}, {}, {}, {}};
  w.walk(doc->document, -1, false, false);
  w.attach_owned();
  out.meta = std::move(w.meta);
  out.input = std::move(w.input);
  out.forms_seen = static_cast<unsigned>(w.forms.size());
  const FoundForm* pick = nullptr;
  for (const auto& field : q.form_fields) {
    for (const auto& f : w.forms)
      if (names(f, field)) {
        pick = &f;
        break;
      }
    if (pick) break;
  }
  if (!pick && q.password_form)
    for (const auto& f : w.forms)
      if (has_password(f)) {
        pick = &f;
        break;
      }
  if (pick) out.form = entries(*pick);
  return out;
}

void append_form_encoded(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string urlencode_fields(const std::vector<FormField>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += '&';
    append_form_encoded(out, f.name);
    out += '=';
    append_form_encoded(out, f.value);
  }
  return out;
}

std::string multipart_fields(const std::vector<FormField>& fields, std::string_view boundary) {
  std::string out;
  for (const auto& f : fields) {
    out += "--";
    out += boundary;
    out += "\r\nContent-Disposition: form-data; name=\"";
    for (char c : f.name) {
      // As browsers escape a field name inside the quotes.
      if (c == '"') out += "%22";
      else if (c == '\r') out += "%0D";
      else if (c == '\n') out += "%0A";
      else out += c;
    }
    out += "\"\r\n\r\n";
    out += f.value;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

std::optional<std::string> resolve_reference(std::string_view base_path, std::string_view ref,
                                             std::string_view same_origin, std::string* other_origin) {
  // What a browser's URL parser does first: strip surrounding spaces, drop tabs and newlines,
  // and percent-encode what RFC 3986 has no room for.
  while (!ref.empty() && static_cast<unsigned char>(ref.front()) <= 0x20) ref.remove_prefix(1);
  while (!ref.empty() && static_cast<unsigned char>(ref.back()) <= 0x20) ref.remove_suffix(1);
  std::string clean;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : ref) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
        c == '}' || c == '|' || c == '\\' || c == '^') {
      clean += '%';
      clean += hex[c >> 4];
      clean += hex[c & 15];
    } else {
      clean += static_cast<char>(c);
    }
  }
  auto parsed = boost::urls::parse_uri_reference(clean);
  if (!parsed) return std::nullopt;
  std::string base_text = "http://base";
  base_text += base_path.empty() || base_path.front() != '/' ? "/" : "";
  base_text += base_path;
  auto base = boost::urls::parse_uri(base_text);
  if (!base) return std::nullopt;
  boost::urls::url dest;
  if (!boost::urls::resolve(*base, *parsed, dest)) return std::nullopt;
  if (parsed->has_scheme() && parsed->scheme() != "http" && parsed->scheme() != "https")
    return std::nullopt;
  if (parsed->has_authority() && other_origin) {
    std::string origin = std::string(dest.scheme()) + "://" + std::string(dest.encoded_host_and_port());
    if (origin != same_origin) *other_origin = origin;
  }
  std::string out(dest.encoded_path());
  if (out.empty() && dest.has_authority()) out = "/";
  if (out.empty() || out.front() != '/') return std::nullopt;  // nothing a request line can carry
  if (dest.has_query()) {
    out += '?';
    out += dest.encoded_query();
  }
  return out;
}

}  // namespace sessdemo::loadgen
