// A minimal leveled logger writing whole lines to stdout under a mutex, so lines from the I/O
// threads never interleave. The access log is one `info` line per request; `--log-level warn`
// silences it (benchmarks do).
#pragma once

#include <string_view>

namespace paratro::http {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// Parses "debug", "info", "warn", "error", "off"; false if unknown.
bool parse_log_level(std::string_view text, LogLevel& out);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
// Writes "<RFC 3339 time> <level> <message>\n" if the level is enabled.
void log_line(LogLevel level, std::string_view message);

}  // namespace paratro::http
