# Finds LLVM 19 and exposes JITLITE_LLVM_LIBS (the shared libLLVM) and
# LLVM_DEFINITIONS_LIST. Debian's llvm-19-dev installs under /usr/lib/llvm-19.
find_package(LLVM REQUIRED CONFIG
  HINTS /usr/lib/llvm-19/lib/cmake/llvm /usr/lib/llvm-19
  NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "jitlite needs LLVM 19, found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "jitlite: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
separate_arguments(LLVM_DEFINITIONS_LIST NATIVE_COMMAND ${LLVM_DEFINITIONS})
# Link the one shared libLLVM rather than dozens of static components: faster
# links and a much smaller Python module.
if(TARGET LLVM)
  set(JITLITE_LLVM_LIBS LLVM)
else()
  find_library(JITLITE_LLVM_SHARED NAMES LLVM-19 LLVM PATHS ${LLVM_LIBRARY_DIRS} NO_DEFAULT_PATH REQUIRED)
  set(JITLITE_LLVM_LIBS ${JITLITE_LLVM_SHARED})
endif()
