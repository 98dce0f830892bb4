cmake_policy(SET CMP0057 NEW)
# Writes OUT with two digests of the library's sources:
#  ITK_RULES_DIGEST, over every source that can change what verification
#  decides. The verification cache (core/vcache.c) keys what it holds by it,
#  so that a build whose rules differ in any way never trusts an older
#  build's results. The modules that only read verified results (status,
#  history and its cache, who, the report and form pages, and the flat JSON
#  view only status uses) are left out: a new build that changes only how results are
#  shown keeps the cache. So that this stays true, the build stops when any
#  other source includes one of their headers.
#  ITK_SOURCES_DIGEST, over every source: the status cache's version.
file(GLOB files ${SRC}/*.c ${SRC}/*.h ${SRC}/include/itaku/*.h)
list(SORT files)
set(readers_only status.c status_rules.c status_rules.h status_ctx.c status_cache.c status_priv.h
    snapshot.c snapshot_priv.h snapshot.h provenance.c history.c who.c
    report.c render.c jview.c jview.h status.h history.h who.h report.h render.h log_cache.c
    log_cache.h)
set(readers_headers
    "status_priv\\.h|status_rules\\.h|snapshot_priv\\.h|jview\\.h|log_cache\\.h|itaku/(status|history|who|report|render|snapshot)\\.h")
set(rules "")
set(all "")
foreach(f ${files})
  file(SHA256 ${f} h)
  get_filename_component(name ${f} NAME)
  string(APPEND all "${name} ${h}\n")
  if(name IN_LIST readers_only)
    continue()
  endif()
  file(STRINGS ${f} coupled REGEX "#include \"(${readers_headers})\"")
  if(coupled)
    message(FATAL_ERROR "${name}: ${coupled}: the verification cache's digest leaves that "
            "module out (core/rules_digest.cmake); take it out of readers_only first")
  endif()
  string(APPEND rules "${name} ${h}\n")
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
