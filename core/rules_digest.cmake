# Writes OUT: ITK_RULES_DIGEST, the SHA-256 over the library's sources. The
# verification cache (core/vcache.c) keys what it holds by it, so that a
# build whose rules differ in any way never trusts an older build's results.
file(GLOB files ${SRC}/*.c ${SRC}/*.h ${SRC}/include/itaku/*.h)
list(SORT files)
set(all "")
foreach(f ${files})
  file(SHA256 ${f} h)
  get_filename_component(name ${f} NAME)
  string(APPEND all "${name} ${h}\n")
endforeach()
string(SHA256 digest "${all}")
set(text "#define ITK_RULES_DIGEST \"${digest}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
