# SPDX-License-Identifier: MIT
# Runs EXE with ARGS ('|'-separated) and fails unless it exits with CODE.
#   cmake -DEXE=path/to/tiersim "-DARGS=check|file.toml" -DCODE=2 -P expect_exit.cmake
foreach(required EXE CODE)
    if(NOT DEFINED ${required})
        message(FATAL_ERROR "expect_exit.cmake: -D${required}=... is required")
    endif()
endforeach()
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${EXE}" ${args}
                RESULT_VARIABLE result
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT "${result}" STREQUAL "${CODE}")
    message(FATAL_ERROR "expected exit code ${CODE}, got '${result}'\n"
                        "command: ${EXE} ${args}\nstdout:\n${out}\nstderr:\n${err}")
endif()
message(STATUS "exit code ${result} as expected")
