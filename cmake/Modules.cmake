# Helpers shared by every module's CMakeLists.txt.
#
# Module boundaries (docs/modules.md). A module is a static library made by llm_add_module
# from the files of one directory src/<module path>/. Its headers are included as
# "<module path>/file.h" (e.g. "core/status.h", "engine/model/model.h"), but src/ is on no
# include path: each module gets two generated trees of symbolic links to its headers,
#   ${CMAKE_BINARY_DIR}/include/<target>/<module path>/   its public headers, a PUBLIC include
#                                                          directory of the target;
#   ${CMAKE_BINARY_DIR}/include-internal/<target>/<module path>/   its internal headers
#                                                          (*_internal.h, *.inc and those named
#                                                          in INTERNAL_HEADERS), PRIVATE.
# So a file sees its own module's headers, and the public headers of the modules its target
# links (PUBLIC links pass them on to the target's users, PRIVATE links do not), nothing else:
# including a header of a module that is not a declared dependency, or another module's
# internal header, fails with "No such file or directory". tests/module_boundaries checks it.

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

# llm_internal_include_dir(TARGET OUT_VAR): the root of TARGET's internal header tree.
function(llm_internal_include_dir target out_var)
  set(${out_var} ${CMAKE_BINARY_DIR}/include-internal/${target} PARENT_SCOPE)
endfunction()

# llm_link_module_headers(TARGET HEADERS INTERNAL...): (re)creates TARGET's two header trees
# from the headers of the current source directory; stale links of removed headers go.
function(llm_link_module_headers target headers)
  file(RELATIVE_PATH module_path ${CMAKE_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
  set(public_root ${CMAKE_BINARY_DIR}/include/${target})
  llm_internal_include_dir(${target} internal_root)
  file(REMOVE_RECURSE ${public_root} ${internal_root})
  file(MAKE_DIRECTORY ${public_root}/${module_path} ${internal_root}/${module_path})
  foreach(header ${headers})
    if(header MATCHES "(_internal\\.h|\\.inc)$" OR header IN_LIST ARGN)
      set(root ${internal_root})
    else()
      set(root ${public_root})
    endif()
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${root}/${module_path}/${header} SYMBOLIC)
  endforeach()
endfunction()

# llm_add_module(NAME [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [INTERNAL_HEADERS ...]): a static
# library from every *.cpp in the current directory (not recursive). Its *.h files are its
# public headers, except *_internal.h and those listed in INTERNAL_HEADERS, which only the
# module itself (and tests given llm_see_internals) can include. A dependency whose headers
# appear in the module's public headers is a PUBLIC_DEP, any other a PRIVATE_DEP.
function(llm_add_module name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS;INTERNAL_HEADERS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*.h ${CMAKE_CURRENT_SOURCE_DIR}/*.inc)
  foreach(internal ${ARG_INTERNAL_HEADERS})
    if(NOT internal IN_LIST headers)
      message(FATAL_ERROR "${name}: INTERNAL_HEADERS names ${internal}, which is not a header of ${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
  endforeach()
  llm_link_module_headers(${name} "${headers}" ${ARG_INTERNAL_HEADERS})
  llm_internal_include_dir(${name} internal_root)
  add_library(${name} STATIC ${sources})
  # Compiled in batches of files (a unity build: shared headers are parsed once a batch);
  # files with flags of their own (the SIMD kernels) stay apart.
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  target_include_directories(${name} PUBLIC ${CMAKE_BINARY_DIR}/include/${name} PRIVATE ${internal_root})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# llm_see_internals(TARGET MODULE...): lets TARGET (a test or benchmark of the modules'
# internals) include the internal headers of each MODULE it links.
function(llm_see_internals target)
  foreach(module ${ARGN})
    llm_internal_include_dir(${module} internal_root)
    target_include_directories(${target} PRIVATE ${internal_root})
  endforeach()
endfunction()

# llm_fast_test_build(TARGET): test code is compiled as a few unity translation units (the
# headers of GoogleTest, nlohmann/json and the standard library are parsed, and their templates
# instantiated, once a batch, not once a file) at -O1: the code under test is in the modules,
# optimised as shipped; the tests' own code only has to be quick to build.
function(llm_fast_test_build target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  if(NOT LLM_SANITIZE)
    target_compile_options(${target} PRIVATE -O1)
  endif()
endfunction()

# llm_add_gtest(NAME SOURCES... LIBS ... [INTERNALS MODULE...]): a GoogleTest executable
# registered with CTest. It sees the public headers of LIBS, the internal headers of the
# INTERNALS modules, and tests/ (the tests' own helpers).
function(llm_add_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;INTERNALS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  llm_fast_test_build(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock Threads::Threads)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  llm_see_internals(${name} ${ARG_INTERNALS})
  include(GoogleTest)
  # Two properties, not one ENVIRONMENT list: gtest_discover_tests splits a list on ";".
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES
    ENVIRONMENT "LLM_SHARED_DIR=${CMAKE_SOURCE_DIR}/../shared"
    ENVIRONMENT_MODIFICATION "LLM_BIN_DIR=set:${CMAKE_BINARY_DIR}/bin")
endfunction()
