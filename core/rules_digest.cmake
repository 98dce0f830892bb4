cmake_policy(SET CMP0057 NEW)
# Writes OUT with two digests of the library's sources (SRC: core/):
#  ITK_RULES_DIGEST, over every source that can change what verification
#  decides: the folders util/, ssh/, model/ and verify/ whole, and the public
#  headers of their files (core/include/itaku/x.h with x.c in one of them, or
#  with no x.c at all). The verification cache (core/verify/vcache.c) keys
#  what it holds by it, so that a build whose rules differ in any way never
#  trusts an older build's results. flow/ and views/ (writing, status,
#  history, who, the report and form pages) are left out: a new build that
#  changes only them keeps the cache. That holds because no file of those four
#  folders includes a header of flow/ or views/ (tests/layers.sh).
#  ITK_SOURCES_DIGEST, over every source: the status cache's version.
set(rule_layers util ssh model verify)
set(other_layers flow views)
set(rules "")
set(all "")
set(rule_stems "")
set(other_stems "")
foreach(layer ${rule_layers} ${other_layers})
  file(GLOB files ${SRC}/${layer}/*.c ${SRC}/${layer}/*.h)
  list(SORT files)
  foreach(f ${files})
    file(SHA256 ${f} h)
    file(RELATIVE_PATH name ${SRC} ${f})
    string(APPEND all "${name} ${h}\n")
    get_filename_component(stem ${f} NAME_WE)
    if(layer IN_LIST rule_layers)
      string(APPEND rules "${name} ${h}\n")
      list(APPEND rule_stems ${stem})
    else()
      list(APPEND other_stems ${stem})
    endif()
  endforeach()
endforeach()
file(GLOB files ${SRC}/include/itaku/*.h)
list(SORT files)
foreach(f ${files})
  file(SHA256 ${f} h)
  file(RELATIVE_PATH name ${SRC} ${f})
  string(APPEND all "${name} ${h}\n")
  get_filename_component(stem ${f} NAME_WE)
  if(stem IN_LIST rule_stems OR NOT stem IN_LIST other_stems)
    string(APPEND rules "${name} ${h}\n")
  endif()
endforeach()
string(SHA256 rules_digest "${rules}")
string(SHA256 all_digest "${all}")
set(text "#define ITK_RULES_DIGEST \"${rules_digest}\"\n#define ITK_SOURCES_DIGEST \"${all_digest}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
