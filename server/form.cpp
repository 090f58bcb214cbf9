#include "server/form.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <vector>

namespace sessdemo {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::optional<std::string>> form_field(std::string_view body, std::string_view name) {
  std::optional<std::string> found;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = form_decode(pair.substr(0, eq));
    auto value =
        form_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    if (*key == name && !found) found = std::move(*value);
  }
  return found;
}

namespace {
// The code points of valid UTF-8 text (checked before).
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

// Characters that show nothing or change how the text around them is shown, by the Unicode
// properties (ICU's data, not a hand list): Default_Ignorable_Code_Point (zero-width characters,
// fillers such as U+3164 and U+115F, the soft hyphen, the byte order mark), Bidi_Control (marks,
// embeddings, overrides, isolates, U+061C), and the C1 controls.
bool invisible(char32_t c) {
  auto cp = static_cast<UChar32>(c);
  return u_hasBinaryProperty(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
         u_hasBinaryProperty(cp, UCHAR_BIDI_CONTROL) || u_charType(cp) == U_CONTROL_CHAR;
}

// Line and paragraph separators (U+2028, U+2029: general categories Zl and Zp) break the line
// they stand in, in a page, a log or a JSON consumer's JavaScript: no part of a one-line name.
bool breaks_lines(char32_t c) {
  auto type = u_charType(static_cast<UChar32>(c));
  return type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR;
}

// Combining marks (Mn, Me) pile up on the character before them: a handful is a language's
// diacritics (Vietnamese stacks two, some scripts three or four), dozens are a text that draws
// over the lines around it. At most this many in a row.
constexpr int max_marks_in_a_row = 4;
bool combining(char32_t c) {
  auto type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK;
}

// What renders as empty space: White_Space, and the blank braille pattern U+2800, which Unicode
// counts as a symbol but every font draws as nothing.
bool blank(char32_t c) {
  return u_isUWhiteSpace(static_cast<UChar32>(c)) || c == 0x2800;
}
}  // namespace

NameCheck check_name(std::string_view raw) {
  NameCheck r;
  if (!is_valid_utf8(raw)) {
    r.error = "The name is not valid UTF-8 text.";
    return r;
  }
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  if (raw.empty()) {
    r.error = "Please type a name: it cannot be empty.";
    return r;
  }
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      r.error = "The name cannot contain control characters.";
      return r;
    }
  }
  auto cps = code_points(raw);
  for (char32_t c : cps)
    if (invisible(c)) {
      r.error = "The name cannot contain invisible or text-direction characters.";
      return r;
    }
  if (std::any_of(cps.begin(), cps.end(), breaks_lines)) {
    r.error = "The name cannot contain line or paragraph separators.";
    return r;
  }
  int marks = 0;
  for (char32_t c : cps) {
    marks = combining(c) ? marks + 1 : 0;
    if (marks > max_marks_in_a_row) {
      r.error = "The name cannot stack more than " + std::to_string(max_marks_in_a_row) +
                " combining marks on one character.";
      return r;
    }
  }
  if (std::all_of(cps.begin(), cps.end(), blank)) {
    r.error = "Please type a name: it cannot be empty.";
    return r;
  }
  if (utf8_length(raw) > max_name_length) {
    r.error = "The name is too long: at most " + std::to_string(max_name_length) + " characters.";
    return r;
  }
  r.name = std::string(raw);
  return r;
}

}  // namespace sessdemo
