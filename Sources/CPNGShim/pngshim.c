#include "pngshim.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ---------------------------------------------------------------------- */

static void put_message(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* libpng calls this for fatal errors; it must not return, so it jumps back to the
   setjmp of whichever shim function is running. The error pointer is a char[256]. */
static void on_png_error(png_structp png, png_const_charp msg) {
    char *slot = (char *)png_get_error_ptr(png);
    if (slot) snprintf(slot, 256, "%s", msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

/* The error pointer of every png struct: the fatal message first (on_png_error writes it as
   a char[256]), then the warnings collected for the caller to log. */
typedef struct {
    char error[256];
    char warnings[512];
} shim_messages;

/* Warnings (bad ancillary chunks, unknown profiles) must not reach stderr: they are kept,
   "; "-separated and truncated, for the caller's log. */
static void on_png_warning(png_structp png, png_const_charp msg) {
    shim_messages *messages = (shim_messages *)png_get_error_ptr(png);
    if (!messages || !msg) return;
    size_t used = strlen(messages->warnings);
    if (used + 3 >= sizeof messages->warnings) return;
    snprintf(messages->warnings + used, sizeof messages->warnings - used, "%s%s", used ? "; " : "", msg);
}

static int host_is_little_endian(void) {
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

/* ---- reading ----------------------------------------------------------------------- */

struct pngshim_reader {
    FILE *fp;
    png_structp png;
    png_infop info;
    pngshim_header header;
    int consumed;
    int pixels_done;
    shim_messages messages;
};

const char *pngshim_reader_warnings(pngshim_reader *r) {
    return r ? r->messages.warnings : "";
}

void pngshim_reader_close(pngshim_reader *r) {
    if (!r) return;
    if (r->png) png_destroy_read_struct(&r->png, r->info ? &r->info : NULL, NULL);
    if (r->fp) fclose(r->fp);
    free(r);
}

static int channels_for(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    case PNG_COLOR_TYPE_PALETTE: return 1;
    default: return 0;
    }
}

pngshim_reader *pngshim_reader_open(const char *path, pngshim_header *header,
                                    char *err, size_t errlen) {
    put_message(err, errlen, "%s", "");
    pngshim_reader *r = calloc(1, sizeof *r);
    if (!r) {
        put_message(err, errlen, "out of memory");
        return NULL;
    }
    r->fp = fopen(path, "rb");
    if (!r->fp) {
        put_message(err, errlen, "cannot open: %s", strerror(errno));
        free(r);
        return NULL;
    }
    /* Checking the signature ourselves gives a clearer message than libpng's. */
    unsigned char sig[8];
    if (fread(sig, 1, sizeof sig, r->fp) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0) {
        put_message(err, errlen, "not a PNG file (bad signature)");
        pngshim_reader_close(r);
        return NULL;
    }
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r->messages, on_png_error, on_png_warning);
    if (r->png) r->info = png_create_info_struct(r->png);
    if (!r->png || !r->info) {
        put_message(err, errlen, "out of memory");
        pngshim_reader_close(r);
        return NULL;
    }
    if (setjmp(png_jmpbuf(r->png))) {
        put_message(err, errlen, "%s", r->messages.error);
        pngshim_reader_close(r);
        return NULL;
    }
    png_init_io(r->png, r->fp);
    png_set_sig_bytes(r->png, sizeof sig);
    png_read_info(r->png, r->info);

    pngshim_header h;
    memset(&h, 0, sizeof h);
    h.width = png_get_image_width(r->png, r->info);
    h.height = png_get_image_height(r->png, r->info);
    h.bit_depth = png_get_bit_depth(r->png, r->info);
    h.color_type = png_get_color_type(r->png, r->info);
    h.channels = channels_for(h.color_type);
    h.interlaced = png_get_interlace_type(r->png, r->info) != PNG_INTERLACE_NONE;
    png_color_8p sbit = NULL;
    if (png_get_sBIT(r->png, r->info, &sbit) && sbit) {
        h.significant_bits = (h.color_type & PNG_COLOR_MASK_COLOR) ? sbit->red : sbit->gray;
    }
    r->header = h;
    if (header) *header = h;
    return r;
}

int pngshim_reader_read_gray(pngshim_reader *r, uint16_t *dst, size_t count,
                             char *err, size_t errlen) {
    put_message(err, errlen, "%s", "");
    if (!r || !dst) {
        put_message(err, errlen, "invalid arguments");
        return -1;
    }
    if (r->consumed) {
        put_message(err, errlen, "image data already read");
        return -1;
    }
    r->consumed = 1;
    const pngshim_header h = r->header;
    if (h.color_type != PNG_COLOR_TYPE_GRAY) {
        put_message(err, errlen, "not a grayscale PNG (color type %d)", h.color_type);
        return -1;
    }
    if (h.bit_depth != 8 && h.bit_depth != 16) {
        put_message(err, errlen, "unsupported bit depth %d (need 8 or 16)", h.bit_depth);
        return -1;
    }
    if (h.width == 0 || h.height == 0 || (size_t)h.width > SIZE_MAX / h.height ||
        (size_t)h.width * h.height != count) {
        put_message(err, errlen, "buffer of %zu samples does not match %ux%u", count, h.width, h.height);
        return -1;
    }
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(r->png))) {
        free(rows);
        /* Complete pixels with a damaged tail (missing IEND, bad trailing chunk) are kept. */
        if (r->pixels_done) return 0;
        put_message(err, errlen, "%s", r->messages.error);
        return -1;
    }
    if (h.bit_depth == 16 && host_is_little_endian()) png_set_swap(r->png); /* PNG is big-endian */
    png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);
    const size_t sample_bytes = (size_t)h.bit_depth / 8;
    if (png_get_rowbytes(r->png, r->info) != (size_t)h.width * sample_bytes) {
        png_error(r->png, "unexpected row size");
    }
    rows = malloc(sizeof(png_bytep) * h.height);
    if (!rows) png_error(r->png, "out of memory");
    /* 8-bit rows land in the upper half of each 16-bit destination row, so they can be
       widened in place afterwards without a second image-sized buffer. */
    const size_t offset = h.bit_depth == 16 ? 0 : h.width;
    for (uint32_t y = 0; y < h.height; y++) rows[y] = (png_bytep)(dst + (size_t)y * h.width) + offset;
    png_read_image(r->png, rows);
    if (h.bit_depth == 8) {
        for (uint32_t y = 0; y < h.height; y++) {
            const uint8_t *src = rows[y];
            uint16_t *out = dst + (size_t)y * h.width;
            /* Left to right is safe: out[x] covers bytes 2x..2x+1, below src[x'] for x' >= x. */
            for (uint32_t x = 0; x < h.width; x++) out[x] = src[x];
        }
    }
    r->pixels_done = 1;
    png_read_end(r->png, NULL);
    free(rows);
    return 0;
}

