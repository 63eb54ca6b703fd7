import FleetLab
import FleetTestSupport
import Foundation
import XCTest

/// Runs the built `fleet` executable the way a user does and captures what it prints.
struct FleetBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Peak resident memory of the fleet process in KB, when measured.
        var peakMemoryKB: Int?
    }

    /// The `fleet` built next to this test bundle.
    static var url: URL {
        // On Linux the test runner is an executable in the build products folder; on macOS
        // it is a bundle there. Either way `fleet` sits beside it.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        #if os(macOS)
        folder = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        #endif
        return folder.appendingPathComponent("fleet")
    }

    private final class Marker {}
    private final class DataBox: @unchecked Sendable { var data = Data() }

    /// Runs `fleet arguments...` with `environment` added to a minimal one (no TTY, no stdin).
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
                    measureMemory: Bool = false) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = self.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes at once so a chatty child cannot block on a full one.
        let errData = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        var usage = rusage()
        // The largest child reaped so far: only meaningful when fleet is the biggest one.
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self),
                      peakMemoryKB: measureMemory ? usage.ru_maxrss : nil)
    }

    /// Starts `fleet arguments...` in the background, output discarded, for a test that signals
    /// it or runs several at once; the caller waits for it.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = self.environment(environment)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether `fleet keeper status` finds no keeper for `environment`'s folder.
    static func noKeeperRuns(environment: [String: String]) throws -> Bool {
        try run(["keeper", "status"], environment: environment).stdout.hasPrefix("no keeper is running")
    }

    /// A minimal environment (PATH, HOME) plus `extra`. Runs keep their sessions for a minute by
    /// default; a test that gives no keeper folder of its own (`FLEET_KEEPER_DIR`) turns that off,
    /// so no test leaves a keeper behind in the user's folder for the next test to borrow from.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root"]
        if extra["FLEET_KEEPER_DIR"] == nil { env["FLEET_PERSIST"] = "0" }
        for (key, value) in extra { env[key] = value }
        return env
    }

    /// Polls `condition` every 50 ms for up to `seconds`; whether it became true.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// Command lines of this machine's processes that contain `text` (lab hosts share this
    /// machine's process table, so this finds what a run left running on them).
    static func processes(containing text: String) -> [String] {
        ProcessTable.commandLines(containing: text)
    }

    /// The `$SSH_CONNECTION` lines in some output: "client-address client-port server-address 22".
    /// The same line from two runs means the same TCP connection, so no new login.
    static func sshConnections(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").map(String.init).filter { $0.split(separator: " ").count == 4 && $0.hasSuffix(" 22") })
    }

    /// Runs `body` with a keeper folder of its own (mode 0700, as fleet requires) and the
    /// environment that points runs at it; afterwards that keeper is stopped and the folder removed.
    static func withOwnKeeper<T>(_ body: (_ environment: [String: String], _ folder: URL) throws -> T) throws -> T {
        let folder = try temporaryDirectory()
        chmod(folder.path, 0o700)
        let environment = ["FLEET_KEEPER_DIR": folder.path]
        defer {
            _ = try? run(["keeper", "stop"], environment: environment)
            try? FileManager.default.removeItem(at: folder)
        }
        return try body(environment, folder)
    }

    /// A scratch folder, removed when the test run exits.
    static func temporaryDirectory() throws -> URL {
        try ScratchFolder.make(prefix: "fleet-cli")
    }
}
