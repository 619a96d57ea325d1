// Path patterns, used by fault rules (which requests a rule hits) and by the route table (which
// route template a request belongs to, the bounded `route` label of the metrics). A pattern is a
// path whose segments are literals, `*` or `{name}` (exactly one segment, any value) or, as the
// last segment only, `**` (zero or more remaining segments). Matching is per segment and
// case-sensitive; empty segments (a trailing or doubled `/`) are ignored on both sides, the way
// the router ignores them. Pure functions, no allocation.
#pragma once

#include <string>
#include <string_view>

namespace paratro::api {

// Whether `path` (no query string) matches `pattern`. A malformed pattern matches nothing.
bool path_matches(std::string_view pattern, std::string_view path);

// Why `pattern` is not acceptable as a pattern ("" when it is): it must start with '/', be at most
// 256 characters, and use `**` only as its last segment.
std::string pattern_error(std::string_view pattern);

}  // namespace paratro::api
