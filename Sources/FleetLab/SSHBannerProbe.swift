import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks that an sshd really answers: TCP connect, then the server's `SSH-` banner.
///
/// A pid alone does not prove a host is usable (the sshd may still be binding, or its address
/// may be gone), and the lab promises that every host accepts connections once `up` returns.
enum SSHBannerProbe {
    /// The outcome of one connect attempt within its time budget.
    enum Outcome: Equatable {
        case banner
        case refused
        case timedOut
        case failed(Int32)
    }

    /// True when `address`:`port` answers with an SSH banner within `timeout` seconds.
    static func answers(_ address: String, port: Int, timeout: TimeInterval = 1) -> Bool {
        probe(address, port: port, timeout: timeout, wantBanner: true) == .banner
    }

    /// Tries one TCP connection; with `wantBanner` also waits for the first line.
    static func probe(_ address: String, port: Int, timeout: TimeInterval, wantBanner: Bool) -> Outcome {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &list) == 0, let info = list else { return .failed(EINVAL) }
        defer { freeaddrinfo(list) }

        let socketFD = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return .failed(errno) }
        defer { close(socketFD) }
        _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)

        let deadline = Date().addingTimeInterval(timeout)
        if connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return errno == ECONNREFUSED ? .refused : .failed(errno) }
            guard wait(socketFD, for: Int16(POLLOUT), until: deadline) else { return .timedOut }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == ECONNREFUSED { return .refused }
            if error != 0 { return .failed(error) }
        }
        guard wantBanner else { return .banner }
        guard wait(socketFD, for: Int16(POLLIN), until: deadline) else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(socketFD, &buffer, buffer.count)
        guard count >= 4, buffer[0..<4] == Array("SSH-".utf8)[...] else { return .failed(EPROTO) }
        // Answer with our own identification so sshd sees a client that simply left during
        // key exchange (logged at INFO, which the lab's LogLevel ERROR hides) rather than a
        // failed identification exchange that would fill every host's log.
        let identification = Array("SSH-2.0-fleet-lab-probe\r\n".utf8)
        _ = write(socketFD, identification, identification.count)
        return .banner
    }

    private static func wait(_ socketFD: Int32, for events: Int16, until deadline: Date) -> Bool {
        var entry = pollfd(fd: socketFD, events: events, revents: 0)
        while true {
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&entry, 1, remaining)
            if ready > 0 { return true }
            if ready == 0 || errno != EINTR { return false }
        }
    }
}
