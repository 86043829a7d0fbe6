#pragma once
/* The private PostgreSQL cluster's watcher: a process that stops the server once no process
 * uses it any more, also when its last user was killed (SIGKILL, OOM) before it could stop
 * the server itself.
 *
 * Why C: the watcher is forked from a multithreaded Swift process, and after fork only
 * async-signal-safe calls are allowed (open, flock, close, fork, execv, waitpid, _exit);
 * Swift code could allocate or take a lock held by a thread that no longer exists.
 */
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Starts a watcher in a session of its own, a child of init, with stdin/stdout/stderr on
 * /dev/null and no other descriptor; returns 0, or -1 when it could not be started. The watcher waits until
 * no process holds a shared flock on `users_lock`; then, holding an exclusive flock on
 * `setup_lock` so that nobody starts the server meanwhile, it checks again and, if still
 * unused, runs `stop_argv` (absolute path first, NULL-terminated), removes `remove_dir` if
 * given (rmdir: only when empty) and exits. Lock files are opened without following links.
 * Every string must stay valid until the call returns. */
int clusterwatch_start(const char *users_lock, const char *setup_lock,
                         char *const stop_argv[], const char *remove_dir);

#ifdef __cplusplus
}
#endif
