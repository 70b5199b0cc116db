#!/usr/bin/env bash
# Benchmark the app's server against the two obvious alternatives for a "hello" container:
#   ours     the Go server in app/, built as the Dockerfile builds it, access log ON
#            (JSON lines to a file)
#   busybox  busybox httpd serving the same text as a static file (what the reference
#            pattern's placeholder image does)
#   nginx    nginx with ONE worker and its access log ON (combined format, to a file),
#            serving the same text as a static file
# All listen on 127.0.0.1 only. For each connection count and repetition, each server in
# turn is started fresh, warmed up, loaded with wrk --latency, measured and stopped; the
# repetition with the median req/s is reported. Interleaving the servers spreads any
# background load on the machine evenly over them.
#
# CPUs: with PIN=1 (the default) every server runs on CPU 0 only, like nginx's one worker
# (the Go runtime then sets GOMAXPROCS=1 itself), and wrk runs one thread on CPU 1, so
# the load generator never competes with the server for a core. PIN=0 runs everything
# unpinned, with wrk on min(2, connections) threads.
#
# Usage:   bench/run.sh
# Env:     DURATION=10s  WARMUP=2s  CONNECTIONS="1 64 256"  REPEAT=3
#          PIN=1  SERVER_CPU=0  WRK_CPU=1
#          OURS_PORT=18080  BUSYBOX_PORT=18081  NGINX_PORT=18082
# Needs:   go, taskset (util-linux), and the Debian packages wrk, busybox, nginx.
# Output:  progress on stderr; Markdown tables on stdout (for bench/RESULTS.md).
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-"1 64 256"}
REPEAT=${REPEAT:-3}
PIN=${PIN:-1}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
OURS_PORT=${OURS_PORT:-18080}
BUSYBOX_PORT=${BUSYBOX_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18082}
SERVERS=(ours busybox nginx)
PAGE='Hello from AWS Fargate'

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hz=$(getconf CLK_TCK)

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

# --- prerequisites ----------------------------------------------------------------------
missing=()
for cmd in wrk busybox nginx; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if ((${#missing[@]})); then
	die "missing: ${missing[*]}; install with: sudo apt-get update && sudo apt-get install -y wrk busybox nginx"
fi
command -v go >/dev/null 2>&1 || die "missing: go (to build app/)"

on_server_cpu=() on_wrk_cpu=()
if [[ $PIN == 1 ]]; then
	command -v taskset >/dev/null 2>&1 || die "missing: taskset (apt-get install util-linux), or run with PIN=0"
	(($(nproc) >= 2)) || die "PIN=1 needs 2 CPUs, this machine has $(nproc); run with PIN=0"
	on_server_cpu=(taskset -c "$SERVER_CPU")
	on_wrk_cpu=(taskset -c "$WRK_CPU")
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$OURS_PORT" "$BUSYBOX_PORT" "$NGINX_PORT"; do
	port_in_use "$p" && die "port $p on 127.0.0.1 is in use; set OURS_PORT/BUSYBOX_PORT/NGINX_PORT"
done

# --- scratch space and cleanup ----------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
chmod 755 "$tmp" # nginx started as root reads the page as an unprivileged worker
pid=""           # the server running now, if any

stop_server() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	fi
}
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the three servers ------------------------------------------------------------------
log "building app/ as the Dockerfile does"
(cd "$root/app" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$tmp/server" .)

mkdir -p "$tmp/www" "$tmp/nginx/tmp"
printf '%s\n' "$PAGE" >"$tmp/www/index.html"
chmod 755 "$tmp/www" && chmod 644 "$tmp/www/index.html"

cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    types { }
    default_type text/plain;
    access_log $tmp/nginx/access.log;
    sendfile on;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $tmp/www;
    }
}
EOF

port_of() {
	case $1 in
	ours) echo "$OURS_PORT" ;;
	busybox) echo "$BUSYBOX_PORT" ;;
	nginx) echo "$NGINX_PORT" ;;
	esac
}

start_server() {
	case $1 in
	ours) # -drain-delay=0s: stop at once when the run is over
		LISTEN_HOST=127.0.0.1 PORT=$OURS_PORT "${on_server_cpu[@]}" "$tmp/server" -drain-delay=0s \
			>"$tmp/ours-access.log" 2>"$tmp/ours-stderr.log" &
		;;
	busybox)
		"${on_server_cpu[@]}" busybox httpd -f -p "127.0.0.1:$BUSYBOX_PORT" -h "$tmp/www" 2>"$tmp/busybox-stderr.log" &
		;;
	nginx)
		: >"$tmp/nginx/access.log"
		"${on_server_cpu[@]}" nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
		;;
	esac
	pid=$!
	wait_ready "$1"
}

