"""Reading DeepZoom (DZI) pyramids: descriptor, level sizes, tiles."""
import io
import math
import os
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass
class DeepZoom:
    """One `NAME.dzi` + `NAME_files/{level}/{col}_{row}.{ext}` pyramid, or illuminati's
    shards: `NAME_shards/*.zip`, stored ZIPs whose entries are `{level}/{col}_{row}.{ext}`."""
    dzi: Path
    width: int
    height: int
    tile_size: int
    overlap: int
    format: str
    # Shared image used for tiles that are not written (None: every tile must exist).
    blank_tile: Path | None = None

    @classmethod
    def open(cls, dzi: Path, blank_tile: Path | None = None) -> "DeepZoom":
        root = ET.parse(dzi).getroot()
        size = next(el for el in root.iter() if el.tag.endswith("Size"))
        return cls(dzi=Path(dzi), width=int(size.get("Width")), height=int(size.get("Height")),
                   tile_size=int(root.get("TileSize")), overlap=int(root.get("Overlap")),
                   format=root.get("Format"), blank_tile=blank_tile)

    @property
    def files_dir(self) -> Path:
        """Where the tiles and the blank tile are: the shards' folder when there is one."""
        shards = self.dzi.with_name(self.dzi.stem + "_shards")
        return shards if shards.is_dir() else self.dzi.with_name(self.dzi.stem + "_files")

    @cached_property
    def shard_entries(self) -> dict[tuple[int, int, int], tuple[Path, str]] | None:
        """(level, col, row) -> (shard, entry name) from the shards' central directories; None
        for a plain DeepZoom folder."""
        if not self.files_dir.name.endswith("_shards"):
            return None
        found = {}
        suffix = "." + self.format
        for shard in sorted(self.files_dir.glob("*.zip")):
            with zipfile.ZipFile(shard) as z:
                for name in z.namelist():
                    level, _, tile = name.partition("/")
                    if level.isdigit() and tile.endswith(suffix):
                        col, row = tile[: -len(suffix)].split("_")
                        found[(int(level), int(col), int(row))] = (shard, name)
        return found

    @property
    def max_level(self) -> int:
        return level_count(self.width, self.height) - 1

    def level_size(self, level: int) -> tuple[int, int]:
        """(height, width) of a level; the last level is the full image."""
        return level_size(self.width, self.height, level)

    def tile_grid(self, level: int) -> tuple[int, int]:
        h, w = self.level_size(level)
        return math.ceil(h / self.tile_size), math.ceil(w / self.tile_size)

    def tile_path(self, level: int, col: int, row: int) -> Path:
        return self.files_dir / str(level) / f"{col}_{row}.{self.format}"

    def expected_tile_shape(self, level: int, col: int, row: int) -> tuple[int, int]:
        """DZI edge rule with overlap 0: edge tiles are cropped to the level."""
        h, w = self.level_size(level)
        t = self.tile_size
        return min(t, h - row * t), min(t, w - col * t)

    def read_tile(self, level: int, col: int, row: int):
        """(pixels as uint8 HxW, whether it was the shared blank tile) or (None, False) when
        the tile is missing and no blank tile is known."""
        if self.shard_entries is not None:
            if (level, col, row) in self.shard_entries:
                shard, name = self.shard_entries[(level, col, row)]
                with zipfile.ZipFile(shard) as z:
                    return decode_gray(io.BytesIO(z.read(name))), False
        elif (path := self.tile_path(level, col, row)).exists():
            return decode_gray(path), False
        if self.blank_tile is not None:
            h, w = self.expected_tile_shape(level, col, row)
            return decode_gray(self.blank_tile)[:h, :w], True
        return None, False

    def written_tiles(self) -> dict[int, set[tuple[int, int]]]:
        """Tiles present on disk per level, as (col, row)."""
        found: dict[int, set[tuple[int, int]]] = {}
        if self.shard_entries is not None:
            for level, col, row in self.shard_entries:
                found.setdefault(level, set()).add((col, row))
            return found
        suffix = "." + self.format
        for entry in os.scandir(self.files_dir):
            if not entry.is_dir() or not entry.name.isdigit():
                continue
            tiles = set()
            for f in os.scandir(entry.path):
                if f.name.endswith(suffix):
                    col, row = f.name[: -len(suffix)].split("_")
                    tiles.add((int(col), int(row)))
            found[int(entry.name)] = tiles
        return found


def level_count(width: int, height: int) -> int:
    """DeepZoom levels down to 1x1: ceil(log2(max side)) + 1."""
    n, side = 1, max(width, height)
    while side > 1:
        side = (side + 1) // 2
        n += 1
    return n


def level_size(width: int, height: int, level: int) -> tuple[int, int]:
    """(height, width) at `level`, repeated ceil-halving from the top level."""
    h, w = height, width
    for _ in range(level_count(width, height) - 1 - level):
        h, w = (h + 1) // 2, (w + 1) // 2
    return h, w


def decode_gray(path) -> np.ndarray:
    """An 8-bit grayscale JPEG from a path or a file object."""
    with Image.open(path) as im:
        if im.mode != "L":
            raise ValueError(f"{path}: expected an 8-bit grayscale JPEG, got mode {im.mode}")
        return np.asarray(im)
