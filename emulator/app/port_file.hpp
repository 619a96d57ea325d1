// --port-file: written once the emulator is ready (temporary file + rename, so a script polling for
// it never reads half a file) and removed when the process ends, so a readiness loop never picks up
// the port of a previous run.
#pragma once

#include <string>

namespace paratro::app {

class PortFile {
 public:
  // Removes a leftover at `path` (stale by definition); "" means no port file.
  explicit PortFile(std::string path);
  ~PortFile();
  PortFile(const PortFile&) = delete;
  PortFile& operator=(const PortFile&) = delete;

  // Throws std::runtime_error when the file cannot be written.
  void write(unsigned short port);

 private:
  std::string path_;
  bool written_ = false;
};

}  // namespace paratro::app
