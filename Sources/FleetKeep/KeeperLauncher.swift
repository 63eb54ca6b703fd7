import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds this user's keeper, or starts one, and says hello.
enum KeeperLauncher {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Secrets a run may hold in its environment: the keeper never gets them.
    static let secretVariables = ["FLEET_PASSWORD", "FLEET_KEY_PASSPHRASE", "FLEET_BECOME_PASSWORD"]

    /// A link to a keeper of this very build, started when none answers. A keeper of another
    /// build (fleet was rebuilt or upgraded) is stopped and replaced.
    static func link(place: KeeperPlace, persist: Double) async throws -> KeeperLink {
        try place.prepare()
        var started = false
        for _ in 0..<3 {
            var descriptor = try UnixSocket.connect(to: place.socketPath)
            if descriptor == nil && !started {
                try start(place: place, persist: persist)
                started = true
            }
            if descriptor == nil { descriptor = try await waitForSocket(place) }
            guard let descriptor else { break }
            let link = KeeperLink(descriptor: descriptor)
            let hello = try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: KeeperBuild.current,
                                                   persist: persist))
            switch hello {
            case .ready:
                return link
            case .otherBuild:
                _ = try? await link.call(.stop)
                link.close()
                try await waitForExit(place)
                started = false
            default:
                link.close()
                throw Unavailable(description: "the keeper at \(place.socketPath) gave an unexpected answer")
            }
        }
        throw Unavailable(description: "no keeper answered on \(place.socketPath) (see \(place.logPath))")
    }

    /// A link to a keeper already running, for `fleet keeper status` and `stop`; nil if none.
    static func existing(place: KeeperPlace) async throws -> KeeperLink? {
        guard let descriptor = try UnixSocket.connect(to: place.socketPath) else { return nil }
        let link = KeeperLink(descriptor: descriptor)
        let hello = try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: KeeperBuild.current, persist: nil))
        switch hello {
        case .ready, .otherBuild: return link
        default: return nil
        }
    }

    /// Starts `fleet keeper serve` in the background, in a session of its own (Ctrl-C in the
    /// terminal does not reach it), writing to its log, without the run's secrets.
    private static func start(place: KeeperPlace, persist: Double) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = ["keeper", "serve", "--dir", place.folder, "--persist", String(persist)]
        var environment = ProcessInfo.processInfo.environment
        for name in secretVariables { environment[name] = nil }
        process.environment = environment
        let logFD = open(place.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard logFD >= 0 else { throw Unavailable(description: "cannot open \(place.logPath): \(String(cString: strerror(errno)))") }
        let log = FileHandle(fileDescriptor: logFD, closeOnDealloc: true)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot start the keeper: \(error.localizedDescription)")
        }
    }

    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private static func waitForSocket(_ place: KeeperPlace) async throws -> Int32? {
        for _ in 0..<250 {
            if let descriptor = try UnixSocket.connect(to: place.socketPath) { return descriptor }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return nil
    }

    /// Waits until the stopped keeper's socket is gone (it unlinks it first thing when it stops).
    private static func waitForExit(_ place: KeeperPlace) async throws {
        for _ in 0..<250 {
            if access(place.socketPath, F_OK) != 0 { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
