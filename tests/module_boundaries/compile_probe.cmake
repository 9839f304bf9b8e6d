# cmake -DCOMPILE_COMMANDS=... -DSOURCE=... -DHEADER=... -DEXPECT=fails|compiles -P compile_probe.cmake
# Runs the build's own compile command of SOURCE (from compile_commands.json) with
# -fsyntax-only. EXPECT=compiles: succeeds when the compile does. EXPECT=fails: succeeds only
# when the compile fails because HEADER is not found (GCC's or Clang's wording).
if(NOT EXISTS "${COMPILE_COMMANDS}")
  message(FATAL_ERROR "${COMPILE_COMMANDS} is missing (CMAKE_EXPORT_COMPILE_COMMANDS must be ON)")
endif()
file(READ "${COMPILE_COMMANDS}" db)
# The entry of SOURCE: the object around its "file" field (the whole database is too large to
# parse once per entry with string(JSON)).
string(FIND "${db}" "\"file\": \"${SOURCE}\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no compile command for ${SOURCE} in ${COMPILE_COMMANDS}")
endif()
string(SUBSTRING "${db}" 0 ${at} before)
string(FIND "${before}" "{" begin REVERSE)
string(SUBSTRING "${db}" ${begin} -1 rest)
string(FIND "${rest}" "}" length)
math(EXPR length "${length} + 1")
string(SUBSTRING "${rest}" 0 ${length} entry)
string(JSON command GET "${entry}" command)
string(JSON directory GET "${entry}" directory)

separate_arguments(args UNIX_COMMAND "${command}")
execute_process(COMMAND ${args} -fsyntax-only WORKING_DIRECTORY "${directory}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE "." "\\." header_re "${HEADER}")
if(EXPECT STREQUAL "compiles")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "expected #include \"${HEADER}\" to compile, it did not:\n${out}${err}")
  endif()
  message(STATUS "#include \"${HEADER}\" compiles, as expected")
elseif(EXPECT STREQUAL "fails")
  if(rc EQUAL 0)
    message(FATAL_ERROR "expected #include \"${HEADER}\" to fail (header not visible), it compiled")
  endif()
  if(NOT err MATCHES "${header_re}: No such file or directory|'${header_re}' file not found")
    message(FATAL_ERROR "the compile failed, but not because ${HEADER} is not visible:\n${out}${err}")
  endif()
  message(STATUS "#include \"${HEADER}\" fails (not visible), as expected")
else()
  message(FATAL_ERROR "EXPECT must be 'fails' or 'compiles', not '${EXPECT}'")
endif()