# wait_ready checks, for up to 5 s, that the server answers GET / with the page.
wait_ready() {
	local port body
	port=$(port_of "$1")
	for _ in $(seq 50); do
		if body=$(
			exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port" &&
				printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
				cat <&3
		) && [[ $body == *"$PAGE"* ]]; then
			return 0
		fi
		sleep 0.1
	done
	die "$1 did not answer GET / on 127.0.0.1:$port with the page"
}

# server_procs lists the server's processes: it and its children (nginx's worker,
# busybox's per-connection children alive now).
server_procs() {
	echo "$pid"
	pgrep -P "$pid" || true
}

# peak_rss_kib sums VmHWM (peak resident set) over the server's processes.
peak_rss_kib() {
	local total=0 p kib
	for p in $(server_procs); do
		kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
		total=$((total + ${kib:-0}))
	done
	echo "$total"
}

# server_ticks prints the CPU time (clock ticks) the server has used so far, counting the
# children it has reaped (busybox's per-connection ones).
server_ticks() {
	local total=0 p t
	for p in $(server_procs); do
		t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || true)
		total=$((total + ${t:-0}))
	done
	echo "$total"
}

# user_ticks prints "pid ticks" for every process that is not a kernel thread: the CPU
# time it has used so far. Two snapshots give what ran beside the benchmark (processes
# that both start and end between them are missed).
user_ticks() {
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '
		{ pid = $1; sub(/^.*\) /, ""); if (int($7 / 2097152) % 2 == 0) print pid, $12 + $13 } # not PF_KTHREAD'
}

