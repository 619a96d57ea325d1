// See port_file.hpp.
#include "emulator/app/port_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace paratro::app {

PortFile::PortFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

PortFile::~PortFile() {
  if (!written_) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void PortFile::write(unsigned short port) {
  if (path_.empty()) return;
  const std::string tmp = path_ + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write --port-file " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error("cannot write --port-file " + path_);
  }
  written_ = true;
}

}  // namespace paratro::app
