// The Catch2 runner for all test cases; the cases live in *_test.cpp files.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
