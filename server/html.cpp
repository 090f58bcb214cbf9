#include "server/html.hpp"

#include "common/html_escape.hpp"
#include "common/page_contract.hpp"

namespace sessdemo::html {

std::string escape(std::string_view text) {
  return html_escape(text);
}

namespace {

constexpr std::string_view style = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f3f5f8;color:#1d2433}
header{background:#1d3557;color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
.badge{background:#e63946;color:#fff;border-radius:6px;padding:6px 12px;font-family:ui-monospace,monospace;font-size:1.05em}
main{max-width:640px;margin:32px auto;background:#fff;border-radius:10px;padding:28px 32px;box-shadow:0 2px 10px rgba(0,0,0,.08)}
h1{margin-top:0;font-size:1.6em}
.value{font-size:1.5em;font-weight:600;background:#eef3fb;border-left:4px solid #457b9d;padding:10px 14px;word-break:break-word}
input[type=text]{font-size:1.1em;padding:8px 10px;width:70%;border:1px solid #a8b3c4;border-radius:6px}
button{font-size:1.1em;padding:8px 18px;border:0;border-radius:6px;background:#457b9d;color:#fff;cursor:pointer}
.note{color:#5a6477;font-size:.92em}
.error{border-left:4px solid #e63946;background:#fdecee;padding:10px 14px}
nav a{margin-right:16px}
</style>)";

// A page is its head (open_page), its body, and its foot (close_page), written into one string.
void open_page(std::string& out, std::string_view title, std::string_view instance) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
  html_escape_to(out, title);
  out += " - sessdemo</title>";
  out += style;
  out +=
      "</head><body><header><a href=\"/\">sessdemo</a><span>served by instance "
      "<span class=\"badge\" ";
  out += page::instance_marker;
  html_escape_to(out, instance);
  out += "</span></span></header><main>";
}

void close_page(std::string& out) {
  out +=
      "<p class=\"note\"><nav><a href=\"/\">Home</a><a href=\"/details\">Details</a></nav></p>"
      "</main></body></html>\n";
}

// What the head and foot take, the escaped title and instance aside.
constexpr std::size_t frame_size = style.size() + 600;

std::string layout(std::string_view title, std::string_view instance, std::string_view body) {
  std::string out;
  out.reserve(frame_size + body.size());
  open_page(out, title, instance);
  out += body;
  close_page(out);
  return out;
}

}  // namespace

std::string home_page(std::string_view instance, std::string_view csrf_token) {
  std::string token_input;
  if (!csrf_token.empty())
    token_input =
        "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(csrf_token) + "\">";
  std::string body =
      "<h1>Home</h1><p>Type your name. It is kept in your session, in the shared session store, "
      "so every instance behind the balancer can show it.</p>"
      "<form method=\"post\" action=\"/\">" +
      token_input +
      "<input type=\"text\" id=\"name-input\" name=\"name\" "
      "maxlength=\"100\" autofocus> <button type=\"submit\">Save</button></form>";
  return layout("Home", instance, body);
}

// The page of every page view: written straight into the page, which is sized once (an
// escaped name or instance may grow it, up to 6 bytes a character).
std::string details_page(std::string_view instance, std::string_view name, long long visits) {
  std::string out;
  out.reserve(frame_size + 320 + name.size() + 2 * instance.size());
  open_page(out, "Details", instance);
  out += "<h1>Details</h1><p>The name in your session:</p><p class=\"value\" ";
  out += page::name_marker;
  html_escape_to(out, name);
  out += "</p><p class=\"note\">Read from the session store by instance <b>";
  html_escape_to(out, instance);
  out += "</b>. Visits counter: <span id=\"visits\">";
  out += std::to_string(visits);
  out += "</span>. Reload to be sent to another instance.</p>";
  close_page(out);
  return out;
}

std::string no_name_page(std::string_view instance) {
  std::string body =
      "<h1>Details</h1><p class=\"value\" " + std::string(page::no_name_marker) +
      "No name in your session.</p>"
      "<p>Either you have not saved one yet, or this instance cannot see your session. "
      "<a href=\"/\">Go back to Home</a> and type one.</p>";
  return layout("Details", instance, body);
}

std::string error_page(std::string_view instance, int status, std::string_view title,
                       std::string_view message) {
  std::string body = "<h1>" + std::to_string(status) + " " + escape(title) +
                     "</h1><p class=\"error\" id=\"error\">" + escape(message) +
                     "</p><p><a href=\"/\">Back to Home</a></p>";
  return layout(title, instance, body);
}

}  // namespace sessdemo::html
