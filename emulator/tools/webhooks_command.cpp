// `paratro-emulator webhooks listen [options]`: parses the receiver's options and runs it
// (webhooks_listener.hpp).
#include <boost/program_options.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

#include "emulator/tools/commands.hpp"
#include "emulator/tools/webhooks_listener.hpp"

namespace paratro::tools {

namespace po = boost::program_options;

int webhooks_command(int argc, char** argv) {
  ListenerOptions o;
  po::options_description opts("paratro-emulator webhooks listen [options]");
  auto add = opts.add_options();
  add("help,h", "show this help");
  add("host", po::value(&o.host)->default_value(o.host), "address to listen on");
  add("port", po::value(&o.port)->default_value(o.port), "port to listen on; 0 picks a free one");
  add("secret", po::value(&o.secret), "webhook secret (whsec_...); without it signatures are not checked");
  add("status", po::value(&o.status)->default_value(o.status), "HTTP status to answer correctly signed events with");
  add("tolerance", po::value(&o.tolerance_s)->default_value(o.tolerance_s), "accepted timestamp age, seconds");
  add("json", po::bool_switch(&o.print_json), "print each raw body instead of a summary line");
  add("quiet", po::bool_switch(&o.quiet), "print nothing per event");
  po::variables_map vm;
  try {
    if (argc < 3 || std::string(argv[2]) != "listen") {
      throw std::runtime_error("usage: paratro-emulator webhooks listen [options]");
    }
    po::store(po::parse_command_line(argc - 2, argv + 2, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "paratro-emulator: " << e.what() << "\n" << opts << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (o.status < 100 || o.status > 599) {
    std::cerr << "paratro-emulator: --status must be an HTTP status code\n";
    return 2;
  }
  return run_listener(o);
}

}  // namespace paratro::tools
