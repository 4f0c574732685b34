#!/usr/bin/env bash
# Scale benchmark (issue 15): the JIT build (`dotnet publish`) against a local mosquitto, with generated configs of
# N sites. For each kind of site and each N it prints: the time from process start until every site's grid_price is
# retained on the broker (counted with mosquitto_sub), the messages and bytes per site retained at start, the CPU
# used in a window after that and the RSS at its end, what the bridge published in that window (messages and bytes
# per site), and the calls the fake DIGIN answered. With libfaketime (Debian package faketime, installed when missing) the bridge's clock
# is moved so that a price-changing slot boundary (06:00 Oslo on a workday) falls in the window: then it also prints
# the time from that boundary to the last site's new grid_price, and the window's traffic is that boundary's.
# Never part of the test run; numbers go in the README's "Performance" section.
#
#   bench/scale.sh [-n "1 100 1000"] [-s STEADY] [-b LEAD] [-k "static digin-shared digin-distinct"] [-t LIMIT] [-P]
#
#   -n  site counts (default "1 100 1000")        -s  steady window in seconds (default 20)
#   -k  kinds (default all three):  static = the default config's static tariff on every site;
#       digin-shared = every site on one metering point, digin-distinct = one metering point each, both against a
#       fake DIGIN GridTariffAPI on 127.0.0.1 answering the standard's monthlymax example moved to today/tomorrow
#   -b  seconds from start to the boundary (default 20; 0: no libfaketime); must fall in the window, after start + 2 s
#   -t  seconds allowed from start to all states (default 120)   -P  reuse bench/out/jit instead of publishing
#   -d  after each run, the window's traffic by topic (the site id as <site>): messages and bytes a site
#   -x  the executable to run (default bench/out/jit/mqttbridge, published unless -P)
#   -H  the boundary's local hour (default 6; 0 = midnight, where the day's documents change as well)
#
# Everything runs on 127.0.0.1 on free ports, under `timeout`, and is stopped and removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
counts="1 100 1000"; steady=20; lead=20; kinds="static digin-shared digin-distinct"; limit=120; publish=1; detail=0; exe=""; hour=6
while getopts "n:s:b:k:t:Pdx:H:" opt; do
  case $opt in
    n) counts=$OPTARG ;; s) steady=$OPTARG ;; b) lead=$OPTARG ;; k) kinds=$OPTARG ;; t) limit=$OPTARG ;; P) publish=0 ;; d) detail=1 ;; x) exe=$OPTARG; publish=0 ;; H) hour=$OPTARG ;;
    *) sed -n '2,24p' "$0"; exit 2 ;;
  esac
done
fixture=${DIGIN_FIXTURE:-tests/fixtures/digin/DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_monthlymax_example1.json}
out=bench/out
mkdir -p "$out"

need=()
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
faketime_lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1 || true)
[ "$lead" != 0 ] && [ -z "$faketime_lib" ] && need+=(faketime)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || true
  faketime_lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1 || true)
fi
[ -z "$faketime_lib" ] && lead=0

if [ -z "$exe" ]; then
  if [ "$publish" = 1 ] || [ ! -x "$out/jit/mqttbridge" ]; then
    echo "Publishing the JIT build..." >&2
    dotnet publish src/MqttBridge -c Release -o "$out/jit" -p:PublishAot=false >/dev/null
  fi
  exe=$out/jit/mqttbridge
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

