#!/usr/bin/env bash
# Offline check of addon/Dockerfile's build stage (there is no container engine here): exports the committed tree
# (what 'git clone --branch v<version>' gives the Supervisor's build), runs the Dockerfile's own 'dotnet publish'
# line on it, reports time and the compiler's peak memory, and runs the binary. Needs clang and zlib1g-dev (as the
# Dockerfile installs them). Not part of ./test.sh: it takes about a minute.
#
# Usage: eng/check-addon-build.sh [commit]   (default: HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
commit="${1:-HEAD}"
publish=$(sed -n 's/^RUN \(dotnet publish .*\)$/\1/p' addon/Dockerfile)
[ -n "$publish" ] || { echo "check-addon-build: no 'RUN dotnet publish' line in addon/Dockerfile" >&2; exit 1; }
version=$(sed -n 's/^version: "\(.*\)"$/\1/p' addon/config.yaml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git archive "$commit" | tar -x -C "$work/src"
cd "$work/src"
echo "check-addon-build: $publish"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The Dockerfile's -o /app, moved into the temporary folder.
/usr/bin/time -v -o "$work/time.txt" ${publish/-o \/app/-o $work/app} --disable-build-servers >"$work/publish.log" 2>&1 \
  || { tail -30 "$work/publish.log"; echo "check-addon-build: publish failed" >&2; exit 1; }
printf 'check-addon-build: published in %s, peak memory %s MiB (largest single process)\n' \
  "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$work/time.txt")" \
  "$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt") / 1024 ))"
size=$(du -m "$work/app/mqttbridge" | cut -f1)
printed=$("$work/app/mqttbridge" --version)
echo "check-addon-build: $work/app/mqttbridge: ${size} MiB, '$printed'"
[ "$printed" = "mqttbridge $version" ] || { echo "check-addon-build: expected 'mqttbridge $version' (addon/config.yaml)" >&2; exit 1; }
echo "check-addon-build: ok"
