#ifndef FLEET_PROCESS_H
#define FLEET_PROCESS_H

/// Splitting a first run in two at start-up: the process the user started waits and exits
/// with the run's exit code, while its child does the run and, once done, stays in the
/// background to keep the run's SSH sessions (see `FirstRunHandover` in FleetKeep).
///
/// In C because the waiting parent must not touch the Swift runtime after the fork, and
/// because it waits for signals and the pipe at once (signalfd), which Swift's Glibc lacks.

/// Forks. Must be called while the process has a single thread.
///
/// In the child: returns 0 and sets `*report_fd` to the write end of a pipe (close-on-exec)
/// on which `fleet_report_exit_code` later hands the parent its exit code, and
/// `*parent_alive_fd` to the read end of a pipe whose other end only the parent holds: it
/// reads end-of-file once the parent is gone (killed with SIGKILL, say).
///
/// In the parent: never returns. It forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT that were
/// sent to it alone (a terminal sends its signals to the child as well) and exits with the
/// code the child reports; if the child exits without reporting, with the child's status
/// (killed by a signal: by the same signal).
///
/// Returns -1, with nothing changed, when the pipe or the fork fails.
int fleet_fork_with_waiting_parent(int *report_fd, int *parent_alive_fd);

/// In the child: hands the parent `code` (0-255) to exit with, and closes the pipe.
void fleet_report_exit_code(int report_fd, int code);

/// The number of threads of this process (from /proc/self/task); -1 when unknown.
int fleet_thread_count(void);

#endif
