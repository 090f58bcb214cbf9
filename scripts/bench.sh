#!/usr/bin/env bash
# Benchmarks quoted in the issue notes, measured side by side in one run on loopback.
# Needs wrk and nginx (Debian packages). Usage: scripts/bench.sh [build/cli/sessdemo] [rounds]
# Every process it starts is stopped by its own pid on exit.
# NODE_THREADS (memcached -t of the three nodes, default 2) and QUORUM_FLAGS (serve flags of the
# quorum section's instances) vary the quorum section's set-up.
# SECTIONS=page,engine,rss,visit,counter,copies,store,quorum,cpu,callgrind,conn10k,tls,tlsnginx,memory,history,histograms,checker picks sections
# (default: all).
# BASELINE=path/to/an/older/sessdemo adds that binary to the cpu, callgrind and checker sections, side by side.
set -euo pipefail
BIN=${1:-build/cli/sessdemo}
ROUNDS=${2:-3}
SECTIONS=${SECTIONS:-all}
BASELINE=${BASELINE:-}
want() { [ "$SECTIONS" = all ] || [[ ",$SECTIONS," == *",$1,"* ]]; }
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers run as another user and must read the page
PIDS=()
# serve runs in command substitutions (subshells), so its pids are kept in files.
cleanup() {
  for p in "${PIDS[@]}" $(cat "$WORK"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$WORK"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

MC_PORT=$(port)
memcached -l 127.0.0.1 -p "$MC_PORT" -U 0 -t 2 -c 16384 -m 256 $( [ "$(id -u)" = 0 ] && echo "-u nobody" ) &
PIDS+=($!)
sleep 0.3

serve() { # serve LOGNAME FLAGS... -> prints ADDR
  "$BIN" serve --port 0 --log-level warn "${@:2}" > "$WORK/$1.out" 2>"$WORK/$1.err" &
  echo $! > "$WORK/$1.pid"
  for _ in $(seq 50); do grep -q listening "$WORK/$1.out" 2>/dev/null && break; sleep 0.05; done
  sed -n 's|listening on https\{0,1\}://||p' "$WORK/$1.out"
}

# nginx serving a static copy of the Details page.
NGX_PORT=$(port)
mkdir -p "$WORK/ngx/html" "$WORK/ngx/logs"
A=$(serve single --memcached 127.0.0.1:$MC_PORT --id bench)
SID=$(curl -si -X POST -d name=Alice "http://$A/" | sed -n 's/^Set-Cookie: sessdemo_sid=\([^;]*\).*/\1/p' | tr -d '\r')
curl -s -b "sessdemo_sid=$SID" "http://$A/details" > "$WORK/ngx/html/details"
cat > "$WORK/ngx/nginx.conf" <<NGX
worker_processes auto;
daemon off;
pid $WORK/ngx/nginx.pid;
error_log $WORK/ngx/logs/error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$NGX_PORT; root $WORK/ngx/html; location / { } } }
NGX
nginx -c "$WORK/ngx/nginx.conf" -p "$WORK/ngx" &
PIDS+=($!)
sleep 0.5
chmod -R a+rX "$WORK/ngx/html"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGX_PORT/details")
[ "$STATUS" = 200 ] || { echo "nginx answers $STATUS, not 200: fix the set-up before measuring" >&2; exit 1; }
echo "page size: $(wc -c < "$WORK/ngx/html/details") bytes"

# Requests per second from wrk's output; a run with non-2xx answers is refused.
rps() { awk '/Non-2xx/ {bad=1} /Requests\/sec/ {r=int($2)} END {if (bad) print "non-2xx!"; else print r}'; }
if want page; then
echo "== issue 2: wrk -t1 -c64 -d10s /details: sessdemo (memcached) vs nginx static, $ROUNDS rounds"
S=(); N=()
for _ in $(seq "$ROUNDS"); do
  S+=($(wrk -t1 -c64 -d10s -H "Cookie: sessdemo_sid=$SID" "http://$A/details" | rps))
  N+=($(wrk -t1 -c64 -d10s "http://127.0.0.1:$NGX_PORT/details" | rps))
done
SM=$(printf '%s\n' "${S[@]}" | median); NM=$(printf '%s\n' "${N[@]}" | median)
echo "sessdemo: ${S[*]} (median $SM)  nginx: ${N[*]} (median $NM)  ratio $(awk "BEGIN{printf \"%.2f\", $SM/$NM}")"
fi

if want engine; then
echo "== issue 3: engine, GET 64 connections on one thread against nginx: sessdemo load vs wrk, $ROUNDS rounds"
L=(); W=()
for _ in $(seq "$ROUNDS"); do
  L+=($("$BIN" load --instances 127.0.0.1:$NGX_PORT --scenario get --path /details --clients 64 \
        --connections 64 --threads 1 --duration 10s --json "$WORK/get.json" -q >/dev/null; \
        python3 -c "import json; print(int(json.load(open('$WORK/get.json'))['total']['rps']))"))
  W+=($(wrk -t1 -c64 -d10s "http://127.0.0.1:$NGX_PORT/details" | rps))
