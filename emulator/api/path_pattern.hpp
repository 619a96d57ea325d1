// Path patterns, used by fault rules (which requests a rule hits) and by the route table (which
// route template a request belongs to, the bounded `route` label of the metrics). A pattern is a
// path whose segments are literals, `*` or `{name}` (exactly one segment, any value) or, as the
// last segment only, `**` (zero or more remaining segments). Matching is per segment and
// case-sensitive; empty segments (a trailing or doubled `/`) are ignored on both sides.
// Pure functions, no allocation.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace paratro::api {

// Whether `path` (no query string) matches `pattern`. A malformed pattern matches nothing.
bool path_matches(std::string_view pattern, std::string_view path);

// The same match, also storing the path segments under the pattern's single-segment wildcards
// (`{name}` or `*`), in order, into `captures` (views into `path`; wildcards beyond its size are
// matched but not stored). On no match `captures` is left in an unspecified state.
bool path_matches(std::string_view pattern, std::string_view path, std::span<std::string_view> captures);

// Why `pattern` is not acceptable as a pattern ("" when it is): it must start with '/', be at most
// 256 characters, and use `**` only as its last segment.
std::string pattern_error(std::string_view pattern);

}  // namespace paratro::api
