// A file compiled into the binary by scripts/embed.py (`assets` mode): its base name and bytes,
// both static for the life of the program.
#pragma once

#include <span>
#include <string_view>

namespace paratro::api {

struct EmbeddedFile {
  std::string_view name;     // e.g. "app.js"
  std::string_view content;  // the file's exact text
};

// The dashboard's files (emulator/ui/*), sorted by name.
std::span<const EmbeddedFile> dashboard_files();

}  // namespace paratro::api
