# Generates the C++ reader for our own TFLite schema (lib/schema/tflite.fbs)
# with flatc. Exposes the target jitlite_schema, JITLITE_SCHEMA_INCLUDE_DIR
# (holds schema/tflite_generated.h) and FLATBUFFERS_INCLUDE_DIR.
find_program(FLATC_EXECUTABLE NAMES flatc REQUIRED)
find_path(FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)

set(JITLITE_SCHEMA_FBS ${CMAKE_CURRENT_SOURCE_DIR}/lib/schema/tflite.fbs)
set(JITLITE_SCHEMA_INCLUDE_DIR ${CMAKE_CURRENT_BINARY_DIR}/generated)
set(JITLITE_SCHEMA_HEADER ${JITLITE_SCHEMA_INCLUDE_DIR}/schema/tflite_generated.h)
add_custom_command(
  OUTPUT ${JITLITE_SCHEMA_HEADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${JITLITE_SCHEMA_INCLUDE_DIR}/schema
  COMMAND ${FLATC_EXECUTABLE} --cpp --scoped-enums -o ${JITLITE_SCHEMA_INCLUDE_DIR}/schema ${JITLITE_SCHEMA_FBS}
  DEPENDS ${JITLITE_SCHEMA_FBS}
  COMMENT "flatc: generating the TFLite schema reader"
  VERBATIM)
add_custom_target(jitlite_schema DEPENDS ${JITLITE_SCHEMA_HEADER})
