#!/usr/bin/env python3
"""Helpers for bench/scale.sh (never part of the test run); standard library only.

  scale.py config KIND N PORT DATA_DIR [DIGIN_PORT]   print a config of N sites; KIND: static, digin-shared, digin-distinct
  scale.py digin PORT_FILE CALLS_FILE FIXTURE SECONDS  a fake DIGIN GridTariffAPI on 127.0.0.1 (free port written to
                                                       PORT_FILE, calls counted in CALLS_FILE), gone after SECONDS
  scale.py watch PORT N SECONDS                        count distinct retained mqttbridge/+/grid_price topics on a broker;
                                                       prints the wall clock (ns since the epoch) when all N are there
  scale.py breakdown FILE N                            a window's traffic ('%U %l %t' lines of mosquitto_sub) by topic, the
                                                       site id as <site>: messages and bytes a site, largest first
  scale.py boundary LEAD [HOUR]                        for libfaketime: the offset (s) that puts a slot boundary (HOUR:00
                                                       Oslo, default 6: price-changing) LEAD seconds from now, and that
                                                       boundary (s since the epoch)

digin-shared: every site has the same metering point (one tariff, one call); digin-distinct: every site its own.
The fake answers the standard's monthlymax example with its hours moved to today and tomorrow (Europe/Oslo),
as tests/Shared/DiginFixtures.cs does: a slot in local hour h copies the example's hour min(h, 12).
"""
import json
import re
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
REPO = Path(__file__).resolve().parent.parent


def static_tariff():
    """The default config's static tariff block (sites[0].tariff), as YAML text indented for a site entry."""
    text = (REPO / "config" / "mqttbridge.yaml").read_text()
    block = text[text.index("    tariff:\n"):]
    return "".join(line + "\n" for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def config(kind, n, port, data_dir, digin_port=None):
    out = [
        "mqtt:",
        "  host: 127.0.0.1",
        f"  port: {port}",
        "  base_topic: mqttbridge",
        "  discovery_prefix: homeassistant",
        "time_zone: Europe/Oslo",
        f"data_dir: {data_dir}",
        "sites:",
    ]
    tariff = static_tariff() if kind == "static" else None
    for i in range(n):
        out.append(f"  - id: s{i:05d}")
        out.append(f"    name: Site {i}")
        if kind == "static":
            out.append(tariff.rstrip("\n"))
        else:
            mp = 707057500000000001 if kind == "digin-shared" else 707057500000000001 + i
            out += [
                "    tariff:",
                "      type: digin",
                "      api_key: bench-key",
                f'      metering_point_id: "{mp}"',
                f"      base_url: http://127.0.0.1:{digin_port}/api/1.0",
                "      max_calls_per_hour: 10000",
            ]
    print("\n".join(out))


def stamp(t):
    return t.astimezone(OSLO).isoformat(timespec="seconds")


def shifted(fixture, first, days=2):
    root = json.loads(Path(fixture).read_text(encoding="utf-8"))
    for collection in root["gridTariffCollections"]:
        tariff = collection["gridTariff"]
        tariff["tariffType"]["resolution"] = 60
        template = tariff["tariffPrice"]["hours"]
        levels = tariff["tariffPrice"]["priceInfo"]["fixedPrices"][0]["priceLevels"][0]["hourPrices"]
        hours = []
        t = datetime(first.year, first.month, first.day, tzinfo=OSLO).astimezone(ZoneInfo("UTC"))
        end = datetime.combine(first + timedelta(days=days), datetime.min.time(), tzinfo=OSLO).astimezone(ZoneInfo("UTC"))
        while t < end:
            local = t.astimezone(OSLO)
            hour = json.loads(json.dumps(template[min(local.hour, 12)]))
            nxt = t + timedelta(hours=1)
            hour["startTime"] = stamp(t)
            hour["expiredAt"] = stamp(nxt)
            hour["shortName"] = f"{local:%H%M}-{nxt.astimezone(OSLO):%H%M}"
            month_days = ((local.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
            if isinstance(hour.get("fixedPrice"), dict):
                hour["fixedPrice"]["hourId"] = next(h["id"] for h in levels if h["numberOfDaysInMonth"] == month_days)
            hours.append(hour)
            t = nxt
        tariff["tariffPrice"]["hours"] = hours
    return root


def digin(port_file, calls_file, fixture, seconds):
    calls = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/tariffquery/meteringpointsgridtariffs"):
                self.send_error(404)
                return
            with lock:
                calls["n"] += 1
                Path(calls_file).write_text(str(calls["n"]))
            root = shifted(fixture, datetime.now(OSLO).date())
            collection = root["gridTariffCollections"][0]
            level = collection["meteringPointsAndPriceLevels"][0]["currentFixedPriceLevel"]
            ids = body.get("meteringPointIds", [])
            collection["meteringPointsAndPriceLevels"] = [{
                "currentFixedPriceLevel": level,
                "meteringPoints": [{"meteringPointId": i, "levelValue": None, "lastUpdated": None} for i in ids],
            }]
            data = json.dumps(root).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Path(calls_file).write_text("0")
    Path(port_file).write_text(str(server.server_address[1]))
    threading.Timer(seconds, server.shutdown).start()
    server.serve_forever()


def boundary(lead, hour=6):
    """HOUR:00 (default 06:00) Europe/Oslo on a coming Tuesday clear of Norwegian public holidays (no Tuesday from March
    to June or from 20 December to 2 January): at 06:00 the static tariff's night band ends and the DIGIN example's
    price rises; 00:00 is the midnight boundary, where the day's documents change too."""
    now = time.time()
    day = datetime.now(OSLO).date() + timedelta(days=1)
    while day.weekday() != 1 or 3 <= day.month <= 6 or (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 2):
        day += timedelta(days=1)
    target = int(datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).timestamp())
    print(f"{round(target - now - lead)} {target}")


def watch(port, n, seconds):
    proc = subprocess.Popen(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", "mqttbridge/+/grid_price", "-F", "%t",
         "-W", str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = set()
    try:
        for line in proc.stdout:
            seen.add(line.strip())
            if len(seen) >= n:
                print(time.time_ns())
                return 0
    finally:
        proc.kill()
        proc.wait()
    print(f"{len(seen)} of {n} retained after {seconds} s", file=sys.stderr)
    return 1


def breakdown(path, n):
    totals = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3:
            continue
        topic = re.sub(r"^(mqttbridge/|homeassistant/device/mqttbridge_)s\d{5}", r"\1<site>", parts[2])
        msgs, size = totals.get(topic, (0, 0))
        totals[topic] = (msgs + 1, size + int(parts[1]))
    for topic, (msgs, size) in sorted(totals.items(), key=lambda t: -t[1][1]):
        print(f"    {topic:55} {msgs / n:8.2f} msgs {size / n:10,.0f} bytes a site")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "config":
        config(args[0], int(args[1]), int(args[2]), args[3], args[4] if len(args) > 4 else None)
    elif cmd == "digin":
        digin(args[0], args[1], args[2], float(args[3]))
    elif cmd == "breakdown":
        breakdown(args[0], int(args[1]))
    elif cmd == "boundary":
        boundary(float(args[0]), int(args[1]) if len(args) > 1 else 6)
    elif cmd == "watch":
        sys.exit(watch(int(args[0]), int(args[1]), int(args[2])))
    else:
        sys.exit(f"unknown command {cmd}")
