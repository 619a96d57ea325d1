// The start-up banner on stdout: where the emulator listens, the default credentials, the database,
// the clock (and where its setting came from), the fixture, the default client's API version and
// webhook. Scripts read the first line; people read the rest.
#pragma once

#include <string>

#include "emulator/app/emulator.hpp"

namespace paratro::app {

// The banner of a started emulator, every line ending in "\n".
std::string banner_text(Emulator& emulator);

}  // namespace paratro::app
