#include "server/connection_watch.h"

#include "server/http_wire.h"

namespace llm::server {

bool ConnectionWatch::PeerClosed() const { return http::PeerClosed(fd_); }

}  // namespace llm::server
