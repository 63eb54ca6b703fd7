import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens the TCP connection for a session: resolve, non-blocking connect with a deadline,
/// TCP_NODELAY. Tries each resolved address (IPv6 and IPv4) in turn within the one deadline.
enum Connector {
    static func connect(to target: SSHTarget, timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        let addresses = try await resolve(target.address, port: target.port)
        var lastError: SSHError = .connectFailed(host: target.address, port: target.port, reason: "no address")
        for address in addresses {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            do {
                return try await connect(address, remaining: remaining, target: target, timeout: timeout)
            } catch let error as SSHError {
                lastError = error
            }
        }
        if deadline.timeIntervalSinceNow <= 0 {
            throw SSHError.connectTimedOut(host: target.address, port: target.port, seconds: timeout)
        }
        throw lastError
    }

    /// A resolved socket address, kept as bytes so it can cross threads.
    struct Address: Sendable {
        var family: Int32
        var bytes: [UInt8]
    }

    /// getaddrinfo blocks (DNS), so it runs on a global queue, never on the cooperative pool.
    static func resolve(_ host: String, port: Int) async throws -> [Address] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                hints.ai_family = AF_UNSPEC
                var list: UnsafeMutablePointer<addrinfo>?
                let rc = getaddrinfo(host, String(port), &hints, &list)
                guard rc == 0, let first = list else {
                    let reason = String(cString: gai_strerror(rc))
                    continuation.resume(throwing: SSHError.resolveFailed(host: host, reason: reason))
                    return
                }
                defer { freeaddrinfo(list) }
                var result: [Address] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let info = cursor {
                    let bytes = UnsafeRawBufferPointer(start: info.pointee.ai_addr, count: Int(info.pointee.ai_addrlen))
                    result.append(Address(family: info.pointee.ai_family, bytes: Array(bytes)))
                    cursor = info.pointee.ai_next
                }
                continuation.resume(returning: result)
            }
        }
    }

    private static func connect(_ address: Address, remaining: Double, target: SSHTarget, timeout: Double) async throws -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw SSHError.connectFailed(host: target.address, port: target.port, reason: String(cString: strerror(errno)))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = address.bytes.withUnsafeBytes { raw in
            Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if rc == 0 { return fd }
        guard errno == EINPROGRESS else {
            let reason = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw SSHError.connectFailed(host: target.address, port: target.port, reason: reason)
        }
        return try await waitConnected(fd, remaining: remaining, target: target, timeout: timeout)
    }

    /// Waits for a non-blocking connect: writable means done, SO_ERROR says how.
    private static func waitConnected(_ fd: Int32, remaining: Double, target: SSHTarget, timeout: Double) async throws -> Int32 {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, Error>) in
            let queue = DispatchQueue(label: "fleet.connect", target: .global())
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            let timer = DispatchSource.makeTimerSource(queue: queue)
            var finished = false
            let finish: (Result<Int32, SSHError>) -> Void = { result in
                guard !finished else { return }
                finished = true
                source.cancel()
                timer.cancel()
                switch result {
                case .success(let fd): continuation.resume(returning: fd)
                case .failure(let error):
                    _ = Glibc.close(fd)
                    continuation.resume(throwing: error)
                }
            }
            source.setEventHandler {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 {
                    finish(.success(fd))
                } else {
                    finish(.failure(.connectFailed(host: target.address, port: target.port,
                                                   reason: String(cString: strerror(error)))))
                }
            }
            timer.setEventHandler {
                finish(.failure(.connectTimedOut(host: target.address, port: target.port, seconds: timeout)))
            }
            timer.schedule(deadline: .now() + remaining)
            source.resume()
            timer.resume()
        }
    }
}
