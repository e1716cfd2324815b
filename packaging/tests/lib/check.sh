# Sourced by the packaging tests: a tiny TAP-like reporter.
#   check "what is true" COMMAND...     runs COMMAND; ok when it exits 0
#   check_not "what is true" COMMAND... ok when COMMAND exits non-zero
#   expect_exit CODE "what" COMMAND...  ok when COMMAND exits with CODE
#   finish                              prints "N passed, N failed" and sets the exit code
CHECK_PASSED=0
CHECK_FAILED=0
CHECK_LOG=${CHECK_LOG:-$(mktemp "${TMPDIR:-/tmp}/tandem-check.XXXXXX")}

_ok() { CHECK_PASSED=$((CHECK_PASSED + 1)); echo "ok   - $1"; }
_fail() {
  CHECK_FAILED=$((CHECK_FAILED + 1))
  echo "FAIL - $1"
  sed 's/^/       | /' "$CHECK_LOG" | tail -n 20
}

check() {
  local what=$1; shift
  if "$@" >"$CHECK_LOG" 2>&1; then _ok "$what"; else _fail "$what"; fi
}

check_not() {
  local what=$1; shift
  if "$@" >"$CHECK_LOG" 2>&1; then _fail "$what"; else _ok "$what"; fi
}

expect_exit() {
  local want=$1 what=$2 got; shift 2
  "$@" >"$CHECK_LOG" 2>&1 && got=0 || got=$?
  if [ "$got" = "$want" ]; then _ok "$what (exit $got)"; else echo "       expected exit $want, got $got" >>"$CHECK_LOG"; _fail "$what"; fi
}

step() { echo "# $*"; }

finish() {
  rm -f "$CHECK_LOG"
  echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
  [ "$CHECK_FAILED" -eq 0 ]
}
