#define _GNU_SOURCE
#include "clusterwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static void close_all_from(int first) {
    if (close_range((unsigned)first, ~0U, 0) == 0) return;
    for (int fd = first; fd < 65536; fd++) close(fd);
}

static int lock_retrying(int fd, int operation) {
    int result;
    do { result = flock(fd, operation); } while (result != 0 && errno == EINTR);
    return result;
}

static void run_to_completion(char *const argv[]) {
    pid_t child = fork();
    if (child == 0) {
        /* The coordinator ignores SIGINT/SIGTERM to handle them itself; pg_ctl must not. */
        struct sigaction defaults = {0};
        defaults.sa_handler = SIG_DFL;
        for (int signal_number = 1; signal_number < 32; signal_number++) sigaction(signal_number, &defaults, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(argv[0], argv);
        _exit(127);
    }
    if (child < 0) return;
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
}

static void watch(const char *users_lock, const char *setup_lock, char *const stop_argv[], const char *remove_dir) {
    for (;;) {
        int users = open(users_lock, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (users < 0) return;  /* the cluster's folder is gone */
        /* Granted only at a moment when no user holds its shared lock. */
        if (lock_retrying(users, LOCK_EX) != 0) return;
        flock(users, LOCK_UN);
        /* Users register under setup.lock, so the exclusive lock is retried under it; taken in
         * the other order the two locks could deadlock with a user starting up. */
        /* Never created here: a watcher must not bring back a folder that is being removed. */
        int setup = open(setup_lock, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (setup < 0) return;
        if (lock_retrying(setup, LOCK_EX) != 0) return;
        if (flock(users, LOCK_EX | LOCK_NB) == 0) {
            run_to_completion(stop_argv);
            if (remove_dir != NULL) rmdir(remove_dir);
            return;
        }
        close(setup);
        close(users);
    }
}

int clusterwatch_start(const char *users_lock, const char *setup_lock,
                       char *const stop_argv[], const char *remove_dir) {
    /* Forked twice, so that the watcher belongs to init and never lingers as our zombie. */
    pid_t middle = fork();
    if (middle < 0) return -1;
    if (middle > 0) {
        int status;
        while (waitpid(middle, &status, 0) < 0) {
            if (errno != EINTR) return -1;
        }
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
    }
    setsid();
    pid_t watcher = fork();
    if (watcher != 0) _exit(watcher > 0 ? 0 : 1);
    /* Inherited descriptors would keep the caller's own shared lock alive, and a pipe on
     * stdout would keep whoever reads the caller's output waiting for the cluster to stop. */
    close_all_from(3);
    int null_device = open("/dev/null", O_RDWR);
    if (null_device >= 0) {
        dup2(null_device, 0);
        dup2(null_device, 1);
        dup2(null_device, 2);
        if (null_device > 2) close(null_device);
    }
    if (chdir("/") != 0) {}
    watch(users_lock, setup_lock, stop_argv, remove_dir);
    _exit(0);
}
