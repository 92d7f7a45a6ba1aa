# Compiler flags of the libFuzzer build (IPMIBD_FUZZ=ON, clang only, its own build directory):
# everything compiled here gets coverage instrumentation and ASan+UBSan; the fuzz targets alone
# link libFuzzer's main (tests/fuzz/CMakeLists.txt).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "IPMIBD_FUZZ needs clang (libFuzzer): configure with CXX=clang++ CC=clang")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
# libstdc++'s own bounds checks (vector/span/string operator[], optional access): cheap, and they
# turn an off-by-one inside a container into a crash the fuzzer reports.
add_compile_definitions(_GLIBCXX_ASSERTIONS)
add_link_options(-fsanitize=address,undefined)