done
LM=$(printf '%s\n' "${L[@]}" | median); WM=$(printf '%s\n' "${W[@]}" | median)
echo "sessdemo load: ${L[*]} (median $LM)  wrk: ${W[*]} (median $WM)  ratio $(awk "BEGIN{printf \"%.2f\", $LM/$WM}")"
fi

if want rss; then
echo "== issue 3: peak RSS of sessdemo load with 10,000 clients (get scenario against nginx, 10 s)"
"$BIN" load --instances 127.0.0.1:$NGX_PORT --scenario get --path /details --clients 10000 --duration 10s -q \
  --json "$WORK/rss.json" > /dev/null &
LOAD=$!
HWM=0
while kill -0 $LOAD 2>/dev/null; do
  v=$(awk '/VmHWM/ {print $2}' /proc/$LOAD/status 2>/dev/null || true); [ -n "$v" ] && HWM=$v; sleep 0.2
done
wait $LOAD || true
echo "peak RSS: $((HWM / 1024)) MiB for 10000 clients; $(python3 -c "import json; t=json.load(open('$WORK/rss.json'))['total']; print(int(t['rps']), 'req/s, errors', t['errors'])")"
fi

if want visit; then
echo "== issue 3: visit scenario, 500 clients over three memcached-backed instances, 10 s"
I=$(for n in 1 2 3; do serve v$n --memcached 127.0.0.1:$MC_PORT --id v$n; done | paste -sd,)
"$BIN" load --instances "$I" --clients 500 --duration 10s -q --json "$WORK/visit.json" >/dev/null || true
python3 -c "import json; t=json.load(open('$WORK/visit.json'))['total']; print(int(t['rps']), 'req/s, p99', t['latency_ms']['p99'], 'ms, misses', t['misses'], 'errors', t['errors'])"
fi

if want counter; then
echo "== issue 4: counter scenario, 200 clients x 4 in flight over three memcached-backed instances, 10 s"
for mode in none cas lock; do
  I=$(for n in 1 2 3; do serve c$mode$n --memcached 127.0.0.1:$MC_PORT --id $mode$n --concurrency $mode; done | paste -sd,)
  "$BIN" load --instances "$I" --scenario counter --clients 200 --inflight 4 --duration 10s -q \
    --json "$WORK/c$mode.json" >/dev/null || true
  python3 -c "import json; d=json.load(open('$WORK/c$mode.json')); t=d['total']; c=d['counter']; print('$mode:', int(t['rps']), 'req/s, p99', t['latency_ms']['p99'], 'ms, lost updates', c['lost_updates'], 'of', c['acknowledged'], 'acknowledged, errors', t['errors'])"
done
fi

# Three fresh memcached nodes: their list in NODES_LIST, their pids in NODE_PIDS.
# CPU seconds (user + system) a process has used so far.
# cpu_s PID...: CPU seconds (user + system) the processes have used so far, summed.
cpu_s() {
  local p sum=0
  for p in "$@"; do sum=$(awk -v t="$(getconf CLK_TCK)" -v s="$sum" '{printf "%.3f", s + ($14 + $15) / t}' "/proc/$p/stat"); done
  echo "$sum"
}
nodes3() {
  local list=() p
  NODE_PIDS=()
  for n in 1 2 3; do
    p=$(port)
    memcached -l 127.0.0.1 -p "$p" -U 0 -t "${NODE_THREADS:-2}" -c 16384 -m 256 $( [ "$(id -u)" = 0 ] && echo "-u nobody" ) &
    NODE_PIDS+=($!); PIDS+=($!); list+=("127.0.0.1:$p")
  done
  sleep 0.3
  NODES_LIST=$(IFS=,; echo "${list[*]}")
}

if want copies; then
echo "== issue 6: visit scenario, 500 clients, three instances over three memcached nodes, 10 s"
summary() { python3 -c "import json; t=json.load(open('$1'))['total']; print(int(t['rps']), 'req/s, p99', t['latency_ms']['p99'], 'ms, misses', t['misses'], 'stale', t['stale'], 'errors', t['errors'])"; }
for copies in 1 2; do
  for fault in none kill; do
    nodes3
    I=$(for n in 1 2 3; do serve h$copies$fault$n --memcached "$NODES_LIST" --copies $copies --id h$n; done | paste -sd,)
    "$BIN" load --instances "$I" --clients 500 --duration 10s -q --json "$WORK/h.json" >/dev/null &
    LOAD=$!
    if [ "$fault" = kill ]; then sleep 5; kill -9 "${NODE_PIDS[1]}"; fi
    wait $LOAD || true
    echo "copies $copies, $( [ $fault = kill ] && echo 'node killed at 5 s' || echo 'no fault'): $(summary "$WORK/h.json")"
  done
done
fi


