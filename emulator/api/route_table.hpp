// The route templates of both planes (`/api/v1/wallets/{id}`, `/_sandbox/faults`, ...): the
// bounded `route` label of the metrics, so raw ids never become label values. The router dispatches
// on its own; a unit test checks that every template here reaches a handler. Whoever adds a route
// adds its template here (an unlisted route is counted under "unmatched").
#pragma once

#include <span>
#include <string_view>

namespace paratro::api {

// Every template, in match order (first match wins).
std::span<const std::string_view> route_templates();

// The index in route_templates() of the template `path` matches, or -1.
int match_route(std::string_view path);

inline constexpr std::string_view kUnmatchedRoute = "unmatched";

}  // namespace paratro::api