/* ---- writing ----------------------------------------------------------------------- */

int pngshim_write_gray(const char *path, const uint16_t *pixels,
                       const pngshim_write_params *p, char *err, size_t errlen) {
    put_message(err, errlen, "%s", "");
    if (!path || !pixels || !p || p->width == 0 || p->height == 0 ||
        (p->bit_depth != 8 && p->bit_depth != 16)) {
        put_message(err, errlen, "invalid arguments");
        return -1;
    }
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        put_message(err, errlen, "cannot create: %s", strerror(errno));
        return -1;
    }
    shim_messages messages = {"", ""};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &messages, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        fclose(fp);
        put_message(err, errlen, "out of memory");
        return -1;
    }
    uint8_t *volatile row8 = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row8);
        fclose(fp);
        put_message(err, errlen, "%s", messages.error);
        return -1;
    }
    png_init_io(png, fp);
    if (p->compression_level >= 0 && p->compression_level <= 9) {
        png_set_compression_level(png, p->compression_level);
    }
    if (p->sub_filter_only) png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_IHDR(png, info, p->width, p->height, p->bit_depth, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (p->significant_bits > 0 && p->significant_bits < p->bit_depth) {
        png_color_8 sbit;
        memset(&sbit, 0, sizeof sbit);
        sbit.gray = (png_byte)p->significant_bits;
        png_set_sBIT(png, info, &sbit);
    }
    png_write_info(png, info);
    if (p->bit_depth == 16) {
        if (host_is_little_endian()) png_set_swap(png);
        for (uint32_t y = 0; y < p->height; y++) {
            png_write_row(png, (png_const_bytep)(pixels + (size_t)y * p->width));
        }
    } else {
        row8 = malloc(p->width);
        if (!row8) png_error(png, "out of memory");
        for (uint32_t y = 0; y < p->height; y++) {
            const uint16_t *src = pixels + (size_t)y * p->width;
            for (uint32_t x = 0; x < p->width; x++) row8[x] = (uint8_t)src[x];
            png_write_row(png, row8);
        }
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row8);
    if (fclose(fp) != 0) {
        put_message(err, errlen, "write failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}
