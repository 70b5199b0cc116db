#!/usr/bin/env bash
# Time the test suite against its targets:
#   short   go test -short ./...: target 10 seconds
#   full    the README's test command, go test -v -timeout 30m ./... ./app/..., with the
#           build cache warm: target 3 minutes on the 2-core development machine
# Both run with -count=1, so the test result cache cannot answer in their place; the build
# cache and the Pulumi CLI the engine tests run (built once into the user cache dir by
# internal/standin/harness) are warmed first and not timed. The short run goes first,
# while the files the go command reads are still in the page cache from the warm-up.
#
# The numbers are only as good as the machine is quiet: the script prints the load average
# and the CPU that other processes used while each run lasted. Well above 0 % means someone
# else was busy (another go test, a build) and the wall times are longer than they would be.
# Targets are printed, never enforced; the exit status is non-zero only when tests fail.
#
# Usage:   bench/tests.sh
# Env:     FULL=1 SHORT=1 (0 skips that run)   KEEP=0 (1 keeps the logs and says where)
# Needs:   go; the first run builds the Pulumi CLI (minutes), later runs reuse it.
# Output:  progress on stderr; a Markdown summary on stdout.
set -euo pipefail

FULL=${FULL:-1}
SHORT=${SHORT:-1}
KEEP=${KEEP:-0}
FULL_TARGET=180 # seconds
SHORT_TARGET=10 # seconds

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

command -v go >/dev/null 2>&1 || die "missing: go"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-tests.XXXXXX")
cleanup() {
	if [[ $KEEP == 1 ]]; then log "logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hz=$(getconf CLK_TCK)
ncpu=$(nproc)

# busy_ticks prints the CPU time (clock ticks) all CPUs have spent busy since boot.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# timed NAME CMD...: runs CMD with its output in $tmp/NAME.log and writes
# "wall_s cpu_s other_cpu_pct load_before load_after status" to $tmp/NAME.time, where
# cpu_s is the CPU of CMD and its children and other_cpu_pct is what the rest of the
# machine used meanwhile, in % of one CPU.
timed() {
	local name=$1 b0 b1 l0 l1 status
	shift
	l0=$(load1) b0=$(busy_ticks)
	status=0
	/usr/bin/time -f '%e %U %S' -o "$tmp/$name.rusage" "$@" >"$tmp/$name.log" 2>&1 || status=$?
	b1=$(busy_ticks) l1=$(load1)
	read -r wall user sys < <(tail -1 "$tmp/$name.rusage") || die "$name: no timing (is /usr/bin/time GNU time?)"
	awk -v w="$wall" -v u="$user" -v s="$sys" -v b=$((b1 - b0)) -v hz="$hz" -v l0="$l0" -v l1="$l1" -v st="$status" '
		BEGIN { other = b / hz - u - s; if (other < 0) other = 0
			printf "%.1f %.1f %.0f %s %s %d\n", w, u + s, other / w * 100, l0, l1, st }' >"$tmp/$name.time"
}

# --- warm up (not timed) ----------------------------------------------------------------
log "warming the build cache: compiling every test binary (go test -run '^\$')"
go test -count=1 -run '^$' ./... ./app/... >"$tmp/warm.log" 2>&1 || { cat "$tmp/warm.log" >&2; die "the build failed"; }
if [[ $FULL == 1 ]]; then
	# The first engine test builds the Pulumi CLI into the cache when it is not there: a
	# small one that needs the CLI, so that build is never in the timed run.
	log "making sure the Pulumi CLI is cached (go test -run '^TestSecretsUnderTheStandInVault\$' ./internal/standin/harness)"
	go test -count=1 -timeout 30m -run '^TestSecretsUnderTheStandInVault$' ./internal/standin/harness >"$tmp/warm-cli.log" 2>&1 ||
		{ tail -40 "$tmp/warm-cli.log" >&2; die "the engine test used to warm the CLI failed"; }
fi

# --- measure ----------------------------------------------------------------------------
failed=0
if [[ $SHORT == 1 ]]; then
	log "timing go test -count=1 -short ./... (load now $(load1))"
	timed short go test -count=1 -short ./...
fi
if [[ $FULL == 1 ]]; then
	log "timing the full suite: go test -count=1 -v -timeout 30m ./... ./app/... (load now $(load1))"
	timed full go test -count=1 -v -timeout 30m ./... ./app/...
fi

# --- report -----------------------------------------------------------------------------
fmt_min() { awk -v s="$1" 'BEGIN { printf "%d:%04.1f", int(s / 60), s - 60 * int(s / 60) }'; }
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { if (v <= l) print "within target"; else printf "OVER target by %.1f s\n", v - l }'; }

echo "$ncpu CPUs, $(uname -m), $(go version | cut -d' ' -f3); $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| run | command | wall | target | verdict | CPU s (ours) | other CPU % | load 1 min before → after |"
echo "|---|---|--:|--:|---|--:|--:|---|"
row() { # name command target
	local wall cpu other l0 l1 st note
	read -r wall cpu other l0 l1 st <"$tmp/$1.time"
	note=$(verdict "$wall" "$3")
	if ((st != 0)); then
		note="TESTS FAILED (exit $st)"
		failed=1
	fi
	echo "| $1 | \`$2\` | $(fmt_min "$wall") ($wall s) | $3 s | $note | $cpu | $other | $l0 → $l1 |"
}
if [[ $SHORT == 1 ]]; then row short "go test -count=1 -short ./..." "$SHORT_TARGET"; fi
if [[ $FULL == 1 ]]; then row full "go test -count=1 -v -timeout 30m ./... ./app/..." "$FULL_TARGET"; fi

if [[ $FULL == 1 ]]; then
	echo
	echo "Full run, per package (go test's own times) and the slowest tests and subtests:"
	echo
	grep -E '^(ok|FAIL)[[:space:]]+[^[:space:]]+[[:space:]]+[0-9.]+s' "$tmp/full.log" | awk '{ printf "- %s %s %s\n", $1, $2, $3 }' || true
	grep -E '^( {4})?--- (PASS|FAIL): [^ ]+ \(' "$tmp/full.log" |
		sed -E 's/^ *--- ([A-Z]+): ([^ ]+) \(([0-9.]+)s\)/\3 \2 \1/' | sort -rn | head -10 |
		awk '{ printf "- %s %s s%s\n", $2, $1, ($3 == "PASS" ? "" : " (" $3 ")") }' || true
fi
echo
echo "CPU s (ours): user + system of go test and everything it started (compiles, test"
echo "binaries, the Pulumi CLI). other CPU %: the rest of the machine meanwhile, in % of one"
echo "CPU; well above 0 means the wall times are inflated by someone else's work."

if ((failed)); then
	for n in short full; do
		[[ -f $tmp/$n.time ]] && (($(cut -d' ' -f6 "$tmp/$n.time") != 0)) && { echo >&2; log "$n failed; its last lines:"; grep -E '^(--- FAIL|FAIL|panic)' "$tmp/$n.log" | head -20 >&2 || true; }
	done
	exit 1
fi
