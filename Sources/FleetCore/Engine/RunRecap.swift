import Foundation

/// The end-of-run table: per host, how many tasks were ok, changed, skipped, failed or
/// unreachable, and how long the host was busy.
public struct RunRecap: Sendable, Hashable, Codable {
    public struct HostLine: Sendable, Hashable, Codable {
        public var host: String
        public var ok = 0
        public var changed = 0
        public var skipped = 0
        public var failed = 0
        public var unreachable = 0
        /// Failures `ignore_errors` let pass (not counted in `failed`).
        public var ignored = 0
        /// Seconds from the host's first task start to its last task end.
        public var duration: Double = 0

        public init(host: String) { self.host = host }
    }

    public var runID: String
    public var hosts: [HostLine]
    public var logDirectory: String
    /// Seconds from the start of the run to its end.
    public var duration: Double

    public init(runID: String, hosts: [HostLine], logDirectory: String, duration: Double) {
        self.runID = runID
        self.hosts = hosts
        self.logDirectory = logDirectory
        self.duration = duration
    }

    /// Hosts that failed a task (not ignored).
    public var failedHosts: [String] { hosts.filter { $0.failed > 0 }.map(\.host) }
    public var unreachableHosts: [String] { hosts.filter { $0.unreachable > 0 }.map(\.host) }

    /// The recap as an aligned table, a totals line, and where the logs are.
    public var table: String {
        var table = TextTable("HOST", "OK", "CHANGED", "SKIPPED", "FAILED", "UNREACHABLE", "TIME")
        for line in hosts {
            table.rows.append([line.host, "\(line.ok)", "\(line.changed)", "\(line.skipped)",
                         "\(line.failed)" + (line.ignored > 0 ? " (+\(line.ignored) ignored)" : ""),
                         "\(line.unreachable)", Digits.fixed(line.duration, decimals: 2) + "s"])
        }
        let total = { (key: KeyPath<HostLine, Int>) in hosts.reduce(0) { $0 + $1[keyPath: key] } }
        table.rows.append(["total", "\(total(\.ok))", "\(total(\.changed))", "\(total(\.skipped))", "\(total(\.failed))",
                     "\(total(\.unreachable))", Digits.fixed(duration, decimals: 2) + "s"])
        return table.render() + "run \(runID), logs: \(logDirectory)\n"
    }
}
