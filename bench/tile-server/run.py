#!/usr/bin/env python3
"""Tile-serving throughput of `illuminati serve` on loopback, measured with wrk.

The demo plate (2 plates, 8 wells, 72 sites, 4 layers) is built once into a state folder of
its own (`illuminati demo --no-serve`), then `illuminati serve` answers the TissueMAPS tile
route, /api/experiments/{id}/channel_layers/{layer}/tiles?x=&y=&z=, for every tile that
exists at every zoom level of every layer, requested round-robin by wrk (2 threads,
--connections open connections, --seconds long, --latency). The server and wrk share the
machine's cores.

Needs wrk (Debian: apt-get install wrk). Last line:
RESULT tiles_per_s=<requests/s> p50_ms=<...> p99_ms=<...> errors=<non-2xx + socket errors + tiles of a
sample of 100 that differ from the stored bytes>
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common.swiftbin import illuminati_binary  # noqa: E402

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("TILE_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", help="folder with a built `illuminati` (default: swift build -c release)")
    p.add_argument("--state-dir", help="reuse this state folder (default: a temporary one)")
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args()


def stored_tiles(storage: Path, experiment: str, layer: str) -> list[tuple[int, str, str, object]]:
    """(level, column, row, where) of every tile a layer's build wrote: the entries of its
    shards (`LAYER_shards/*.zip`; where = (shard, entry)), or the files of a DeepZoom folder
    (`LAYER_files/`, as built before shards; where = the file)."""
    shards = storage / experiment / f"{layer}_shards"
    if shards.is_dir():
        found = [(name, (shard, name)) for shard in sorted(shards.glob("*.zip"))
                 for name in zipfile.ZipFile(shard).namelist()]
    else:
        files = storage / experiment / f"{layer}_files"
        found = [(f"{d.name}/{tile.name}", tile) for d in files.iterdir() if d.name.isdigit() for tile in d.glob("*.jpg")]
    tiles = []
    for name, where in found:
        level, _, tile = name.partition("/")
        column, row = tile.removesuffix(".jpg").split("_")
        tiles.append((int(level), column, row, where))
    return tiles


def stored_bytes(where) -> bytes:
    if isinstance(where, tuple):
        with zipfile.ZipFile(where[0]) as z:
            return z.read(where[1])
    return Path(where).read_bytes()


def tile_paths(storage: Path, experiment: dict) -> list[tuple[str, object]]:
    """Every stored tile of every layer, as a TissueMAPS route path (z 0 = coarsest), with
    where its bytes are stored."""
    paths = []
    for layer in experiment["layers"]:
        tiles = stored_tiles(storage, experiment["name"], layer["name"])
        max_level, max_zoom = max(level for level, _, _, _ in tiles), layer["max_zoom"]
        for level, column, row, where in sorted(tiles, key=lambda t: t[:3]):
            z = level - max_level + max_zoom
            if z < 0:
                continue
            paths.append((f"/api/experiments/{experiment['id']}/channel_layers/{layer['id']}/tiles"
                          f"?x={column}&y={row}&z={z}", where))
    return paths


def latency_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no {label}% latency:\n{text}")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def main():
    args = parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    exe = illuminati_binary(args.bin_dir)
    state = Path(args.state_dir or tempfile.mkdtemp(prefix="illuminati-tile-bench-"))
    state.chmod(0o755)  # the private cluster runs as postgres when we are root
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
    env.pop("ILLUMINATI_STORAGE", None)
    subprocess.run([str(exe), "demo", "--no-serve", "--state-dir", str(state)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([str(exe), "serve", "--state-dir", str(state), "--port", "0"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.time() + 60
        while "viewer:" not in line and time.time() < deadline:
            line = server.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        base = f"http://127.0.0.1:{port}"
        experiment = json.load(urllib.request.urlopen(f"{base}/api/experiments/demo"))["data"]
        stored = tile_paths(state / "storage", experiment)
        paths = [path for path, _ in stored]
        # The server must answer the stored bytes, not the blank tile it falls back to.
        mismatched = sum(urllib.request.urlopen(base + path).read() != stored_bytes(where)
                         for path, where in stored[:: max(1, len(stored) // 100)])
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(paths) + "\n")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        # One warm-up pass so the page cache holds the tiles, as it would on a busy server.
        subprocess.run(["wrk", "-t1", "-c4", "-d2s", "-s", script.name, base], env={**env, "TILE_PATHS": listing.name},
                       capture_output=True, check=True)
        out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                              "-s", script.name, base], env={**env, "TILE_PATHS": listing.name},
                             capture_output=True, text=True, check=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(out)
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = mismatched
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    print(f"{len(paths)} distinct tiles, {os.cpu_count()} cores shared by server and wrk, "
          f"{args.connections} connections, {args.seconds} s")
    print(f"RESULT tiles_per_s={requests:.0f} p50_ms={latency_ms(out, '50'):.2f} p99_ms={latency_ms(out, '99'):.2f} "
          f"errors={errors}")


if __name__ == "__main__":
    main()
