"""The system TurboJPEG library through ctypes, to encode exactly as the renderer does.

TurboJPEG's compressor uses libjpeg's fast integer DCT (JDCT_IFAST) unless
TJFLAG_ACCURATEDCT is given, while plain libjpeg users (Pillow, libvips, OpenCV) get the
accurate one (JDCT_ISLOW); at quality 95 the difference is about 1 dB of PSNR.
"""
import ctypes
import ctypes.util

import numpy as np

TJSAMP_GRAY = 3
TJFLAG_ACCURATEDCT = 4096


class TurboJPEG:
    def __init__(self):
        name = ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0"
        self.lib = ctypes.CDLL(name)
        self.lib.tjInitCompress.restype = ctypes.c_void_p
        self.lib.tjFree.argtypes = [ctypes.c_void_p]
        self.handle = ctypes.c_void_p(self.lib.tjInitCompress())
        if not self.handle:
            raise OSError("tjInitCompress failed")

    @classmethod
    def available(cls) -> "TurboJPEG | None":
        try:
            return cls()
        except OSError:
            return None

    def encode_gray(self, pixels: np.ndarray, quality: int, accurate: bool = False) -> bytes:
        """The renderer's call: the Y plane to tjCompressFromYUVPlanes, TJSAMP_GRAY."""
        a = np.ascontiguousarray(pixels, dtype=np.uint8)
        planes = (ctypes.c_void_p * 3)(a.ctypes.data, None, None)
        strides = (ctypes.c_int * 3)(a.shape[1], 0, 0)
        out = ctypes.POINTER(ctypes.c_ubyte)()
        size = ctypes.c_ulong(0)
        flags = TJFLAG_ACCURATEDCT if accurate else 0
        status = self.lib.tjCompressFromYUVPlanes(self.handle, planes, a.shape[1], strides, a.shape[0], TJSAMP_GRAY,
                                                  ctypes.byref(out), ctypes.byref(size), quality, flags)
        if status != 0:
            raise OSError("tjCompressFromYUVPlanes failed")
        data = ctypes.string_at(out, size.value)
        self.lib.tjFree(out)
        return data
