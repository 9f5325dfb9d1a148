# SPDX-License-Identifier: MIT
# Runs one scenario in one process and under MPI with RANKS ranks, and fails unless the two
# files hold the same datasets (h5diff, /provenance aside) and both runs exit 0.
#   cmake -DEXE=tiersim -DMPIEXEC=mpiexec "-DMPIEXEC_ARGS=a|b" -DRANKS=2 -DH5DIFF=h5diff
#         "-DARGS=run|s5-inter-provincial|--days|10" -DWORKDIR=dir -P compare_ranks.cmake
foreach(required EXE MPIEXEC RANKS H5DIFF ARGS WORKDIR)
    if(NOT DEFINED ${required})
        message(FATAL_ERROR "compare_ranks.cmake: -D${required}=... is required")
    endif()
endforeach()
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" mpi_args "${MPIEXEC_ARGS}")
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
set(one "${WORKDIR}/one.h5")
set(many "${WORKDIR}/ranks${RANKS}.h5")

function(run_checked label)
    execute_process(COMMAND ${ARGN}
                    RESULT_VARIABLE result
                    OUTPUT_VARIABLE out
                    ERROR_VARIABLE err)
    if(NOT "${result}" STREQUAL "0")
        string(REPLACE ";" " " shown "${ARGN}")
        message(FATAL_ERROR "${label} exited with '${result}'\ncommand: ${shown}\n"
                            "stdout:\n${out}\nstderr:\n${err}")
    endif()
    set(last_out "${out}" PARENT_SCOPE)
endfunction()

run_checked("one process" "${EXE}" ${args} -q -o "${one}")
run_checked("${RANKS} ranks" "${MPIEXEC}" ${mpi_args} -n ${RANKS} "${EXE}" ${args} -q --json
            -o "${many}")
# Rank 0 alone prints: exactly one JSON summary, which records the number of ranks.
string(REGEX MATCHALL "\"ranks\":[ ]*[0-9]+" ranks_seen "${last_out}")
if(NOT ranks_seen STREQUAL "\"ranks\":${RANKS}")
    message(FATAL_ERROR "expected one summary with \"ranks\":${RANKS}, got '${ranks_seen}' in\n"
                        "${last_out}")
endif()
run_checked("h5diff" "${H5DIFF}" --exclude-path /provenance "${one}" "${many}")
if(last_out MATCHES "not comparable")
    message(FATAL_ERROR "h5diff could not compare everything:\n${last_out}")
endif()
message(STATUS "${RANKS} ranks: identical to one process")
