"""The intensity maths of the renderer, written twice: exactly in numpy (for the float
reference) and as libvips operations (for the `vips dzsave` side of a benchmark).

Window (16 -> 8 bit): the 16-bit window [L, U] maps linearly onto 0...255 and clips:
    w(v) = clamp((v - L) * 255 / (U - L), 0, 255)
The reference keeps w(v) as a float; the 8-bit output of a single encode is
floor(w + 0.5).

Illumination correction (tissuemaps.md section 3.2, as IlluminationCorrection.swift does
it): with the statistics' per-pixel mean M and std S of log10 intensities, Gaussian-smoothed
(sigma 5, radius 20, mirrored border "d c b a | a b c d"), and their image means m and s:
    a = s / max(S, s / 64),  b = m - M * a
    c(v) = 0 for v = 0, else clamp(floor(10^(a * log10 v + b) + 0.5), 0, 65535)
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SMOOTH_SIGMA = 5.0


@dataclass(frozen=True)
class Window:
    lower: int
    upper: int

    @property
    def scale(self) -> float:
        return 255.0 / (self.upper - self.lower)

    def float_values(self, pixels: np.ndarray) -> np.ndarray:
        """w(v) as float32 (exact to float32 rounding)."""
        out = (pixels.astype(np.float64) - self.lower) * self.scale
        return np.clip(out, 0.0, 255.0).astype(np.float32)

    def vips(self, image):
        """uchar image: floor(w(v) + 0.5); libvips' cast to uchar truncates and clamps."""
        return image.linear(self.scale, 0.5 - self.lower * self.scale).cast("uchar")


def gaussian_kernel(sigma: float = SMOOTH_SIGMA) -> np.ndarray:
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    k = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return k / k.sum()


def smooth(image: np.ndarray, sigma: float = SMOOTH_SIGMA) -> np.ndarray:
    """Separable Gaussian, border mirrored including the edge sample (d c b a | a b c d)."""
    k = gaussian_kernel(sigma)
    r = len(k) // 2
    src = np.pad(image.astype(np.float64), r, mode="symmetric")
    h, w = image.shape
    rows = np.zeros((h + 2 * r, w), np.float64)
    for i, c in enumerate(k):
        rows += c * src[:, i:i + w]
    out = np.zeros((h, w), np.float64)
    for i, c in enumerate(k):
        out += c * rows[i:i + h, :]
    return out


@dataclass
class IllumStats:
    """Per-pixel mean and standard deviation of log10 intensities, unsmoothed."""
    mean: np.ndarray
    std: np.ndarray
    count: int
    source: Path

    def smoothed(self) -> "SmoothedStats":
        m = smooth(self.mean)
        s = smooth(self.std)
        return SmoothedStats(mean=m, std=s, mean_of_mean=float(m.mean()), mean_of_std=float(s.mean()))


@dataclass
class SmoothedStats:
    mean: np.ndarray
    std: np.ndarray
    mean_of_mean: float
    mean_of_std: float

    def gain_offset(self) -> tuple[np.ndarray, np.ndarray]:
        """l' = l * A + B with A = s / max(S, s / 64) and B = m - M * A (no inf/NaN)."""
        a = self.mean_of_std / np.maximum(self.std, self.mean_of_std / 64.0)
        b = self.mean_of_mean - self.mean * a
        return a, b

    def correct(self, pixels: np.ndarray) -> np.ndarray:
        """Corrected uint16 image, float64 maths; zero samples stay 0."""
        a, b = self.gain_offset()
        v = pixels.astype(np.float64)
        l = np.log10(np.maximum(v, 1.0))
        c = np.clip(np.floor(np.power(10.0, l * a + b) + 0.5), 0, 65535)
        return np.where(pixels == 0, 0, c).astype(np.uint16)


def vips_from_numpy(array: np.ndarray):
    import pyvips
    return pyvips.Image.new_from_array(np.ascontiguousarray(array))


def vips_corrector(stats: IllumStats):
    """A function site -> corrected ushort site in libvips float maths. The smoothing is done
    with libvips' convsep on a mirrored copy so it also runs inside the timed vips process."""
    import pyvips
    k = gaussian_kernel()
    r = len(k) // 2
    mask = pyvips.Image.new_from_array(k.reshape(1, -1).tolist(), scale=1.0, offset=0.0)

    def smooth_vips(a: np.ndarray):
        padded = vips_from_numpy(np.pad(a.astype(np.float32), r, mode="symmetric"))
        out = padded.convsep(mask, precision="float")
        return out.crop(r, r, a.shape[1], a.shape[0]).copy_memory()

    m = smooth_vips(stats.mean)
    s = smooth_vips(stats.std)
    mbar, sbar = m.avg(), s.avg()
    # A = sbar / max(S, sbar / 64), B = mbar - M * A
    a = (sbar / (s > sbar / 64.0).ifthenelse(s, sbar / 64.0)).cast("float").copy_memory()
    b = (mbar - m * a).cast("float").copy_memory()

    def correct(site):
        # log10 of 0 is 0 in libvips; zero samples are kept at 0 explicitly.
        c = (site.log10() * a + b).exp10()
        c = (c + 0.5).cast("ushort")  # cast truncates and clamps to 0...65535
        return (site == 0).ifthenelse(0, c)
    return correct
