#include "tiffshim.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

/* The recovery point of the guarded call running on this thread, NULL outside one. The
 * handler reads it from the faulting thread: SIGBUS from a bad memory access is delivered
 * to the thread that made it. */
static _Thread_local sigjmp_buf *current_guard;

static struct sigaction previous_action;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void on_bus_error(int signal_number, siginfo_t *info, void *context) {
    sigjmp_buf *guard = current_guard;
    if (guard != NULL) {
        current_guard = NULL;
        siglongjmp(*guard, 1);
    }
    /* Not ours: behave as if we had never installed a handler. */
    if ((previous_action.sa_flags & SA_SIGINFO) && previous_action.sa_sigaction != NULL) {
        previous_action.sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
        previous_action.sa_handler(signal_number);
        return;
    }
    /* Returning re-runs the faulting access, which now meets the default action. */
    signal(SIGBUS, SIG_DFL);
}

static void install_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bus_error;
    /* SA_NODEFER: siglongjmp(…, 0) does not restore the mask, so SIGBUS must not stay blocked. */
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_action);
}

/* The guard is a macro, not a function taking a callback, so that nothing but libtiff's own
 * C frames lie between the recovery point and a fault. */
#define GUARDED(call)                                                  \
    do {                                                               \
        pthread_once(&install_once, install_handler);                  \
        sigjmp_buf guard;                                              \
        /* savemask 0: saving the mask would cost a syscall per call. */ \
        if (sigsetjmp(guard, 0) != 0) return TIFFSHIM_SHRUNK;          \
        current_guard = &guard;                                        \
        tmsize_t result = (call);                                      \
        current_guard = NULL;                                          \
        return result;                                                 \
    } while (0)

tmsize_t tiffshim_read_encoded_strip(TIFF *tif, uint32_t strip, void *buffer, tmsize_t size) {
    GUARDED(TIFFReadEncodedStrip(tif, strip, buffer, size));
}

tmsize_t tiffshim_read_encoded_tile(TIFF *tif, uint32_t tile, void *buffer, tmsize_t size) {
    GUARDED(TIFFReadEncodedTile(tif, tile, buffer, size));
}
