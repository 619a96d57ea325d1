// See fixture_file.hpp.
#include "emulator/app/fixture_file.hpp"

#include <cstdio>

#include "emulator/api/fixture.hpp"

namespace paratro::app {

std::optional<std::string> read_fixture_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= api::kMaxFixtureBytes) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return std::nullopt;
  return text;
}

}  // namespace paratro::app
