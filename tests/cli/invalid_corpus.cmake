# SPDX-License-Identifier: MIT
# The invalid-scenario corpus: for every scenarios/invalid/*.toml (not include/, which holds the
# bases and the other halves of cycles), `tiersim check FILE` must print the diagnostic that the
# file's first `# expect: REGEX` line describes, and exit with code 2 (bad scenario).
# Included by tests/cli/CMakeLists.txt; TIERSIM_EXE may name the binary (default: the target).
if(NOT DEFINED TIERSIM_EXE)
    set(TIERSIM_EXE "$<TARGET_FILE:tiersim>")
endif()

file(GLOB TIERSIM_INVALID_SCENARIOS CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/scenarios/invalid/*.toml")
foreach(scenario IN LISTS TIERSIM_INVALID_SCENARIOS)
    get_filename_component(stem "${scenario}" NAME_WE)
    file(STRINGS "${scenario}" expect_lines LIMIT_COUNT 1 REGEX "^# expect: ")
    if(NOT expect_lines)
        message(FATAL_ERROR "${scenario}: the first lines need a '# expect: REGEX' comment")
    endif()
    string(REGEX REPLACE "^# expect: " "" expect "${expect_lines}")

    add_test(NAME invalid/${stem} COMMAND ${TIERSIM_EXE} check "${scenario}")
    set_tests_properties(invalid/${stem} PROPERTIES
        PASS_REGULAR_EXPRESSION "${expect}"
        LABELS "cli;invalid"
        TIMEOUT 30)

    add_test(NAME invalid_exit/${stem}
             COMMAND ${CMAKE_COMMAND} "-DEXE=${TIERSIM_EXE}" "-DARGS=check|${scenario}" -DCODE=2
                     -P "${CMAKE_CURRENT_LIST_DIR}/expect_exit.cmake")
    set_tests_properties(invalid_exit/${stem} PROPERTIES
        LABELS "cli;invalid"
        TIMEOUT 30)
endforeach()
