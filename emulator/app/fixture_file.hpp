// Reading a fixture file (--fixtures, `fixtures validate`): the whole file, capped just past
// api::kMaxFixtureBytes so that an oversize file is read far enough for the loader to refuse it.
#pragma once

#include <optional>
#include <string>

namespace paratro::app {

// The file's bytes, or nullopt when it cannot be opened or read.
std::optional<std::string> read_fixture_file(const std::string& path);

}  // namespace paratro::app
