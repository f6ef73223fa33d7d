# qc_add_integration_test(TARGET name SOURCES a.cc ... [LIBRARIES lib ...] [TIMEOUT seconds]
#                         [LABEL label])
# Builds a GoogleTest binary linked to qc_itest and GTest::gtest_main and
# registers each of its tests with ctest: LABELS integration, run serially,
# after the `itest` setup fixture (users, install with setcap'd helper, guest),
# with QC_IT_PREFIX pointing at that install. LABEL replaces `integration`
# for tests run separately (e.g. `cloud`: the real cloud image, minutes each).

# Where the setup fixture installs this build tree: a world-traversable path,
# one per build directory (CI may build under /root).
string(SHA1 _qc_build_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${_qc_build_hash}" 0 10 _qc_build_hash)
set(QC_IT_PREFIX "/tmp/qc-it-prefix-${_qc_build_hash}" CACHE INTERNAL "integration-test install prefix")

include(GoogleTest)

function(qc_add_integration_test)
  cmake_parse_arguments(ARG "" "TARGET;TIMEOUT;LABEL" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_SOURCES)
    message(FATAL_ERROR "qc_add_integration_test: TARGET and SOURCES are required")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  if(NOT ARG_LABEL)
    set(ARG_LABEL integration)
  endif()
  add_executable(${ARG_TARGET} ${ARG_SOURCES})
  target_link_libraries(${ARG_TARGET} PRIVATE qc_itest GTest::gtest_main ${ARG_LIBRARIES})
  # PRE_TEST: listing the tests happens at ctest time, never needs root at build time.
  gtest_discover_tests(${ARG_TARGET}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES
      LABELS ${ARG_LABEL}
      FIXTURES_REQUIRED itest
      ENVIRONMENT "QC_IT_PREFIX=${QC_IT_PREFIX}"
      RUN_SERIAL TRUE
      TIMEOUT ${ARG_TIMEOUT})
endfunction()
