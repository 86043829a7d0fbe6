"""The site grid of one well from an `illuminati sample` manifest.csv."""
import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass
class WellGrid:
    """Sites of one well, one channel, in row-major grid order (no spacers inside a well)."""
    manifest: Path
    rows: int
    cols: int
    # paths[y][x], absolute
    paths: list[list[Path]]

    def in_order(self) -> list[Path]:
        return [p for row in self.paths for p in row]


def read_well_grid(manifest: Path) -> WellGrid:
    manifest = Path(manifest).resolve()
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{manifest}: no images")
    keys = {(r["plate"], r["well"], r["channel"], r["cycle"], r["tpoint"], r["zplane"]) for r in rows}
    if len(keys) != 1:
        raise ValueError(f"{manifest}: the benchmark needs exactly one plate, well, channel, cycle, "
                         f"time point and z-plane; found {len(keys)} combinations")
    if "site_y" not in rows[0]:
        raise ValueError(f"{manifest}: needs site_y/site_x grid columns, not stage positions")
    sites = {(int(r["site_y"]), int(r["site_x"])): manifest.parent / r["path"] for r in rows}
    ny = 1 + max(y for y, _ in sites)
    nx = 1 + max(x for _, x in sites)
    if len(sites) != ny * nx:
        raise ValueError(f"{manifest}: site grid {ny}x{nx} is not complete ({len(sites)} sites)")
    return WellGrid(manifest=manifest, rows=ny, cols=nx,
                    paths=[[sites[(y, x)] for x in range(nx)] for y in range(ny)])
