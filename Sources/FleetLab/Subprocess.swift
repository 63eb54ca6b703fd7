import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a program with a clean signal state and collects its output.
///
/// Foundation's `Process` hands the calling thread's signal mask to the child, and Swift's
/// concurrency threads block nearly every signal. A shell started that way never sees
/// SIGCHLD (its `wait` hangs forever), and an sshd started that way could not reap its
/// sessions. So the lab spawns with `posix_spawn`, an empty signal mask and default
/// dispositions for the signals daemons rely on.
enum Subprocess {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    static func run(_ path: String, _ arguments: [String], input: Data = Data()) throws -> Result {
        let stdin = try makePipe(), stdout = try makePipe(), stderr = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t(), defaults = sigset_t()
        sigemptyset(&emptyMask)
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        for descriptor in [stdin.read, stdout.write, stderr.write] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [stdin.write, stdout.read, stderr.read] { close(descriptor) }
            throw LabError.commandFailed(command: path, status: -1, stderr: String(cString: strerror(spawned)))
        }
        let (output, errors) = pump(input: input, to: stdin.write, from: stdout.read, and: stderr.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: output, stderr: errors)
    }

    /// Feeds stdin and drains stdout and stderr together, so neither side can block the other
    /// on a full pipe (a 500-host `ip -batch` script is larger than a pipe buffer).
    private static func pump(input: Data, to inputFD: Int32, from outputFD: Int32, and errorFD: Int32) -> (Data, Data) {
        var output = Data(), errors = Data()
        var pending = input[...]
        var inputOpen = true
        if pending.isEmpty { close(inputFD); inputOpen = false }
        var open: Set<Int32> = [outputFD, errorFD]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty || inputOpen {
            var entries = open.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputOpen { entries.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&entries, nfds_t(entries.count), -1) >= 0 || errno == EINTR else { break }
            for entry in entries where entry.revents != 0 {
                if entry.fd == inputFD {
                    let written = pending.withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
                    if written > 0 { pending = pending.dropFirst(written) }
                    if written < 0 && errno != EINTR && errno != EAGAIN || pending.isEmpty {
                        close(inputFD)
                        inputOpen = false
                    }
                } else {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        if entry.fd == outputFD { output.append(buffer, count: count) } else { errors.append(buffer, count: count) }
                    } else if count == 0 || errno != EINTR {
                        close(entry.fd)
                        open.remove(entry.fd)
                    }
                }
            }
        }
        return (output, errors)
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw LabError.commandFailed(command: "pipe", status: -1, stderr: String(cString: strerror(errno)))
        }
        // Close-on-exec, so only the dup2'd copies reach the child (and never a detached sshd).
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }
}
