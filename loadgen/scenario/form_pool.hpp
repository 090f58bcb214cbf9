#pragma once
// The forms clients keep between reading Home and writing through it. Thousands of clients
// read the same page and get the same form, so one copy is kept per distinct form and shared
// (a server that sends a 60 KB form must not cost 60 KB per client). Each client's own token
// is not part of it: it lives in the client (Client::csrf_token) and is put in at write time.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "loadgen/scenario/html_form.hpp"

namespace sessdemo::loadgen {

// A form as a write sends it: its controls' entries, where and how.
struct KeptForm {
  std::vector<FormField> fields;
  std::string action = "/";  // resolved against the page it came from
  std::string method = "POST";
  bool multipart = false;
  bool operator==(const KeptForm&) const = default;
};

class FormPool {
 public:
  explicit FormPool(std::size_t max_distinct = 256) : max_distinct_(max_distinct) {}
  // The shared copy of f: one already kept when an equal form is, else f itself, kept for the
  // next client (unless max_distinct forms in use are kept already: then f goes unshared).
  std::shared_ptr<const KeptForm> share(KeptForm f);
  std::size_t distinct() const;  // forms kept now

 private:
  mutable std::mutex mutex_;
  std::size_t max_distinct_;
  std::size_t kept_ = 0;
  std::unordered_multimap<std::size_t, std::shared_ptr<const KeptForm>> by_hash_;
  void forget_unused();  // with mutex_ held
};

}  // namespace sessdemo::loadgen
