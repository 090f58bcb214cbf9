#pragma once
// The HTML pages. Everything a visitor typed is escaped; no external assets.
#include <string>
#include <string_view>

namespace sessdemo::html {

std::string escape(std::string_view text);

// With a CSRF token (serve --csrf), the form carries it in the hidden input csrf_token.
std::string home_page(std::string_view instance, std::string_view csrf_token = {});
std::string details_page(std::string_view instance, std::string_view name, long long visits);
std::string no_name_page(std::string_view instance);
// A page for 4xx/5xx answers: a title and a sentence saying what happened.
std::string error_page(std::string_view instance, int status, std::string_view title,
                       std::string_view message);

}  // namespace sessdemo::html