if want store; then
echo "== issue 10: visit scenario, 500 clients, three instances: one memcached node vs three nodes (copies 1), $ROUNDS rounds"
nodes3
ONE=(); THREE=()
I1=$(for n in 1 2 3; do serve s1n$n --memcached 127.0.0.1:$MC_PORT --id s1n$n; done | paste -sd,)
I3=$(for n in 1 2 3; do serve s3n$n --memcached "$NODES_LIST" --copies 1 --id s3n$n; done | paste -sd,)
for _ in $(seq "$ROUNDS"); do
  "$BIN" load --instances "$I1" --clients 500 --duration 10s -q --json "$WORK/s1.json" >/dev/null || true
  ONE+=($(python3 -c "import json; print(int(json.load(open('$WORK/s1.json'))['total']['rps']))"))
  "$BIN" load --instances "$I3" --clients 500 --duration 10s -q --json "$WORK/s3.json" >/dev/null || true
  THREE+=($(python3 -c "import json; print(int(json.load(open('$WORK/s3.json'))['total']['rps']))"))
done
OM=$(printf '%s\n' "${ONE[@]}" | median); TM=$(printf '%s\n' "${THREE[@]}" | median)
echo "one node: ${ONE[*]} (median $OM)  three nodes: ${THREE[*]} (median $TM)  ratio $(awk "BEGIN{printf \"%.2f\", $TM/$OM}")"
fi

if want quorum; then
echo "== issue 11: visit scenario, 500 clients, three instances, three nodes: copies 1 vs quorum copies 3, healthy, $ROUNDS rounds${BASELINE:+, and the baseline build with copies 3}"
nodes3
declare -A RPS P99
# QUORUM_FLAGS: more serve flags, the same for every instance of every kind.
# shellcheck disable=SC2086
I1=$(for n in 1 2 3; do serve q1n$n --memcached "$NODES_LIST" --copies 1 --id q1n$n ${QUORUM_FLAGS:-}; done | paste -sd,)
# shellcheck disable=SC2086
I3=$(for n in 1 2 3; do serve q3n$n --memcached "$NODES_LIST" --copies 3 --id q3n$n ${QUORUM_FLAGS:-}; done | paste -sd,)
KINDS="c1 c3"
if [ -n "$BASELINE" ]; then
  # shellcheck disable=SC2086
  IB=$(for n in 1 2 3; do BIN=$BASELINE serve qbn$n --memcached "$NODES_LIST" --copies 3 --id qbn$n ${QUORUM_FLAGS:-}; done | paste -sd,)
  KINDS="c1 c3 base-c3"
fi
# Where the CPU goes (the host is shared by all of them): microseconds per request of the three
# instances, the three memcached nodes and the tester, from /proc, per kind and round.
declare -A CPU_SPLIT
for _ in $(seq "$ROUNDS"); do
  for k in $KINDS; do
    case $k in c1) I=$I1; PFX=q1n;; c3) I=$I3; PFX=q3n;; *) I=$IB; PFX=qbn;; esac
    SPIDS=$(cat "$WORK/${PFX}1.pid" "$WORK/${PFX}2.pid" "$WORK/${PFX}3.pid")
    S0=$(cpu_s $SPIDS); M0=$(cpu_s "${NODE_PIDS[@]}")
    /usr/bin/time -f '%U %S' -o "$WORK/q.time" "$BIN" load --instances "$I" --clients 500 --duration 10s -q --json "$WORK/q.json" >/dev/null || true
    S1=$(cpu_s $SPIDS); M1=$(cpu_s "${NODE_PIDS[@]}")
    read -r R P N < <(python3 -c "import json; t=json.load(open('$WORK/q.json'))['total']; print(int(t['rps']), t['latency_ms']['p99'], t['requests'])")
    RPS[$k]="${RPS[$k]:-} $R"; P99[$k]="${P99[$k]:-} $P"
    CPU_SPLIT[$k]="${CPU_SPLIT[$k]:-} $(awk -v s="$S1" -v s0="$S0" -v m="$M1" -v m0="$M0" -v n="$N" -v l="$(awk '{print $1 + $2}' "$WORK/q.time")" \
      'BEGIN{printf "serve %.0f/memcached %.0f/load %.0f", (s - s0) / n * 1e6, (m - m0) / n * 1e6, l / n * 1e6}')"
  done
done
for k in $KINDS; do echo "$k: CPU per request in us, each round:${CPU_SPLIT[$k]}"; done
for k in $KINDS; do
  M=$(printf '%s\n' ${RPS[$k]} | median); Q=$(printf '%s\n' ${P99[$k]} | median)
  echo "$k:${RPS[$k]} req/s (median $M), p99${P99[$k]} ms (median $Q)"
  eval "M_${k//-/_}=$M Q_${k//-/_}=$Q"
done
echo "throughput ratio c3/c1 $(awk "BEGIN{printf \"%.2f\", $M_c3/$M_c1}") (goal: 0.95), p99 ratio $(awk "BEGIN{printf \"%.2f\", $Q_c3/$Q_c1}") (goal: 1.15 or less)"
[ -n "$BASELINE" ] && echo "baseline: throughput ratio $(awk "BEGIN{printf \"%.2f\", $M_base_c3/$M_c1}"), p99 ratio $(awk "BEGIN{printf \"%.2f\", $Q_base_c3/$Q_c1}")"
fi

