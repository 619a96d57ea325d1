// One HTTP/1.1 connection of the server (see server.hpp for the limits and hooks it applies): reads
// one request at a time on the connection's strand, runs the admission hook and the handler, writes
// the answer (or a streaming response, GET /_sandbox/events) and keeps the connection alive or closes
// it. The listener (server.cpp) only accepts and starts a session per socket.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "emulator/http/server.hpp"

namespace paratro::http {

// What every session of one server shares; immutable once the server is built.
struct SessionContext {
  RequestHandler handler;
  ServerLimits limits;
  RequestHooks hooks;
};

// Takes ownership of an accepted socket (whose executor must be a strand) and serves it until the
// client goes, a limit closes it or the response says to close. Returns at once; the session keeps
// itself alive through its outstanding operation and holds `context` as long as it lives.
void start_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const SessionContext> context);

}  // namespace paratro::http
