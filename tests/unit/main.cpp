// Entry point of the doctest unit-test binary; every tests/unit/*_test.cpp registers its cases here.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
