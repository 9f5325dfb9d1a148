# SPDX-License-Identifier: MIT
# tiersim_embed_scenarios(): the command that generates embedded_scenarios.cpp from the
# scenarios shipped in scenarios/ (`tiersim list`), and TIERSIM_EMBEDDED_CPP naming it. Used by
# sim/ and by the fuzzing build (tests/fuzz), which compiles the loader on its own.
function(tiersim_embed_scenarios)
    file(GLOB scenarios CONFIGURE_DEPENDS
         "${PROJECT_SOURCE_DIR}/scenarios/*.toml"
         "${PROJECT_SOURCE_DIR}/scenarios/validation/*.toml"
         "${PROJECT_SOURCE_DIR}/scenarios/bench/*.toml")
    string(REPLACE ";" "|" listed "${scenarios}")
    set(output "${PROJECT_BINARY_DIR}/generated/embedded_scenarios.cpp")
    add_custom_command(
        OUTPUT "${output}"
        COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output}
                -DROOT=${PROJECT_SOURCE_DIR}/scenarios
                "-DFILES=${listed}"
                -P "${PROJECT_SOURCE_DIR}/cmake/EmbedScenarios.cmake"
        DEPENDS ${scenarios} "${PROJECT_SOURCE_DIR}/cmake/EmbedScenarios.cmake"
        COMMENT "Embedding scenarios"
        VERBATIM)
    set(TIERSIM_EMBEDDED_CPP "${output}" PARENT_SCOPE)
endfunction()
