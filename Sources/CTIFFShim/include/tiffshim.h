#pragma once
/* libtiff reads of a memory-mapped file that survive the file shrinking under them.
 *
 * Why: reading a TIFF through a map saves the kernel's copy of every strip into user
 * memory, but if another process truncates the file while it is mapped, touching the lost
 * pages raises SIGBUS, which would kill the worker. These calls run libtiff's decode under
 * a per-thread recovery point: SIGBUS inside one of them ends that call with
 * TIFFSHIM_SHRUNK instead. The handle must then only be closed. A SIGBUS anywhere else goes
 * to the handler that was installed before (or the default action), as it would without us.
 */
#include <tiffio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returned instead of a byte count when the mapped file shrank during the call. */
#define TIFFSHIM_SHRUNK ((tmsize_t)-2)

tmsize_t tiffshim_read_encoded_strip(TIFF *tif, uint32_t strip, void *buffer, tmsize_t size);
tmsize_t tiffshim_read_encoded_tile(TIFF *tif, uint32_t tile, void *buffer, tmsize_t size);

#ifdef __cplusplus
}
#endif
