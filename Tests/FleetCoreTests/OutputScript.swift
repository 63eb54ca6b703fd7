@testable import FleetCore
import Foundation

/// Scripted run events for the output renderers: what the engine would emit for a small
/// cluster where two workers fail the same way.
enum OutputScript {
    static let logs = "/work/.fleet/logs/20261122-013502-ab12"

    static func result(_ host: String, _ task: String, _ status: HostStatus, rc: Int32? = nil, duration: Double = 0.25,
                       stdout: String = "", stderr: String = "", message: String? = nil, ignored: Bool = false,
                       log: String? = nil, play: String = "prepare") -> RunEvent {
        .hostResult(.init(host: host, play: play, task: task, status: status, rc: rc, duration: duration, commands: [],
                          stdoutExcerpt: stdout, stderrExcerpt: stderr, message: message, ignored: ignored,
                          logPath: log.map { "\(logs)/\(host)/\($0)" }))
    }

    static let hosts = ["k8s-master", "k8s-node1", "k8s-node2"]

    static let start: RunEvent = .runStart(.init(runID: "20261122-013502-ab12", playbook: "/work/cluster.yml", hosts: hosts,
                                                 checkMode: false, logDirectory: logs))
    static let play: RunEvent = .playStart(.init(name: "prepare", hosts: hosts, batch: 1, batches: 1))

    static let failure = """
        Reading package lists...
        Building dependency tree...
        Reading state information...
        Some packages could not be installed.
        Hint: check the repository.
        E: Unable to locate package kubeadm
        """

    /// The whole run, in order.
    static var events: [RunEvent] {
        [
            start, play,
            .taskStart(.init(play: "prepare", task: "update caches", hosts: hosts)),
            result("k8s-master", "update caches", .changed, rc: 0, duration: 1.5, stdout: "Hit:1 http://deb\nDone",
                   message: "apt-get update", log: "01-update-caches"),
            result("k8s-node1", "update caches", .ok, rc: 0, duration: 12.25, log: "01-update-caches"),
            result("k8s-node2", "update caches", .skipped, duration: 0, message: "creates: /var/lib/apt/fresh exists"),
            .taskStart(.init(play: "prepare", task: "install kubeadm", hosts: hosts)),
            result("k8s-master", "install kubeadm", .changed, rc: 0, duration: 3, log: "02-install-kubeadm"),
            result("k8s-node1", "install kubeadm", .failed, rc: 100, stderr: failure,
                   message: "rc=100: E: Unable to locate package kubeadm", log: "02-install-kubeadm"),
            result("k8s-node2", "install kubeadm", .failed, rc: 100, stderr: failure,
                   message: "rc=100: E: Unable to locate package kubeadm", log: "02-install-kubeadm"),
            .recap(RunRecap(runID: "20261122-013502-ab12", hosts: recapLines, logDirectory: logs, duration: 15.5)),
            .runEnd(.init(runID: "20261122-013502-ab12", exitCode: 2, interrupted: false)),
        ]
    }

    static var recapLines: [RunRecap.HostLine] {
        var master = RunRecap.HostLine(host: "k8s-master")
        master.changed = 2
        master.duration = 4.5
        var node1 = RunRecap.HostLine(host: "k8s-node1")
        node1.ok = 1
        node1.failed = 1
        node1.duration = 12.5
        var node2 = RunRecap.HostLine(host: "k8s-node2")
        node2.skipped = 1
        node2.failed = 1
        node2.duration = 0.25
        return [master, node1, node2]
    }

    /// All text `renderer` prints for the scripted run.
    static func plainText(_ renderer: PlainProgress) -> String {
        var renderer = renderer
        return events.map { renderer.text(for: $0) }.joined()
    }
}
