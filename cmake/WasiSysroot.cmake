# Compiling C to wasm32-wasi with Debian's clang-19 and wasi-libc.
#
# Debian installs wasi-libc multiarch-style (/usr/include/wasm32-wasi,
# /usr/lib/wasm32-wasi) while clang's --sysroot expects <sysroot>/include and
# <sysroot>/lib with a target subdirectory; a sysroot made of two symlinks in
# the build tree bridges the two without touching the system.
#
#   warden_wasi_toolchain(OUT_VAR)   sets OUT_VAR to TRUE when clang-19, wasm-ld
#                                    and wasi-libc are present (and the sysroot
#                                    is made), FALSE otherwise.
#   warden_add_wasi_program(OUT_WASM SOURCE [DEPENDS files...] [FLAGS flags...])
#                                    a custom command building OUT_WASM from SOURCE.

# Included once per directory that uses it: the variables below are directory-scoped.
set(WARDEN_WASI_INCLUDE_DIR /usr/include/wasm32-wasi)
set(WARDEN_WASI_LIB_DIR /usr/lib/wasm32-wasi)
set(WARDEN_WASI_SYSROOT ${CMAKE_BINARY_DIR}/wasi-sysroot)

function(warden_wasi_toolchain out_var)
  find_program(WARDEN_WASI_CLANG NAMES clang-19)
  find_program(WARDEN_WASI_LLD NAMES wasm-ld-19 wasm-ld PATHS /usr/lib/llvm-19/bin)
  if(NOT WARDEN_WASI_CLANG OR NOT WARDEN_WASI_LLD
     OR NOT EXISTS ${WARDEN_WASI_INCLUDE_DIR}/stdio.h
     OR NOT EXISTS ${WARDEN_WASI_LIB_DIR}/libc.a)
    set(${out_var} FALSE PARENT_SCOPE)
    return()
  endif()
  file(MAKE_DIRECTORY ${WARDEN_WASI_SYSROOT}/include ${WARDEN_WASI_SYSROOT}/lib)
  file(CREATE_LINK ${WARDEN_WASI_INCLUDE_DIR} ${WARDEN_WASI_SYSROOT}/include/wasm32-wasi SYMBOLIC)
  file(CREATE_LINK ${WARDEN_WASI_LIB_DIR} ${WARDEN_WASI_SYSROOT}/lib/wasm32-wasi SYMBOLIC)
  set(${out_var} TRUE PARENT_SCOPE)
endfunction()

function(warden_add_wasi_program out_wasm source)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "DEPENDS;FLAGS")
  get_filename_component(name ${source} NAME)
  add_custom_command(OUTPUT ${out_wasm}
                     COMMAND ${WARDEN_WASI_CLANG} --target=wasm32-wasi --sysroot=${WARDEN_WASI_SYSROOT}
                             -O2 -Wall -Wextra ${arg_FLAGS} ${source} -o ${out_wasm}
                     DEPENDS ${source} ${arg_DEPENDS}
                     COMMENT "clang-19 --target=wasm32-wasi ${name}"
                     VERBATIM)
endfunction()

# warden_add_wasi_programs(TARGET [DEPENDS files...] [FLAGS flags...])
#   every *.c of the calling source directory becomes NAME.wasm in its binary
#   directory, all built by the custom target TARGET.
function(warden_add_wasi_programs target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "DEPENDS;FLAGS")
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  set(binaries "")
  foreach(source ${sources})
    get_filename_component(name ${source} NAME_WE)
    set(wasm ${CMAKE_CURRENT_BINARY_DIR}/${name}.wasm)
    warden_add_wasi_program(${wasm} ${source} DEPENDS ${arg_DEPENDS} FLAGS ${arg_FLAGS})
    list(APPEND binaries ${wasm})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${binaries})
endfunction()
