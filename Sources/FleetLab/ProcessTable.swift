import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Questions about running processes, answered from `/proc` (Linux) without spawning tools.
public enum ProcessTable {
    /// `pid: command line` of every running process whose command line contains `text`: the
    /// lab's hosts share this machine's process table, so tests find what a command left
    /// running on a host by a unique argument (`sleep 47.123456`).
    public static func commandLines(containing text: String) -> [String] {
        allPids().compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            // Arguments end in NUL each: spaces between them, none at the end.
            let line = String(decoding: (data.last == 0 ? data.dropLast() : data).map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }

    /// True when `pid` runs and its command line mentions `marker` (the host's sshd config path),
    /// so a recycled pid of an unrelated process is not mistaken for the lab's sshd.
    static func isAlive(_ pid: Int32, commandLineContains marker: String) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let raw = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
        if let stat = AtomicFile.read(URL(fileURLWithPath: "/proc/\(pid)/stat")), stat.contains(") Z ") { return false }
        let commandLine = String(decoding: raw.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        return commandLine.contains(marker)
    }

    /// Pids of every process whose network namespace is one of `namespaceFiles` (`/run/netns/NAME`):
    /// sshd, its sessions and anything a playbook started inside a lab host.
    static func pids(inNetworkNamespaces namespaceFiles: [String]) -> [Int32] {
        let inodes = Set(namespaceFiles.compactMap(inode(of:)))
        guard !inodes.isEmpty else { return [] }
        return allPids().filter { pid in inode(of: "/proc/\(pid)/ns/net").map(inodes.contains) ?? false }
    }

    /// Pids of every process in one of `sessions` (sshd is started with setsid, so its
    /// connection handlers and their shells share its session id).
    static func pids(inSessions sessions: Set<Int32>) -> [Int32] {
        guard !sessions.isEmpty else { return [] }
        return allPids().filter { pid in
            guard let stat = AtomicFile.read(URL(fileURLWithPath: "/proc/\(pid)/stat")),
                  let afterName = stat.range(of: ") ", options: .backwards) else { return false }
            let fields = stat[afterName.upperBound...].split(separator: " ")
            // Fields after the command name: state ppid pgrp session ...
            return fields.count > 3 && Int32(fields[3]).map(sessions.contains) == true
        }
    }

    /// Sends SIGKILL to each pid and waits briefly until they are gone, so a namespace or
    /// port is free when this returns.
    static func killAll(_ pids: [Int32]) {
        let targets = pids.filter { $0 > 1 && $0 != getpid() }
        for pid in targets { kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, targets.contains(where: { kill($0, 0) == 0 && !isZombie($0) }) {
            usleep(10_000)
        }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        AtomicFile.read(URL(fileURLWithPath: "/proc/\(pid)/stat"))?.contains(") Z ") ?? true
    }

    private static func allPids() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    private static func inode(of path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}
