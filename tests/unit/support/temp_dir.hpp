// Test support: a fresh directory under the system's temporary directory, removed with its contents
// when the test ends (databases that must live in real files: WAL, reopening, restarts).
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace paratro::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    std::string name = "paratro-test-";
    name += std::to_string(rd());
    name += "-";
    name += std::to_string(rd());
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace paratro::testing
