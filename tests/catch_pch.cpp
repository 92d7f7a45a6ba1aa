// Owns the precompiled catch.hpp that every test binary reuses (tests/CMakeLists.txt): an
// executable, so that its PCH is built -fPIE like theirs; never run.
#include <catch2/catch.hpp>

int main() { return 0; }