# cpu_run "PIDS" ADDR: wrk -t1 -c64 for 10 s on /details; prints "req/s cpu-ms-per-1000-requests"
# with the CPU of every process in PIDS (sessdemo and memcached, or nginx's master and worker).
cpu_run() {
  local before out reqs after
  # shellcheck disable=SC2086
  before=$(cpu_s $1)
  out=$(wrk -t1 -c64 -d10s -H "Cookie: sessdemo_sid=$SID" "http://$2/details")
  # shellcheck disable=SC2086
  after=$(cpu_s $1)
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$(rps <<<"$out") $(awk "BEGIN{printf \"%.1f\", ($after - $before) * 1e6 / $reqs}")"
}

if want cpu; then
echo "== issue 10/13: GET /details with a valid session, wrk -t1 -c64: req/s and CPU ms per 1000 requests"
echo "   (sessdemo + memcached, against nginx with one worker serving the same page), $ROUNDS rounds;"
echo "   sessdemo with one I/O thread as nginx has one worker (CPU_FLAGS), and with its default two"
CPU_FLAGS=${CPU_FLAGS:---threads 1}
MC_PID=${PIDS[0]}
# shellcheck disable=SC2086
C=$(serve cpu --memcached 127.0.0.1:$MC_PORT --id cpu $CPU_FLAGS); C_PID=$(cat "$WORK/cpu.pid")
D=$(serve cpu-default --memcached 127.0.0.1:$MC_PORT --id cpu-default); D_PID=$(cat "$WORK/cpu-default.pid")
if [ -n "$BASELINE" ]; then
  # shellcheck disable=SC2086
  OLD=$(BIN=$BASELINE; serve cpu-old --memcached 127.0.0.1:$MC_PORT --id cpu-old $CPU_FLAGS); OLD_PID=$(cat "$WORK/cpu-old.pid")
fi
NGX1_PORT=$(port)
mkdir -p "$WORK/ngx1/logs"
sed -e "s/worker_processes auto/worker_processes 1/" -e "s/127.0.0.1:$NGX_PORT/127.0.0.1:$NGX1_PORT/" \
    -e "s|$WORK/ngx/nginx.pid|$WORK/ngx1/nginx.pid|" -e "s|$WORK/ngx/logs|$WORK/ngx1/logs|" \
    "$WORK/ngx/nginx.conf" > "$WORK/ngx1/nginx.conf"
