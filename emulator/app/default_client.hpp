// The flags that configure the default client (--webhook-url, --webhook-secret, --api-version): they
// are the process's configuration and win over stored state, so they are applied on every start and
// again after every reset or snapshot restore (a hook in Services::reset_hooks).
#pragma once

#include "emulator/api/context.hpp"
#include "emulator/app/config.hpp"

namespace paratro::app {

// Applies the flags of `cfg` to the default client now and registers the same as a reset hook.
// `cfg` must outlive `services`: a secret generated for a --webhook-url without --webhook-secret is
// kept in it, so every reset hands out the same one.
void apply_default_client_flags(api::Services& services, Config& cfg);

}  // namespace paratro::app
