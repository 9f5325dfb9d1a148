# SPDX-License-Identifier: MIT
# Every option starts with TIERSIM_; the README lists them.
option(TIERSIM_BUILD_TESTS "Build the Catch2 test suite" ${PROJECT_IS_TOP_LEVEL})
option(TIERSIM_BUILD_BENCHMARKS "Build the Google Benchmark micro-benchmarks" OFF)
option(TIERSIM_FUZZ "Build only the libFuzzer target on the scenario loader (clang; preset fuzz)" OFF)
option(TIERSIM_WARNINGS_AS_ERRORS "Treat compiler warnings as errors (ON in CI)" OFF)
set(TIERSIM_SANITIZE "" CACHE STRING "Sanitizers to build with: empty, address,undefined, or thread")
# MPI (OpenMPI from Debian's libopenmpi-dev): only the C API. ON when found; OFF builds a
# one-process binary whose MpiWorld has size 1.
find_package(MPI COMPONENTS C QUIET)
option(TIERSIM_WITH_MPI "Scale one run out over MPI ranks (mpirun -n K tiersim run)" ${MPI_C_FOUND})
if(TIERSIM_WITH_MPI AND NOT MPI_C_FOUND)
    message(FATAL_ERROR "TIERSIM_WITH_MPI=ON but no MPI C library was found (scripts/setup "
                        "installs libopenmpi-dev openmpi-bin)")
endif()
set(TIERSIM_PYTHON "/usr/bin/python3" CACHE FILEPATH "Debian's Python, which sees python3-h5py")

if(TIERSIM_SANITIZE)
    include(CheckCXXCompilerFlag)
    set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=${TIERSIM_SANITIZE}")
    check_cxx_compiler_flag("-fsanitize=${TIERSIM_SANITIZE}" TIERSIM_HAVE_SANITIZER)
    unset(CMAKE_REQUIRED_LINK_OPTIONS)
    if(NOT TIERSIM_HAVE_SANITIZER)
        message(FATAL_ERROR "TIERSIM_SANITIZE=${TIERSIM_SANITIZE} is not supported by this compiler")
    endif()
    add_compile_options(-fsanitize=${TIERSIM_SANITIZE} -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${TIERSIM_SANITIZE})
endif()