nginx -c "$WORK/ngx1/nginx.conf" -p "$WORK/ngx1" &
NGX1_PID=$!
PIDS+=("$NGX1_PID")
sleep 0.5
NGX1_PIDS="$NGX1_PID $(pgrep -P "$NGX1_PID" | tr '\n' ' ')"
S=(); N=(); B=(); SR=(); BR=(); T=(); RS=(); RT=(); RB=()
for _ in $(seq "$ROUNDS"); do
  s=$(cpu_run "$C_PID $MC_PID" "$C"); S+=("${s#* }"); SR+=("${s% *}")
  n=$(cpu_run "$NGX1_PIDS" "127.0.0.1:$NGX1_PORT"); N+=("${n#* }")
  t=$(cpu_run "$D_PID $MC_PID" "$D"); T+=("${t#* }")
  # This host's speed drifts from minute to minute: each round's own ratio, taken side by side.
  RS+=("$(awk "BEGIN{printf \"%.3f\", ${s#* }/${n#* }}")"); RT+=("$(awk "BEGIN{printf \"%.3f\", ${t#* }/${n#* }}")")
  echo "sessdemo ($CPU_FLAGS): $s   nginx: $n   sessdemo (default): $t"
  if [ -n "$BASELINE" ]; then
    b=$(cpu_run "$OLD_PID $MC_PID" "$OLD"); B+=("${b#* }"); BR+=("${b% *}")
    RB+=("$(awk "BEGIN{printf \"%.3f\", ${b#* }/${s#* }}")")
    echo "baseline: $b"
  fi
done
SM=$(printf '%s\n' "${S[@]}" | median); NM=$(printf '%s\n' "${N[@]}" | median)
TM=$(printf '%s\n' "${T[@]}" | median)
echo "CPU ms per 1000 requests, medians: sessdemo ($CPU_FLAGS) $SM, nginx $NM, ratio $(awk "BEGIN{printf \"%.2f\", $SM/$NM}") (issue 26: 1.3 or less);" \
     "sessdemo (default) $TM, ratio $(awk "BEGIN{printf \"%.2f\", $TM/$NM}")"
echo "median of the rounds' own ratios to nginx: sessdemo ($CPU_FLAGS) $(printf '%s\n' "${RS[@]}" | median)," \
     "sessdemo (default) $(printf '%s\n' "${RT[@]}" | median)"
if [ -n "$BASELINE" ]; then
  BM=$(printf '%s\n' "${B[@]}" | median)
  echo "baseline: $BM CPU ms per 1000 requests, ratio to nginx $(awk "BEGIN{printf \"%.2f\", $BM/$NM}");" \
       "req/s medians: this build $(printf '%s\n' "${SR[@]}" | median), baseline $(printf '%s\n' "${BR[@]}" | median);" \
       "median of the rounds' baseline/this ratios $(printf '%s\n' "${RB[@]}" | median)"
fi
fi

if want callgrind; then
echo "== issue 27: instructions per GET /details with a session (the server's page view), callgrind"
echo "   (the serve process only; 2000 and 4000 requests, the difference per request, so start-up drops out)"
# One binary's figure: serve under callgrind, the tester's get scenario with the session cookie.
callgrind_ir() { # callgrind_ir BINARY NAME -> instructions per request
  local bin=$1 name=$2 out=() n
  for n in 2000 4000; do
    valgrind --tool=callgrind --callgrind-out-file="$WORK/$name-$n.cg" "$bin" serve --port 0 \
      --memcached 127.0.0.1:$MC_PORT --id cg --log-level warn > "$WORK/$name-$n.out" 2>/dev/null &
    local vpid=$!
    for _ in $(seq 200); do grep -q listening "$WORK/$name-$n.out" 2>/dev/null && break; sleep 0.1; done
    local addr
    addr=$(sed -n 's|listening on http://||p' "$WORK/$name-$n.out")
    local sid
    sid=$(curl -si -X POST -d name=Alice "http://$addr/" | sed -n 's/^Set-Cookie: sessdemo_sid=\([^;]*\).*/\1/p' | tr -d '\r')
    "$BIN" load -i "$addr" --scenario get --path /details -H "Cookie: sessdemo_sid=$sid" \
      --requests "$n" --clients 4 --connections 4 --timeout 10s --quiet > /dev/null || true
    kill -INT "$vpid"; wait "$vpid" 2>/dev/null || true
    out+=("$(sed -n 's/^summary: //p' "$WORK/$name-$n.cg" | awk '{print $1}')")
  done
  awk "BEGIN{printf \"%.0f\", (${out[1]} - ${out[0]}) / 2000}"
}
IR=$(callgrind_ir "$BIN" this)
echo "instructions per request: this build $IR"
if [ -n "$BASELINE" ]; then
  IRB=$(callgrind_ir "$BASELINE" baseline)
  echo "instructions per request: baseline $IRB, ratio this/baseline $(awk "BEGIN{printf \"%.3f\", $IR/$IRB}")"
fi
fi

# A CA and a certificate for 127.0.0.1 in $WORK/pki (once).
make_pki() {
  [ -f "$WORK/pki/server.pem" ] && return
  mkdir -p "$WORK/pki"
  ( cd "$WORK/pki" && printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf ) >/dev/null 2>&1
}

# Peak RSS (VmHWM, KiB) of a process, polled until it exits.
peak_rss() {
  local hwm=0 v
  while kill -0 "$1" 2>/dev/null; do
    v=$(awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || true); [ -n "$v" ] && hwm=$v; sleep 0.2
  done
  echo "$hwm"
}

if want conn10k; then
echo "== issue 12: 10,000 connections (one per client), get scenario against nginx, 10 s: errors and peak RSS, sessdemo load vs wrk"
ulimit -n "$(ulimit -Hn)"
NGX2_PORT=$(port)
mkdir -p "$WORK/ngx2/logs"
cat > "$WORK/ngx2/nginx.conf" <<NGX
worker_processes auto;
worker_rlimit_nofile 40000;
daemon off;
pid $WORK/ngx2/nginx.pid;
error_log $WORK/ngx2/logs/error.log;
events { worker_connections 16000; }
http { access_log off; keepalive_requests 1000000;
       server { listen 127.0.0.1:$NGX2_PORT backlog=16384; root $WORK/ngx/html; location / { } } }
NGX
nginx -c "$WORK/ngx2/nginx.conf" -p "$WORK/ngx2" &
PIDS+=($!)
sleep 0.5
echo "(listen backlog: nginx asks 16384, the kernel caps it at net.core.somaxconn = $(cat /proc/sys/net/core/somaxconn))"
"$BIN" load --instances 127.0.0.1:$NGX2_PORT --scenario get --path /details --clients 10000 --connections 10000 \
  --threads 2 --duration 10s --timeout 5s --max-error-rate 1 -q --json "$WORK/c10k.json" > /dev/null &
LHWM=$(peak_rss $!)
python3 -c "import json; t=json.load(open('$WORK/c10k.json'))['total']; print('sessdemo load: %d req/s, %d errors %s, connects %d, peak RSS %d MiB' % (t['rps'], t['errors'], {k: v for k, v in t['errors_by_kind'].items() if v}, t['connect']['count'], $LHWM / 1024))"
wrk -t2 -c10000 -d10s --timeout 5s "http://127.0.0.1:$NGX2_PORT/details" > "$WORK/wrk10k.txt" 2>&1 &
WHWM=$(peak_rss $!)
echo "wrk: $(awk '/Requests\/sec/ {print int($2) " req/s"}' "$WORK/wrk10k.txt"), errors: $(grep -E 'Socket errors|Non-2xx' "$WORK/wrk10k.txt" | tr '\n' ' ' || true)$(grep -qE 'Socket errors|Non-2xx' "$WORK/wrk10k.txt" || echo none), peak RSS $((WHWM / 1024)) MiB"
fi

if want tlsnginx; then
echo "== issue 26: HTTPS/HTTP with keep-alive, wrk -t1 -c64 -d10s on Home: sessdemo serve (one I/O thread) and nginx"
echo "   (one worker, a static copy of the same page), both on the same certificate, $ROUNDS rounds"
make_pki
HP=$(serve tplain --store memory --id tplain --threads 1)
HT=$(serve ttls --store memory --id ttls --threads 1 --tls-cert "$WORK/pki/server.pem" --tls-key "$WORK/pki/server.key")
if [ -n "$BASELINE" ]; then
  BT=$(BIN=$BASELINE; serve tbase --store memory --id tbase --threads 1 --tls-cert "$WORK/pki/server.pem" --tls-key "$WORK/pki/server.key")
fi
NT_PORT=$(port); NS_PORT=$(port)
mkdir -p "$WORK/ngxt/html" "$WORK/ngxt/logs"
curl -s "http://$HP/" > "$WORK/ngxt/html/index.html"
cat > "$WORK/ngxt/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $WORK/ngxt/nginx.pid;
error_log $WORK/ngxt/logs/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
       server { listen 127.0.0.1:$NT_PORT; root $WORK/ngxt/html; location / { } }
       server { listen 127.0.0.1:$NS_PORT ssl; ssl_certificate $WORK/pki/server.pem;
                ssl_certificate_key $WORK/pki/server.key; ssl_protocols TLSv1.2 TLSv1.3;
                root $WORK/ngxt/html; location / { } } }
NGX
chmod -R a+rX "$WORK/ngxt" "$WORK/pki"
nginx -c "$WORK/ngxt/nginx.conf" -p "$WORK/ngxt" &
PIDS+=($!)
for _ in $(seq 50); do curl -sk -o /dev/null "https://127.0.0.1:$NS_PORT/" && break; sleep 0.1; done
curl -sk -o /dev/null "https://127.0.0.1:$NS_PORT/" || { cat "$WORK/ngxt/logs/error.log" >&2; exit 1; }
SP=(); SS=(); NP=(); NS=(); BS=()
for _ in $(seq "$ROUNDS"); do
  SP+=($(wrk -t1 -c64 -d10s "http://$HP/" | rps)); SS+=($(wrk -t1 -c64 -d10s "https://$HT/" | rps))
  NP+=($(wrk -t1 -c64 -d10s "http://127.0.0.1:$NT_PORT/" | rps)); NS+=($(wrk -t1 -c64 -d10s "https://127.0.0.1:$NS_PORT/" | rps))
  [ -n "$BASELINE" ] && BS+=($(wrk -t1 -c64 -d10s "https://$BT/" | rps))
done
m() { printf '%s\n' "$@" | median; }
echo "sessdemo http ${SP[*]} https ${SS[*]}; nginx http ${NP[*]} https ${NS[*]}"
echo "HTTPS/HTTP medians: sessdemo $(awk "BEGIN{printf \"%.2f\", $(m "${SS[@]}")/$(m "${SP[@]}")}")," \
     "nginx $(awk "BEGIN{printf \"%.2f\", $(m "${NS[@]}")/$(m "${NP[@]}")}") (goal: sessdemo's at least nginx's)"
[ -n "$BASELINE" ] && echo "baseline https ${BS[*]}: ratio to this build's http $(awk "BEGIN{printf \"%.2f\", $(m "${BS[@]}")/$(m "${SP[@]}")}")"
fi

if want tls; then
echo "== issue 12: get scenario (Home, no store) over HTTPS vs HTTP with keep-alive, 64 connections, 1 thread, $ROUNDS rounds"
make_pki
HP=$(serve plain --store memory --id plain)
HT=$(serve tls --store memory --id tls --tls-cert "$WORK/pki/server.pem" --tls-key "$WORK/pki/server.key")
get_rps() {
  "$BIN" load --instances "$1" --scenario get --path / --clients 64 --connections 64 --threads 1 --duration 10s \
    --cacert "$WORK/pki/ca.pem" -q --json "$WORK/tlsget.json" > /dev/null
  python3 -c "import json; print(int(json.load(open('$WORK/tlsget.json'))['total']['rps']))"
}
P=(); T=()
for _ in $(seq "$ROUNDS"); do P+=($(get_rps "$HP")); T+=($(get_rps "https://$HT")); done
PM=$(printf '%s\n' "${P[@]}" | median); TM=$(printf '%s\n' "${T[@]}" | median)
echo "http: ${P[*]} (median $PM)  https: ${T[*]} (median $TM)  ratio $(awk "BEGIN{printf \"%.2f\", $TM/$PM}") (goal: 0.9 or more)"
fi

if want memory; then
echo "== issue 23: what a hostile peer can make the other side hold (RSS in MiB, before / peak / after)"
ulimit -n "$(ulimit -Hn)"
HOSTILE="python3 $(dirname "$0")/hostile_peer.py"
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
mib() { echo $(( $1 / 1024 )); }
# 6: half-open TLS handshakes against serve (capped at 256 in progress, 5 s each).
make_pki
HT=$(serve memtls --store memory --id memtls --tls-cert "$WORK/pki/server.pem" --tls-key "$WORK/pki/server.key")
SP=$(cat "$WORK/memtls.pid")
B0=$(rss_kib "$SP")
$HOSTILE half-open-tls "${HT##*:}" 4000 8 > /dev/null &
HOLD=$!
sleep 4
B1=$(rss_kib "$SP")
wait "$HOLD"
sleep 2
echo "serve --tls-cert, 4,000 connections each with half a ClientHello: $(mib "$B0") / $(mib "$B1") (held) / $(mib "$(rss_kib "$SP")") (closed), VmHWM $(mib "$(hwm_kib "$SP")")"
# 15: a server whose every answer names a new instance id, the tester with 8 threads.
IDP=$(port)
$HOSTILE many-ids "$IDP" 12 &
PIDS+=($!)
sleep 0.5
"$BIN" load --instances 127.0.0.1:$IDP --scenario get --path / --clients 64 --threads 8 --duration 8s \
  --max-error-rate 1 -q --json "$WORK/ids.json" > /dev/null &
L=$!
echo "sessdemo load --threads 8, a new instance id on every answer: peak $(mib "$(peak_rss $L)"), $(python3 -c "import json; d=json.load(open('$WORK/ids.json')); print(len(d['instances']), 'ids kept,', d['total']['requests'], 'requests')")"
# 16: pages of 8 MiB with a 1 MB token and 50 cookies of 4 KiB, 200 clients.
FP=$(port)
$HOSTILE fat-pages "$FP" 14 &
PIDS+=($!)
sleep 0.5
"$BIN" load --instances 127.0.0.1:$FP --clients 200 --duration 8s --timeout 5s --csrf-field csrf_token \
  --max-error-rate 1 -q --json "$WORK/fat.json" > /dev/null 2>&1 &
L=$!
echo "sessdemo load, 200 clients, 8 MiB pages, a 1 MB token, 50 cookies of 4 KiB: peak $(mib "$(peak_rss $L)"), $(python3 -c "import json; t=json.load(open('$WORK/fat.json'))['total']; print(t['requests'], 'requests,', {k: v for k, v in t['errors_by_kind'].items() if v})")"
# 17: merge of one file with 2,000 instance ids.
"$BIN" load --instances "https://$HT" --cacert "$WORK/pki/ca.pem" --scenario get --path / --clients 2 --requests 50 \
  -q --json "$WORK/one.json" > /dev/null
$HOSTILE crafted-merge "$WORK/one.json" "$WORK/many.json" 2000
"$BIN" merge "$WORK/many.json" -q --json "$WORK/merged.json" > /dev/null 2>&1 &
M=$!
echo "sessdemo merge, a $(( $(stat -c %s "$WORK/many.json") / 1024 / 1024 )) MiB file with 2,000 instance ids: peak $(mib "$(peak_rss $M)"), $(python3 -c "import json; print(len(json.load(open('$WORK/merged.json'))['instances']), 'ids kept')")"
fi

if want history; then
echo "== issue 24: --history's cost: visit, 64 clients, two memory instances, 1 thread, 8 s, with and without it, $ROUNDS rounds"
HA=$(serve hista --store memory --id hista)
HB=$(serve histb --store memory --id histb)
visit_rps() {
  "$BIN" load --instances "$HA,$HB" --clients 64 --threads 1 --duration 8s --max-miss-rate 1 -q \
    --json "$WORK/hist.json" "$@" > /dev/null || true
  python3 -c "import json; print(int(json.load(open('$WORK/hist.json'))['total']['rps']))"
}
WO=(); WI=()
for _ in $(seq "$ROUNDS"); do
  WO+=($(visit_rps)); WI+=($(visit_rps --history "$WORK/h.jsonl"))
done
OM=$(printf '%s\n' "${WO[@]}" | median); IM=$(printf '%s\n' "${WI[@]}" | median)
echo "without: ${WO[*]} (median $OM)  with --history: ${WI[*]} (median $IM)  ratio $(awk "BEGIN{printf \"%.2f\", $IM/$OM}") (goal: 0.9 or more); last history $(( $(stat -c %s "$WORK/h.jsonl") / 1024 / 1024 )) MiB, $(wc -l < "$WORK/h.jsonl") lines"
fi

if want histograms; then
echo "== issue 26: the tester's histograms against the instance ids it is shown (peak RSS in MiB; BASELINE side by side)"
HOSTILE="python3 $(dirname "$0")/hostile_peer.py"
# ids_run BINARY THREADS CLIENTS SECONDS IDS: IDS 0 is a new id on every answer.
ids_run() {
  local p; p=$(port)
  if [ "$5" = 0 ]; then $HOSTILE many-ids "$p" $(( $4 + 4 )) & else $HOSTILE many-ids "$p" $(( $4 + 4 )) "$5" & fi
  local h=$!
  sleep 0.5
  "$1" load --instances 127.0.0.1:$p --scenario get --path / --clients "$3" --threads "$2" --duration "${4}s" \
    --interval 1s --max-error-rate 1 -q --json "$WORK/ids.json" > /dev/null 2>&1 &
  local l=$!
  local peak; peak=$(peak_rss $l)
  kill "$h" 2>/dev/null || true; wait "$h" 2>/dev/null || true
  echo "$(mib "$peak") MiB, $(python3 -c "import json; d=json.load(open('$WORK/ids.json')); print(d['total']['requests'], 'requests')")"
}
mib() { echo $(( $1 / 1024 )); }
for b in $BASELINE "$BIN"; do
  echo "$b: a new id on every answer, 1 thread, 4 clients, 8 s: $(ids_run "$b" 1 4 8 0)"
  echo "$b: a new id on every answer, 8 threads, 64 clients, 8 s: $(ids_run "$b" 8 64 8 0)"
  echo "$b: 1 id, 1 thread, 4 clients, 60 s, 1 s intervals: $(ids_run "$b" 1 4 60 1)"
  echo "$b: 64 ids in turn, 1 thread, 4 clients, 60 s, 1 s intervals: $(ids_run "$b" 1 4 60 64)"
done
fi

if want checker; then
echo "== issue 37: the one checker: load's rate and the tester's instructions per request (BASELINE side by side), check on 1,000,000 operations"
CA=$(serve checka --store memory --id checka)
CB=$(serve checkb --store memory --id checkb)
# A build before --min-crossing does not take it (and needs it not: it passed without crossing).
opt_in() { "$1" load --help 2>&1 | grep -q -- --min-crossing && echo "--min-crossing 0" || true; }
checker_rps() { # checker_rps BINARY -> requests per second of a visit run
  "$1" load --instances "$CA,$CB" --clients 64 --threads 1 --duration 8s --max-miss-rate 1 $(opt_in "$1") -q \
    --json "$WORK/checker.json" > /dev/null || true
  python3 -c "import json; print(int(json.load(open('$WORK/checker.json'))['total']['rps']))"
}
if [ -n "$BASELINE" ]; then
  RB=(); RT=()
  for _ in $(seq "$ROUNDS"); do RB+=($(checker_rps "$BASELINE")); RT+=($(checker_rps "$BIN")); done
  MB=$(printf '%s\n' "${RB[@]}" | median); MT=$(printf '%s\n' "${RT[@]}" | median)
  echo "visit, 64 clients, 1 thread, 8 s, req/s: baseline ${RB[*]} (median $MB)  this ${RT[*]} (median $MT)  ratio $(awk "BEGIN{printf \"%.3f\", $MT/$MB}") (goal: 0.95 or more)"
fi
# Instructions the tester spends per request: two runs under callgrind, 1,000 and 3,000 requests.
tester_ir() { # tester_ir BINARY NAME -> instructions per request
  local n ir=()
  for n in 1000 3000; do
    valgrind --tool=callgrind --callgrind-out-file="$WORK/$2-t$n.cg" "$1" load --instances "$CA,$CB" --clients 16 \
      --threads 1 --requests $n --duration 60s --max-miss-rate 1 $(opt_in "$1") -q > /dev/null 2>&1 || true
    ir+=($(sed -n 's/^summary: //p' "$WORK/$2-t$n.cg" | awk '{print $1}'))
  done
  echo $(( (ir[1] - ir[0]) / 2000 ))
}
TI=$(tester_ir "$BIN" this)
if [ -n "$BASELINE" ]; then
  TB=$(tester_ir "$BASELINE" baseline)
  echo "tester instructions per request (callgrind, 3,000 minus 1,000 requests): baseline $TB, this $TI, ratio $(awk "BEGIN{printf \"%.3f\", $TI/$TB}")"
else
  echo "tester instructions per request (callgrind, 3,000 minus 1,000 requests): $TI"
fi
# check on a history of 1,000,000 operations (10,000 clients, writes and reads), its time and peak RSS.
python3 - "$WORK/h1m.jsonl" <<'PY'
import sys
out = open(sys.argv[1], "w"); w = out.write; K = 10000; seq = [0] * K; idx = 0; t = 0
for i in range(1000000):
    c = i % K; t += 1000
    if (i // K) % 3 == 0:
        seq[c] += 1; v = '"rT-c%d-w%d"' % (c, seq[c]); f = "write"; shown = v; inst = "inst-A"; st = 303
    else:
        f = "read"; v = "null"; shown = '"rT-c%d-w%d"' % (c, seq[c]); inst = "inst-B"; st = 200
    w('{"index":%d,"time":%d,"process":%d,"type":"invoke","f":"%s","key":"c%d","value":%s}\n' % (idx, t, c, f, c, v)); idx += 1
    w('{"index":%d,"time":%d,"process":%d,"type":"ok","f":"%s","key":"c%d","value":%s,"instance":"%s","status":%d}\n' % (idx, t + 500, c, f, c, shown, inst, st)); idx += 1
PY
CT=()
for _ in $(seq "$ROUNDS"); do
  /usr/bin/time -f "%e %M" -o "$WORK/check.time" "$BIN" check -q "$WORK/h1m.jsonl" > /dev/null || true
  CT+=("$(cut -d' ' -f1 "$WORK/check.time")"); CM=$(cut -d' ' -f2 "$WORK/check.time")
done
echo "check, 1,000,000 operations ($(( $(stat -c %s "$WORK/h1m.jsonl") / 1024 / 1024 )) MiB): ${CT[*]} s (median $(printf '%s\n' "${CT[@]}" | median) s; goal: 10 s or less), peak RSS $(( CM / 1024 )) MiB"
fi
