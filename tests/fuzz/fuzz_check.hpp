// What the libFuzzer targets of tests/fuzz share: FUZZ_CHECK, an assertion that stays on in release
// builds and aborts (a finding libFuzzer records with its input) when a round-trip property fails.
// Sanitizers catch memory and UB errors; FUZZ_CHECK catches wrong answers.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)
