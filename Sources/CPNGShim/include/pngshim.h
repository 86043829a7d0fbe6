#pragma once
/* Exact grayscale PNG I/O through libpng's classic API.
 *
 * Why C: the classic API reports errors with longjmp, which Swift cannot survive, and
 * libpng's simplified API (callable from Swift) rewrites 16-bit samples to linear light
 * when a file carries gAMA or sRGB. Every function here sets its own setjmp, turns
 * libpng errors into a message string and returns; nothing escapes into Swift, nothing
 * is printed, nothing aborts.
 *
 * Messages are written NUL-terminated into a caller buffer (err, errlen); errlen may be 0.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Color types as stored in the IHDR chunk (same numbers as PNG_COLOR_TYPE_*). */
enum {
    PNGSHIM_COLOR_GRAY = 0,
    PNGSHIM_COLOR_RGB = 2,
    PNGSHIM_COLOR_PALETTE = 3,
    PNGSHIM_COLOR_GRAY_ALPHA = 4,
    PNGSHIM_COLOR_RGB_ALPHA = 6
};

typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;          /* bits per sample as stored: 1, 2, 4, 8 or 16 */
    int color_type;         /* PNGSHIM_COLOR_* */
    int channels;           /* samples per pixel implied by color_type */
    int significant_bits;   /* sBIT for the gray (or first) channel; 0 when absent */
    int interlaced;         /* 1 for Adam7 */
} pngshim_header;

typedef struct pngshim_reader pngshim_reader;

/* Opens a file and reads everything up to the image data. Returns NULL on failure
 * (message in err). Close with pngshim_reader_close. */
pngshim_reader *pngshim_reader_open(const char *path, pngshim_header *header,
                                    char *err, size_t errlen);

/* Decodes an 8- or 16-bit grayscale image into dst (count must equal width*height),
 * exactly as stored: no gamma, sRGB or sBIT shifting; 8-bit samples are widened.
 * Returns 0 on success, -1 on failure (message in err). Call at most once per reader. */
int pngshim_reader_read_gray(pngshim_reader *reader, uint16_t *dst, size_t count,
                             char *err, size_t errlen);

void pngshim_reader_close(pngshim_reader *reader);

/* libpng's warnings for this file so far ("; "-separated, possibly truncated; "" if none). */
const char *pngshim_reader_warnings(pngshim_reader *reader);

typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;          /* container: 8 or 16 */
    int significant_bits;   /* written as sBIT when 0 < bits < bit_depth; else omitted */
    int compression_level;  /* zlib level 0-9, or -1 for libpng's default */
    int sub_filter_only;    /* 1: always the Sub row filter, faster than libpng's
                               per-row choice and about as small for camera images */
} pngshim_write_params;

/* Writes a grayscale PNG to path (created or truncated). pixels has width*height
 * samples; with bit_depth 8 every sample must be <= 255 (the caller checks).
 * Returns 0 on success, -1 on failure (message in err; a partial file may remain). */
int pngshim_write_gray(const char *path, const uint16_t *pixels,
                       const pngshim_write_params *params, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