run() {
  local kind=$1 n=$2 dir=$tmp/$1-$2 port digin_port="" bridge_pid watch_pid tpid done_ns start_ns
  local fake=() offset=0 boundary=0
  mkdir -p "$dir/data"
  if [ "$lead" != 0 ]; then
    # The bridge and the fake DIGIN both see the clock moved by offset: the boundary comes lead seconds from now.
    read -r offset boundary < <(python3 bench/scale.py boundary "$lead" "$hour")
    fake=(env LD_PRELOAD="$faketime_lib" FAKETIME="+${offset}s")
  fi
  local bound=$((limit + steady + 60))
  port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n' "$port" >"$dir/mosquitto.conf"
  timeout "$bound" mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
  pids+=($!)
  if [ "$kind" != static ]; then
    "${fake[@]}" timeout "$bound" python3 bench/scale.py digin "$dir/digin.port" "$dir/digin.calls" "$fixture" "$bound" &
    pids+=($!)
    until [ -s "$dir/digin.port" ]; do sleep 0.1; done
    digin_port=$(cat "$dir/digin.port")
  fi
  until mosquitto_sub -h 127.0.0.1 -p "$port" -t probe -C 1 -W 1 -E >/dev/null 2>&1; do sleep 0.1; done
  python3 bench/scale.py config "$kind" "$n" "$port" "$dir/data" $digin_port >"$dir/config.yaml"

  python3 bench/scale.py watch "$port" "$n" "$limit" >"$dir/done" 2>"$dir/watch.err" &
  watch_pid=$!; pids+=($watch_pid)
  sleep 0.3 # the watcher is subscribed; states retained before that still reach it
  start_ns=$(date +%s%N)
  "${fake[@]}" timeout "$bound" "$exe" --config "$dir/config.yaml" >"$dir/bridge.log" 2>&1 &
  tpid=$!; pids+=($tpid)
  bridge_pid=""
  while [ -z "$bridge_pid" ] && kill -0 "$tpid" 2>/dev/null; do bridge_pid=$(pgrep -P "$tpid" || true); done
  if ! wait "$watch_pid"; then
    printf '%-15s %6s  %s, RSS %s MiB; log in %s\n' "$kind" "$n" "$(cat "$dir/watch.err")" \
      "$(ps -o rss= -p "$bridge_pid" | awk '{printf "%.1f", $1 / 1024}')" "$out/scale-$kind-$n.log"
    cp "$dir/bridge.log" "$out/scale-$kind-$n.log"
    kill -TERM "$tpid" 2>/dev/null || true
    return 0
  fi
  done_ns=$(cat "$dir/done")

  # Steady window: new (not retained) messages on every topic, their payload sizes, and the CPU used.
  # First the startup's own traffic: everything retained so far, and what follows in a 2 s settle.
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -t '#' -F '%l %r %t' -W 2 >"$dir/startup" 2>/dev/null || true
  cp "$dir/startup" "$out/scale-$kind-$n.startup"
  timeout $((steady + 10)) mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -t '#' -R -F '%U %l %t' -W "$steady" >"$dir/steady" 2>/dev/null &
  local sub_pid=$!; pids+=($sub_pid)
  local t0 t1 rss calls="-"
  t0=$(ticks "$bridge_pid")
  sleep "$steady"
  t1=$(ticks "$bridge_pid")
  rss=$(ps -o rss= -p "$bridge_pid" | tr -d ' ')
  wait "$sub_pid" 2>/dev/null || true
  [ -f "$dir/digin.calls" ] && calls=$(cat "$dir/digin.calls")
  kill -TERM "$tpid" 2>/dev/null || true
  wait "$tpid" 2>/dev/null || true
  cp "$dir/bridge.log" "$out/scale-$kind-$n.log"
  cp "$dir/steady" "$out/scale-$kind-$n.window"
  # The boundary counts only when the whole window came after it was 2 s away (else the startup overlapped it).
  local real_boundary=0
  [ "$lead" != 0 ] && real_boundary=$((boundary - offset))
  awk -v kind="$kind" -v n="$n" -v ms=$(((done_ns - start_ns) / 1000000)) -v rss="$rss" -v t0="$t0" -v t1="$t1" \
      -v hz="$hz" -v steady="$steady" -v calls="$calls" -v b="$real_boundary" -v done_s=$((done_ns / 1000000000)) '
    FILENAME == ARGV[1] { smsgs++; sbytes += $1; next }
    { msgs++; bytes += $2 }
    $3 ~ /^mqttbridge\/[^\/]+\/grid_price$/ { if (!($3 in seen)) { seen[$3] = 1; sites++ } if ($1 > last) last = $1 }
    END {
      burst = "-"
      if (b > 0 && b > done_s + 2 && b < done_s + 2 + steady)
        burst = sites == n ? sprintf("%d ms", (last - b) * 1000) : sprintf("%d/%d", sites, n)
      else if (b > 0) burst = "missed"
      printf "%-15s %6d %9d ms %6.0f/%-7.0f %7.1f MiB %6.1f %% %11s %6.1f/%-7.0f %6s\n", kind, n, ms, smsgs / n, sbytes / n,
        rss / 1024, 100 * (t1 - t0) / hz / steady, burst, msgs / n, bytes / n, calls
    }' "$dir/startup" "$dir/steady"
  [ "$detail" = 1 ] && python3 bench/scale.py breakdown "$dir/steady" "$n"
  return 0
}

echo "MqttBridge scale benchmark ($exe), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m), window ${steady} s" \
  "$([ "$lead" != 0 ] && echo "with a slot boundary (${hour}:00 Oslo) at start + ${lead} s (libfaketime)" || echo "without a boundary")"
printf '%-15s %6s %12s %14s %11s %8s %11s %14s %6s\n' kind sites "all retained" "startup msgs" "RSS after" "CPU in" "boundary to" "window msgs" "DIGIN"
printf '%-15s %6s %12s %14s %11s %8s %11s %14s %6s\n' "" "" "from start" "/bytes a site" "window" "window" "last state" "/bytes a site" "calls"
for kind in $kinds; do
  for n in $counts; do
    run "$kind" "$n"
  done
done
