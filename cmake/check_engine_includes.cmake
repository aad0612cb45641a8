# Fails when any file of the engine (ENGINE_DIR) includes networking code:
# Boost.Beast, Boost.Asio or the socket headers. The engine links only re2
# and Boost.JSON; the network lives in bot/net.
# Usage: cmake -DENGINE_DIR=bot/engine -P check_engine_includes.cmake
file(GLOB files ${ENGINE_DIR}/*.cpp ${ENGINE_DIR}/*.hpp ${ENGINE_DIR}/*.h)
set(bad "")
foreach(f ${files})
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](boost/beast|boost/asio|netinet/|sys/socket|arpa/inet|netdb|bot/net/|bot/http/|bot/server/|bot/channels/|bot/chat/|bot/sessions/)")
  foreach(l ${lines})
    list(APPEND bad "${f}: ${l}")
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n  " msg)
  message(FATAL_ERROR "bot/engine must not include networking or server code:\n  ${msg}")
endif()
