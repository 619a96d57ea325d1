// `paratro-emulator webhooks listen`: a webhook receiver for humans, the way `stripe listen` is for
// Stripe. It accepts POSTs, checks each signature exactly as a receiver using the SDK does, prints one
// line per event (or the raw body), and answers with a chosen status so retries can be watched.
#pragma once

#include <cstdint>
#include <string>

namespace paratro::tools {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 4242;
  std::string secret;  // "" skips signature checks
  int status = 200;    // answer to correctly signed events
  std::int64_t tolerance_s = 300;
  bool print_json = false;  // print the raw body instead of a summary line
  bool quiet = false;       // print nothing per event (benchmarks)
};

// Runs until SIGINT/SIGTERM; returns the process exit code.
int run_listener(const ListenerOptions& options);

}  // namespace paratro::tools
