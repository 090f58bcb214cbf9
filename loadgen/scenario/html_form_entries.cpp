// HTML's "constructing the entry list": what a browser sends when a form is submitted.
#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen::html_nodes {

void text_of(const GumboNode* n, std::string& out) {
  std::vector<const GumboNode*> stack{n};
  while (!stack.empty()) {
    const GumboNode* k = stack.back();
    stack.pop_back();
    if (k->type == GUMBO_NODE_TEXT || k->type == GUMBO_NODE_WHITESPACE ||
        k->type == GUMBO_NODE_CDATA) {
      out += k->v.text.text;
      continue;
    }
    if (k->type != GUMBO_NODE_ELEMENT) continue;
    const GumboVector& kids = k->v.element.children;
    for (unsigned i = kids.length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
  }
}

// Text as a browser shows it: white space stripped and collapsed (an option's label as its value).
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

namespace {
// A select's entries: each selected option of a multiple one; else the last one selected, or
// the first enabled one when none is.
void select_entries(const GumboNode* c, const std::string& name, HtmlForm& out) {
  bool multiple = has_attr(c, "multiple");
  // HTML's list of options: the select's option children and its optgroups' option children,
  // in tree order (optgroups do not nest).
  std::vector<const GumboNode*> options;
  auto is = [](const GumboNode* k, GumboTag t) {
    return k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == t;
  };
  const GumboVector& kids = c->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    auto* k = static_cast<const GumboNode*>(kids.data[i]);
    if (is(k, GUMBO_TAG_OPTION)) options.push_back(k);
    if (!is(k, GUMBO_TAG_OPTGROUP)) continue;
    const GumboVector& group = k->v.element.children;
    for (unsigned j = 0; j < group.length; ++j)
      if (auto* o = static_cast<const GumboNode*>(group.data[j]); is(o, GUMBO_TAG_OPTION))
        options.push_back(o);
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
}

}  // namespace

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
HtmlForm form_entries(const FoundForm& f) {
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
      select_entries(c, name, out);
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

}  // namespace sessdemo::loadgen::html_nodes
