# Helpers shared by every module's CMakeLists.txt.

# llm_add_subdirectories(DIR): add_subdirectory() for each direct child of DIR that has a
# CMakeLists.txt, in name order, so a new module or test area needs no edit here.
function(llm_add_subdirectories dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_SOURCE_DIR}/${dir} ${CMAKE_SOURCE_DIR}/${dir}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/${dir}/${child} AND EXISTS ${CMAKE_SOURCE_DIR}/${dir}/${child}/CMakeLists.txt)
      add_subdirectory(${CMAKE_SOURCE_DIR}/${dir}/${child})
    endif()
  endforeach()
endfunction()

# llm_add_module(NAME [PUBLIC_DEPS ...] [PRIVATE_DEPS ...]): a static library from every
# *.cpp in the current directory (not recursive). Headers are included as "module/file.h"
# relative to src/, e.g. #include "core/status.h".
function(llm_add_module name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# llm_add_gtest(NAME SOURCES... LIBS ...): a GoogleTest executable registered with CTest.
function(llm_add_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock Threads::Threads)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  include(GoogleTest)
  # Two properties, not one ENVIRONMENT list: gtest_discover_tests splits a list on ";".
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES
    ENVIRONMENT "LLM_SHARED_DIR=${CMAKE_SOURCE_DIR}/../shared"
    ENVIRONMENT_MODIFICATION "LLM_BIN_DIR=set:${CMAKE_BINARY_DIR}/bin")
endfunction()
