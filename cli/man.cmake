# Writes itaku.1 and itaku-COMMAND.1 for every command into OUT, by running
# the built binary ITAKU (`itaku --man [COMMAND]`, from the option tables).
# The pages are English whatever the builder's language: itaku --man prints
# the tables' texts as written, and runs here in the C locale all the same.
set(ENV{LC_ALL} C)
set(ENV{LANG} C)
unset(ENV{LANGUAGE})
unset(ENV{LC_MESSAGES})
execute_process(COMMAND ${ITAKU} --man OUTPUT_FILE ${OUT}/itaku.1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "itaku --man failed")
endif()
execute_process(COMMAND ${ITAKU} __complete "" OUTPUT_VARIABLE names RESULT_VARIABLE rc)
string(REPLACE "\n" ";" names "${names}")
foreach(name ${names})
  if(name AND NOT name STREQUAL "help")
    execute_process(COMMAND ${ITAKU} --man ${name} OUTPUT_FILE ${OUT}/itaku-${name}.1
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "itaku --man ${name} failed")
    endif()
  endif()
endforeach()
