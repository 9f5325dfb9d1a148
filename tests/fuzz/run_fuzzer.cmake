# SPDX-License-Identifier: MIT
# Runs the scenario-loader fuzzer for SECONDS over a fresh copy of the seed corpus: every
# *.toml under scenarios/ (the shipped, validation, benchmark and invalid scenarios, with the
# bases in scenarios/invalid/include) and every file in tests/fuzz/regressions (the inputs that
# once broke the loader). New inputs it finds go to WORK/corpus; a crash leaves
# WORK/crash-* (or leak-*, timeout-*), and the test fails.
# cmake -DFUZZER=... -DSOURCE=... -DWORK=... -DSECONDS=... -P run_fuzzer.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/seeds")
file(GLOB_RECURSE seeds "${SOURCE}/scenarios/*.toml")
foreach(seed IN LISTS seeds)
    file(RELATIVE_PATH name "${SOURCE}/scenarios" "${seed}")
    string(REPLACE "/" "_" name "${name}")
    configure_file("${seed}" "${WORK}/seeds/${name}" COPYONLY)
endforeach()
list(LENGTH seeds count)
message(STATUS "fuzzing the scenario loader for ${SECONDS} s from ${count} seeds and "
               "tests/fuzz/regressions")
execute_process(
    COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=16384 -timeout=30
            -rss_limit_mb=4096 -print_final_stats=1 "-artifact_prefix=${WORK}/"
            "-dict=${SOURCE}/tests/fuzz/scenario.dict"
            "${WORK}/corpus" "${WORK}/seeds" "${SOURCE}/tests/fuzz/regressions"
    WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    file(GLOB artifacts "${WORK}/crash-*" "${WORK}/leak-*" "${WORK}/timeout-*" "${WORK}/oom-*")
    message(FATAL_ERROR "the scenario-loader fuzzer failed (${result}); reproduce with "
                        "${FUZZER} ${artifacts}")
endif()
