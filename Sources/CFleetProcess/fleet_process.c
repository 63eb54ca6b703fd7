#define _GNU_SOURCE
#include "fleet_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define FORWARDED_COUNT (sizeof forwarded / sizeof forwarded[0])

/// Exits as the child did: with its exit code, or killed by the signal that killed it.
static void exit_like(int status, const sigset_t *blocked) {
    if (WIFSIGNALED(status)) {
        int number = WTERMSIG(status);
        signal(number, SIG_DFL);
        sigprocmask(SIG_UNBLOCK, blocked, NULL);
        raise(number);
        _exit(128 + number);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static void wait_for_child(pid_t child, int report_read, const sigset_t *blocked) {
    int signals = signalfd(-1, blocked, SFD_CLOEXEC);
    for (;;) {
        struct pollfd fds[2] = {{.fd = report_read, .events = POLLIN}, {.fd = signals, .events = POLLIN}};
        if (poll(fds, signals >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (signals >= 0 && (fds[1].revents & POLLIN)) {
            struct signalfd_siginfo info;
            if (read(signals, &info, sizeof info) == sizeof info && info.ssi_code != SI_KERNEL) {
                // Sent to this process by kill(2) (a script, a CI timeout, a service manager):
                // the child is the one doing the work. A terminal's Ctrl-C (SI_KERNEL) reached
                // the child's process group already.
                kill(child, (int)info.ssi_signo);
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            unsigned char code;
            ssize_t got;
            do { got = read(report_read, &code, 1); } while (got < 0 && errno == EINTR);
            if (got == 1) _exit(code);
            break;  // the child ended without reporting
        }
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) _exit(1);
    }
    exit_like(status, blocked);
}

int fleet_fork_with_waiting_parent(int *report_fd, int *parent_alive_fd) {
    int ends[2], alive[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return -1;
    if (pipe2(alive, O_CLOEXEC) != 0) {
        close(ends[0]);
        close(ends[1]);
        return -1;
    }
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    for (size_t i = 0; i < FORWARDED_COUNT; i++) sigaddset(&blocked, forwarded[i]);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    pid_t child = fork();
    if (child < 0) {
        sigprocmask(SIG_SETMASK, &previous, NULL);
        close(ends[0]);
        close(ends[1]);
        close(alive[0]);
        close(alive[1]);
        return -1;
    }
    if (child > 0) {
        close(ends[1]);
        close(alive[0]);
        wait_for_child(child, ends[0], &blocked);
        _exit(1);  // not reached
    }
    close(ends[0]);
    close(alive[1]);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    *report_fd = ends[1];
    *parent_alive_fd = alive[0];
    return 0;
}

void fleet_report_exit_code(int report_fd, int code) {
    unsigned char byte = (unsigned char)(code & 0xff);
    ssize_t written;
    do { written = write(report_fd, &byte, 1); } while (written < 0 && errno == EINTR);
    close(report_fd);
}

int fleet_thread_count(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (entry->d_name[0] != '.') count++;
    }
    closedir(tasks);
    return count;
}
