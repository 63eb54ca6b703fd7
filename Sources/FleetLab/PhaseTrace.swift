import Foundation

/// Prints how long each phase of `up` took when `FLEET_LAB_TRACE` is set, to see what a
/// large lab spends its time on.
final class PhaseTrace {
    private let enabled = ProcessInfo.processInfo.environment["FLEET_LAB_TRACE"].map { !$0.isEmpty } ?? false
    private var last = Date()

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "lab: %@ in %.2f s\n", phase, now.timeIntervalSince(last)).utf8))
        last = now
    }
}
