#!/usr/bin/env bash
# Runs every test of MqttBridge. Installs what the tests need when it is missing
# (mosquitto and its clients, python3 with jsonschema and yaml, from Debian's packages), then runs dotnet test on the solution.
# Integration tests start their own brokers on free 127.0.0.1 ports and stop them again.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The add-on manifest is checked against the HA linter's JSON schema (eng/lint-addon.py).
python3 -c 'import jsonschema, yaml' >/dev/null 2>&1 || need+=(python3-jsonschema python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]} (needed by the integration tests)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts a system mosquitto on port 1883, where the bridge's embedded broker listens by default.
  # The tests do not need it (they start their own), so stop the service this script just installed.
  if [[ " ${need[*]} " == *" mosquitto "* ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
    echo "test.sh: stopping and disabling the system mosquitto service it installed (port 1883 stays free for the bridge)"
    $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is not installed; see README.md, 'Requirements'." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet test MqttBridge.sln "$@"
