#include "loadgen/scenario/html_form.hpp"

#include <gumbo.h>

#include <memory>

#include "loadgen/scenario/html_document.hpp"
#include "loadgen/scenario/html_nodes.hpp"

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
using namespace html_nodes;  // this file reads the tree too

struct Walker {
  const PageQuery& q;
  std::vector<FoundForm> forms;
  std::vector<std::pair<std::string, const GumboNode*>> owned;  // form="id" controls, resolved last
  std::optional<std::string> meta;
  std::optional<std::string> input;
  std::string token_hint;

  // Tree order without recursion: a page may nest 100,000 elements deep, and each frame of a
  // recursive walk would take the tester's stack with it.
  struct Frame {
    const GumboNode* node;
    int form;
    bool disabled, in_datalist;
  };

  void walk(const GumboNode* root) {
    std::vector<Frame> stack{{root, -1, false, false}};
    while (!stack.empty()) {
      auto [n, form, disabled, in_datalist] = stack.back();
      stack.pop_back();
      // <template> contents are no part of the document (gumbo keeps them as a node type of
      // their own); neither are comments.
      if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
      if (n->type == GUMBO_NODE_ELEMENT) visit(n, form, disabled, in_datalist);
      const GumboVector& kids =
          n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
      for (unsigned i = kids.length; i-- > 0;)
        stack.push_back({static_cast<const GumboNode*>(kids.data[i]), form, disabled, in_datalist});
    }
  }

  // One element: what it is to the query, and what it makes of its descendants (their form,
  // a disabled fieldset, a datalist).
  void visit(const GumboNode* n, int& form, bool& disabled, bool& in_datalist) {
    GumboTag tag = n->v.element.tag;
    if (token_hint.empty() && (tag == GUMBO_TAG_META || tag == GUMBO_TAG_INPUT)) hint_token(n, tag);
    if (tag == GUMBO_TAG_META && !meta && !q.meta_name.empty()) {
      const char* name = attr(n, "name");
      if (name && iequal(name, q.meta_name)) meta = attr_or(n, "content");
    }
    if (tag == GUMBO_TAG_INPUT && !input && !q.input_name.empty() &&
        attr_or(n, "name") == q.input_name)
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
      if (const char* owner = attr(n, "form"))
        owned.emplace_back(owner, n);
      else if (form >= 0)
        forms[static_cast<std::size_t>(form)].controls.push_back(n);
    }
  }

  // A meta or an input named like a token (csrf, xsrf, authenticity), as the flag that takes it.
  void hint_token(const GumboNode* n, GumboTag tag) {
    std::string name = attr_or(n, "name");
    std::string l = lower(name);
    bool tokenish = l.find("csrf") != std::string::npos || l.find("xsrf") != std::string::npos ||
                    l.find("authenticity") != std::string::npos || l == "_token" ||
                    l == "__requestverificationtoken";
    if (!tokenish || name.size() > 64) return;
    if (tag == GUMBO_TAG_META && attr(n, "content")) token_hint = "--csrf-meta " + name;
    if (tag == GUMBO_TAG_INPUT) token_hint = "--csrf-field " + name;
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

// "POST /login: user, password; GET /search: q": what the page's forms would send.
std::string describe(const std::vector<FoundForm>& forms) {
  std::string out;
  for (std::size_t i = 0; i < forms.size() && i < 5; ++i) {
    if (!out.empty()) out += "; ";
    std::string method = lower(attr_or(forms[i].node, "method", "get"));
    std::string action = attr_or(forms[i].node, "action");
    out += (method == "post" ? "POST " : "GET ") +
           (action.empty() ? std::string("(this page)") : action.substr(0, 80)) + ":";
    unsigned names = 0;
    for (auto* c : forms[i].controls) {
      std::string name = attr_or(c, "name");
      if (name.empty()) continue;
      if (++names > 12) {
        out += " ...";
        break;
      }
      out += (names == 1 ? " " : ", ") + name.substr(0, 40);
    }
    if (names == 0) out += " no named inputs";
  }
  if (forms.size() > 5) out += "; ...";
  return out;
}

// What a kept form costs: its names and values.
std::size_t form_bytes(const HtmlForm& f) {
  std::size_t n = f.action.size();
  for (const auto& field : f.fields) n += field.name.size() + field.value.size();
  return n;
}

}  // namespace

PageScan scan_page(std::string_view html, const PageQuery& q) {
  PageScan out;
  HtmlDocument doc = HtmlDocument::parse(html, q.bounds);
  if (doc.failed()) {
    out.refused = doc.why();
    out.cancelled = doc.cancelled();
    out.too_slow = doc.too_slow();
    return out;
  }
  Walker w{q, {}, {}, {}, {}};
  w.walk(doc.root());
  w.attach_owned();
  out.meta = std::move(w.meta);
  out.input = std::move(w.input);
  out.forms_seen = static_cast<unsigned>(w.forms.size());
  out.token_hint = std::move(w.token_hint);
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
  if (!pick) {
    out.forms_described = describe(w.forms);
    return out;
  }
  // A form is what each client keeps until its next write: a server must not decide the
  // tester's memory through it.
  if (pick->controls.size() > q.max_form_fields) {
    out.refused = "the form has " + std::to_string(pick->controls.size()) +
                  " controls, more than the " + std::to_string(q.max_form_fields) +
                  " the tester keeps";
    return out;
  }
  out.form = form_entries(*pick);
  if (out.form->fields.size() > q.max_form_fields) {  // a multiple select's selected options
    out.refused = "the form has " + std::to_string(out.form->fields.size()) +
                  " entries, more than the " + std::to_string(q.max_form_fields) +
                  " the tester keeps";
    out.form.reset();
  } else if (std::size_t bytes = form_bytes(*out.form); bytes > q.max_form_bytes) {
    out.refused = "the form holds " + std::to_string(bytes) +
                  " bytes of names and values, more than the " + std::to_string(q.max_form_bytes) +
                  " the tester keeps";
    out.form.reset();
  }
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
      if (c == '"')
        out += "%22";
      else if (c == '\r')
        out += "%0D";
      else if (c == '\n')
        out += "%0A";
      else
        out += c;
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

}  // namespace sessdemo::loadgen
