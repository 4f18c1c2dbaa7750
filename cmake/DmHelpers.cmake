# DmHelpers: one place that knows how libraries, unit tests, integration tests and fuzz
# targets are registered, so module directories never repeat the wiring.

# dm_library(NAME DIR DEPS...) builds every .c file directly in DIR into a static library
# NAME whose public headers are in DIR.
function(dm_library name)
  cmake_parse_arguments(A "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.c$")
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${UTHASH_INCLUDE_DIR})
    target_link_libraries(${name} PUBLIC ${A_DEPS})
  else()
    # A directory whose first module has not landed yet still provides its include path.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR} ${UTHASH_INCLUDE_DIR})
    target_link_libraries(${name} INTERFACE ${A_DEPS})
  endif()
endfunction()

# dm_unit_tests(DIR LIBS...) registers every DIR/test_*.c as a cmocka executable and a
# ctest with label "unit" and a timeout.
function(dm_unit_tests dir)
  cmake_parse_arguments(A "" "" "LIBS" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/test_*.c)
  get_filename_component(group ${dir} NAME)
  foreach(t ${tests})
    get_filename_component(base ${t} NAME_WE)
    set(exe unit_${group}_${base})
    add_executable(${exe} ${t})
    target_link_libraries(${exe} PRIVATE ${A_LIBS} PkgConfig::CMOCKA)
    target_compile_definitions(${exe} PRIVATE DM_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data")
    add_test(NAME ${exe} COMMAND ${exe})
    set_tests_properties(${exe} PROPERTIES LABELS unit TIMEOUT 300
      ENVIRONMENT "DM_TEST_DATA_DIR=${CMAKE_SOURCE_DIR}/tests/data;CMOCKA_MESSAGE_OUTPUT=STDOUT")
  endforeach()
endfunction()

# dm_fuzz_targets(DIR LIBS...) builds every DIR/fuzz_*.c twice: as a corpus replay test
# (always, run by ctest over DIR/corpus/<name>) and, with DM_FUZZ, as a libFuzzer binary.
function(dm_fuzz_targets dir)
  cmake_parse_arguments(A "" "" "LIBS" ${ARGN})
  file(GLOB targets CONFIGURE_DEPENDS ${dir}/fuzz_*.c)
  foreach(t ${targets})
    get_filename_component(base ${t} NAME_WE)
    add_executable(replay_${base} ${t} ${dir}/replay_main.c)
    target_link_libraries(replay_${base} PRIVATE ${A_LIBS})
    add_test(NAME replay_${base} COMMAND replay_${base} ${dir}/corpus/${base})
    set_tests_properties(replay_${base} PROPERTIES LABELS unit TIMEOUT 300)
    if(DM_FUZZ)
      add_executable(${base} ${t})
      target_compile_options(${base} PRIVATE -fsanitize=fuzzer)
      target_link_options(${base} PRIVATE -fsanitize=fuzzer)
      target_link_libraries(${base} PRIVATE ${A_LIBS})
    endif()
  endforeach()
endfunction()

# dm_integration_tests(DIR) registers every DIR/test_*.sh as a ctest with label
# "integration"; scripts get the build and source directories in the environment.
function(dm_integration_tests dir)
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/test_*.sh)
  foreach(t ${tests})
    get_filename_component(base ${t} NAME_WE)
    add_test(NAME integ_${base} COMMAND bash ${t})
    set_tests_properties(integ_${base} PROPERTIES LABELS integration TIMEOUT 1200
      ENVIRONMENT "DM_BUILD_DIR=${CMAKE_BINARY_DIR};DM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endforeach()
endfunction()

# dm_program(NAME LIBS...) builds a daemon or CLI: every .c in the directory but main.c
# becomes library NAME_core (so unit tests can link the daemon's logic), and main.c the
# executable NAME.
function(dm_program name)
  cmake_parse_arguments(A "" "" "LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.c$")
  if(srcs)
    add_library(${name}_core STATIC ${srcs})
  else()
    add_library(${name}_core INTERFACE)
  endif()
  if(srcs)
    target_include_directories(${name}_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name}_core PUBLIC ${A_LIBS})
  else()
    target_include_directories(${name}_core INTERFACE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name}_core INTERFACE ${A_LIBS})
  endif()
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/main.c)
  target_link_libraries(${name} PRIVATE ${name}_core)
endfunction()
