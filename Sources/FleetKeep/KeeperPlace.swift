import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where this user's connection keeper lives: a folder only the user can enter, holding the
/// keeper's socket, its lock and its log.
public struct KeeperPlace: Sendable {
    public struct Unsafe: Error, CustomStringConvertible {
        public var description: String
    }

    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// `FLEET_KEEPER_DIR`, else `$XDG_RUNTIME_DIR/fleet`, else `/tmp/fleet-keeper-<uid>`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> KeeperPlace {
        if let folder = environment["FLEET_KEEPER_DIR"], !folder.isEmpty { return KeeperPlace(folder: folder) }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return KeeperPlace(folder: runtime + "/fleet") }
        return KeeperPlace(folder: "/tmp/fleet-keeper-\(geteuid())")
    }

    public var socketPath: String { folder + "/keeper.sock" }
    var lockPath: String { folder + "/keeper.lock" }
    public var logPath: String { folder + "/keeper.log" }

    /// Creates the folder (mode 0700) when missing, and refuses one that is not this user's
    /// or that others may enter: whoever can write there could put a socket of their own in
    /// the keeper's place and see every command.
    public func prepare() throws {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw Unsafe(description: "cannot create \(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw Unsafe(description: "cannot read \(folder): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Unsafe(description: "\(folder) is not a folder") }
        guard info.st_uid == geteuid() else {
            throw Unsafe(description: "\(folder) belongs to uid \(info.st_uid), not to this user (uid \(geteuid()))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw Unsafe(description: String(format: "\(folder) has mode %o: others may enter it; run chmod 700 \(folder)",
                                             info.st_mode & 0o777))
        }
    }
}

/// Which `fleet` binary a process runs: a keeper started by an older build is replaced
/// rather than spoken to in a protocol it may not share.
enum KeeperBuild {
    static let current: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()
}
