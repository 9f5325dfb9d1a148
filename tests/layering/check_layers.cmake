# SPDX-License-Identifier: MIT
# The layers (docs/architecture.md): base <- engine <- model <- io <- cli. The CMake targets'
# link dependencies already keep a lower layer from linking a higher one; this keeps its
# sources from including one. Run with -DROOT=<source dir>.
set(failures "")
function(check_layer layer forbidden)
    file(GLOB_RECURSE files "${ROOT}/include/tiersim/${layer}/*" "${ROOT}/sim/${layer}/*")
    foreach(file IN LISTS files)
        file(STRINGS "${file}" includes REGEX "^#include [\"<]tiersim/(${forbidden})/")
        foreach(line IN LISTS includes)
            file(RELATIVE_PATH rel "${ROOT}" "${file}")
            string(APPEND failures "${rel}: the ${layer} layer includes a higher layer: ${line}\n")
        endforeach()
    endforeach()
    set(failures "${failures}" PARENT_SCOPE)
endfunction()
check_layer(engine "model|io")
check_layer(model "io")
if(failures)
    message(FATAL_ERROR "${failures}")
endif()
message(STATUS "layering: engine includes neither model nor io; model does not include io")