# --- measure ----------------------------------------------------------------------------
# One row per run, in $tmp/runs: server conns rep req/s p50 p99 errors rssKiB srvCPU% otherCPU%
measure() { # server conns rep
	local s=$1 c=$2 r=$3 threads url out t0 t1 s0 s1 others rss
	threads=$((PIN == 1 || c < 2 ? 1 : 2))
	url="http://127.0.0.1:$(port_of "$s")/"
	out="$tmp/wrk-$s-$c-$r.txt"
	log "$s: $c connections, $threads wrk threads, run $r/$REPEAT: warm-up $WARMUP, measure $DURATION"

	start_server "$s"
	"${on_wrk_cpu[@]}" wrk -t "$threads" -c "$c" -d "$WARMUP" "$url" >/dev/null
	user_ticks >"$tmp/ticks0"
	t0=$(date +%s.%N) s0=$(server_ticks)
	"${on_wrk_cpu[@]}" wrk -t "$threads" -c "$c" -d "$DURATION" --latency "$url" >"$out"
	t1=$(date +%s.%N) s1=$(server_ticks)
	user_ticks >"$tmp/ticks1"
	others=$(awk 'NR == FNR { b[$1] = $2; next } { d += $2 - b[$1] } END { printf "%.0f", d }' "$tmp/ticks0" "$tmp/ticks1")
	rss=$(peak_rss_kib)
	if [[ $s == ours ]]; then
		lines=$(grep -c '"msg":"request"' "$tmp/ours-access.log" || true)
		((lines > 0)) || die "ours wrote no access log lines"
		log "ours: $lines access log lines"
	fi
	stop_server

	awk -v s="$s" -v c="$c" -v r="$r" -v rss="$rss" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
		-v srv=$((s1 - s0)) -v others="$others" '
		function ms(v,   n, u) {
			n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
			if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
			return n
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/Socket errors:/ { line = $0; gsub(/[^0-9 ]/, " ", line); n = split(line, f, " "); for (i = 1; i <= n; i++) errs += f[i] }
		/Non-2xx or 3xx responses:/ { errs += $NF }
		END {
			t = t1 - t0; other = others - srv; if (other < 0) other = 0
			printf "%s %s %s %.0f %.3f %.3f %d %d %.0f %.0f\n", s, c, r, rps, p50, p99, errs, rss,
				srv / hz / t * 100, other / hz / t * 100
		}' "$out" >>"$tmp/runs"
}

for c in $CONNECTIONS; do
	for r in $(seq "$REPEAT"); do
		for s in "${SERVERS[@]}"; do
			measure "$s" "$c" "$r"
		done
	done
done

# --- report -----------------------------------------------------------------------------
# For each server and connection count: the run with the median req/s, with the highest
# peak RSS and the total errors over all its runs.
declare -A rps p50 p99 errors rss srvcpu other
while read -r s c _ q5 l50 l99 e kib scpu ocpu; do
	rps[$s,$c]=$q5 p50[$s,$c]=$l50 p99[$s,$c]=$l99 srvcpu[$s,$c]=$scpu other[$s,$c]=$ocpu
done < <(sort -k1,1 -k2,2n -k4,4n "$tmp/runs" | awk -v n="$REPEAT" '
	{ k = $1 " " $2; i[k]++; if (i[k] == int((n + 1) / 2)) print }')
while read -r s c e kib; do
	errors[$s,$c]=$e rss[$s,$c]=$kib
done < <(awk '{ k = $1 " " $2; e[k] += $7; if ($8 > m[k]) m[k] = $8 } END { for (k in e) print k, e[k], m[k] }' "$tmp/runs")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

if [[ $PIN == 1 ]]; then
	echo "Servers pinned to CPU $SERVER_CPU, wrk (1 thread) to CPU $WRK_CPU. wrk $DURATION per run after a $WARMUP warm-up, median of $REPEAT runs by req/s;"
else
	echo "Nothing pinned, wrk threads = min(2, connections). wrk $DURATION per run after a $WARMUP warm-up, median of $REPEAT runs by req/s;"
fi
echo "$(nproc) CPUs, $(uname -m), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(busybox | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d' ' -f3), $(go version | cut -d' ' -f3)"
echo
echo "| conns | server | req/s | p50 ms | p99 ms | errors | peak RSS MiB | server CPU % | other CPU % |"
echo "|------:|--------|------:|-------:|-------:|-------:|-------------:|-------------:|------------:|"
for c in $CONNECTIONS; do
	for s in "${SERVERS[@]}"; do
		echo "| $c | $s | ${rps[$s,$c]} | ${p50[$s,$c]} | ${p99[$s,$c]} | ${errors[$s,$c]} | $(mib "${rss[$s,$c]}") | ${srvcpu[$s,$c]} | ${other[$s,$c]} |"
	done
done
echo
echo "| conns | req/s ours/busybox | req/s ours/nginx | p99 ours/nginx | peak RSS ours/nginx |"
echo "|------:|-------------------:|-----------------:|---------------:|--------------------:|"
for c in $CONNECTIONS; do
	echo "| $c | $(ratio "${rps[ours,$c]}" "${rps[busybox,$c]}") | $(ratio "${rps[ours,$c]}" "${rps[nginx,$c]}") | $(ratio "${p99[ours,$c]}" "${p99[nginx,$c]}") | $(ratio "${rss[ours,$c]}" "${rss[nginx,$c]}") |"
done
echo
echo "errors: non-2xx/3xx responses plus socket errors, over all runs. peak RSS: highest"
echo "VmHWM over all runs, summed over the server's processes (nginx: master + worker;"
echo "busybox: the listener and the per-connection children alive at the end). server CPU:"
echo "in % of one CPU (busybox: without its short-lived children). other CPU: processes"
echo "other than the server, wrk and kernel threads, in % of one CPU; well above 0 means"
echo "something else was running and the run is noisy."

# Targets, at 64 connections when measured.
if [[ " $CONNECTIONS " == *" 64 "* ]]; then
	check() { # what value op limit
		if awk -v v="$2" -v op="$3" -v l="$4" 'BEGIN { exit !((op == ">=" && v >= l) || (op == "<=" && v <= l) || (op == "<" && v < l) || (op == "==" && v == l)) }'; then
			echo "- PASS $1: $2 (target $3 $4)"
		else
			echo "- FAIL $1: $2 (target $3 $4)"
		fi
	}
	echo
	echo "Targets at 64 connections:"
	echo
	check "req/s ours/busybox" "$(ratio "${rps[ours,64]}" "${rps[busybox,64]}")" ">=" 8
	check "req/s ours/nginx" "$(ratio "${rps[ours,64]}" "${rps[nginx,64]}")" ">=" 0.7
	check "p99 ours/nginx" "$(ratio "${p99[ours,64]}" "${p99[nginx,64]}")" "<=" 2
	check "errors ours" "${errors[ours,64]}" "==" 0
	check "peak RSS ours, MiB" "$(mib "${rss[ours,64]}")" "<" 20
fi
