// Segment-by-segment matching of path patterns (see path_pattern.hpp).
#include "emulator/api/path_pattern.hpp"

namespace paratro::api {

namespace {

// Yields the non-empty '/'-separated segments of a path one at a time.
class Segments {
 public:
  explicit Segments(std::string_view path) : rest_(path) {}
  // The next segment, or false when none is left.
  bool next(std::string_view& out) {
    while (!rest_.empty() && rest_.front() == '/') rest_.remove_prefix(1);
    if (rest_.empty()) return false;
    const auto end = rest_.find('/');
    out = rest_.substr(0, end);
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end);
    return true;
  }
  bool done() {
    std::string_view ignored;
    Segments copy = *this;
    return !copy.next(ignored);
  }

 private:
  std::string_view rest_;
};

bool is_single_wildcard(std::string_view seg) {
  return seg == "*" || (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}');
}

}  // namespace

bool path_matches(std::string_view pattern, std::string_view path) {
  Segments p(pattern), s(path);
  std::string_view ps, ss;
  while (p.next(ps)) {
    if (ps == "**") return p.done();  // `**` elsewhere is malformed: match nothing
    if (!s.next(ss)) return false;
    if (!is_single_wildcard(ps) && ps != ss) return false;
  }
  return s.done();
}

std::string pattern_error(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') return "path must start with '/'";
  if (pattern.size() > 256) return "path must be at most 256 characters";
  Segments p(pattern);
  std::string_view seg;
  while (p.next(seg)) {
    if (seg == "**" && !p.done()) return "'**' may only be the last segment";
  }
  return {};
}

}  // namespace paratro::api
