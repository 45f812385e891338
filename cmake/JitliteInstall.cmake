# Installs libjitlite, its public headers and a CMake package config so that
# a C++ program can `find_package(jitlite)` and link `jitlite::jitlite`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
install(TARGETS jitlite EXPORT jitliteTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/lib/public/jitlite
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT jitliteTargets NAMESPACE jitlite::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/jitlite)
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/jitliteConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/jitliteConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/jitlite)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/jitliteConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/jitliteConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/jitliteConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/jitlite)
