#!/usr/bin/env bash
# Measures the bridge as a small device would run it: for the JIT build and the NativeAOT build side by side,
# the time from process start to the first retained grid_price on the embedded broker, and the resident
# memory (RSS) after a minute of running. Never part of the test run; numbers go in the README.
#   bench/startup-and-memory.sh [seconds-to-run, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
run_for=${1:-60}
out=bench/out
mkdir -p "$out"

need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -e /usr/lib/x86_64-linux-gnu/libz.so ] || [ -e /usr/lib/aarch64-linux-gnu/libz.so ] || need+=(zlib1g-dev)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "Publishing the JIT and the NativeAOT builds..."
dotnet publish src/MqttBridge -c Release -o "$out/jit" -p:PublishAot=false >/dev/null
dotnet publish src/MqttBridge -c Release -o "$out/aot" -p:PublishAot=true >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

measure() {
  local name=$1 exe=$2 port data
  port=$(free_port)
  data=$(mktemp -d)
  local start_ns end_ns pid rss
  start_ns=$(date +%s%N)
  MQTTBRIDGE__EMBEDDED_BROKER__PORT=$port MQTTBRIDGE__DATA_DIR=$data "$exe" --config config/mqttbridge.yaml >"$out/$name.log" 2>&1 &
  pid=$!
  # Poll until the retained state is there: mosquitto_sub exits after the first message.
  until mosquitto_sub -h 127.0.0.1 -p "$port" -t 'mqttbridge/home/grid_price' -C 1 -W 1 >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$name exited early, see $out/$name.log"; return 1; }
  done
  end_ns=$(date +%s%N)
  sleep "$run_for"
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$data"
  printf '%-6s %10s ms %10s MiB %10s MiB\n' "$name" "$(( (end_ns - start_ns) / 1000000 ))" \
    "$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')" "$(du -sm --exclude="*.dbg" "$(dirname "$exe")" | cut -f1)"
}

printf '%-6s %13s %14s %14s\n' build "first state" "RSS@${run_for}s" "on disk"
measure jit "$out/jit/mqttbridge"
measure aot "$out/aot/mqttbridge"
