# Shared by scripts/run, scripts/test and scripts/bench: install missing Debian packages, configure
# and build into build/. Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${PARATRO_BUILD_DIR:-$ROOT/build}"

BUILD_PACKAGES=(g++ meson ninja-build pkg-config cmake python3 python3-yaml
  libboost1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
  libsqlite3-dev rapidjson-dev libssl-dev doctest-dev)

# ensure_packages PKG... : apt-get install whichever are not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# npm_ci_once DIR WHAT: `npm ci` from DIR's committed lock file into DIR/node_modules (git-ignored),
# skipped when that directory was installed from the same lock file (its hash is kept in a stamp
# file there). Node and npm come from Debian when npm is missing.
npm_ci_once() {
  local dir="$1" what="$2"
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  local stamp="$dir/node_modules/.installed-from-lock.sha256"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  echo "installing $what (npm ci in ${dir#"$ROOT"/})" >&2
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
}

# ensure_openapi_tools: the npm packages of tests/openapi (Redocly CLI, ajv).
ensure_openapi_tools() {
  npm_ci_once "$ROOT/tests/openapi" "the OpenAPI test tools"
}

# ensure_browser_tools: the browser suite's tools: Debian's chromium (apt-get when missing) and
# playwright-core, pinned by tests/browser/package-lock.json.
ensure_browser_tools() {
  ensure_packages chromium
  npm_ci_once "$ROOT/tests/browser" "the browser test tools"
}

# build: configure (warnings are errors) if needed, then compile everything.
build() {
  ensure_packages "${BUILD_PACKAGES[@]}"
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" "$ROOT" --buildtype=release -Dwerror=true >&2
  fi
  ninja -C "$BUILD_DIR" >&2
}

EMULATOR_BIN() { echo "${PARATRO_EMULATOR_BIN:-$BUILD_DIR/emulator/paratro-emulator}"; }

# ---- sanitizer and fuzzing builds (scripts/sanitize, scripts/fuzz) -------------------------------
# build-asan: clang, AddressSanitizer + UndefinedBehaviorSanitizer, assertions on, and the libFuzzer
# targets of tests/fuzz (-Dfuzzing=true). build-tsan: clang, ThreadSanitizer. Both -O1 -g, werror.
ASAN_BUILD_DIR="${PARATRO_ASAN_BUILD_DIR:-$ROOT/build-asan}"
TSAN_BUILD_DIR="${PARATRO_TSAN_BUILD_DIR:-$ROOT/build-tsan}"
CLANG_PACKAGES=(clang libclang-rt-14-dev)

# sanitizer_build DIR SANITIZERS [MESON_OPTION...]: configure DIR with clang if needed, then build.
sanitizer_build() {
  local dir="$1" sanitize="$2"
  shift 2
  ensure_packages "${BUILD_PACKAGES[@]}" "${CLANG_PACKAGES[@]}"
  if [ ! -f "$dir/build.ninja" ]; then
    # -fno-sanitize-recover: a UBSan finding aborts (a failed test, a fuzzer crash), never a warning.
    CC=clang CXX=clang++ meson setup "$dir" "$ROOT" -Db_sanitize="$sanitize" -Db_lundef=false \
      -Doptimization=1 -Ddebug=true -Db_ndebug=false -Dwerror=true \
      -Dcpp_args=-fno-sanitize-recover=all "$@" >&2
  fi
  ninja -C "$dir" >&2
}

# sanitizer_env LOG_DIR: the options of every sanitizer run. Reports go to files under LOG_DIR
# (also those of emulator processes the e2e suite starts, whose stderr nobody reads), which
# check_sanitizer_logs then turns into a failure. Nothing is suppressed.
sanitizer_env() {
  local logs="$1"
  rm -rf "$logs" && mkdir -p "$logs"
  export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
  export TSAN_OPTIONS="log_path=$logs/tsan:second_deadlock_stack=1:halt_on_error=0"
}

# check_sanitizer_logs LOG_DIR: fails, printing the reports, if any sanitizer wrote one.
check_sanitizer_logs() {
  local logs="$1" found=0
  for f in "$logs"/*; do
    [ -e "$f" ] || continue
    found=1
    echo "==== sanitizer report $f" >&2
    cat "$f" >&2
  done
  [ "$found" -eq 0 ] && echo "no sanitizer reports in $logs" >&2
  return "$found"
}
