import Foundation
import XCTest
@testable import FleetCore

/// A throwaway inventory folder for state tests, removed when the test ends.
final class StateSandbox {
    let folder: URL
    let inventoryPath: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        inventoryPath = folder.appendingPathComponent("hosts.yml").path
        try "hosts:\n  k8s-master: {address: 10.0.0.1}\n".write(toFile: inventoryPath, atomically: true, encoding: .utf8)
    }

    var stateFolder: URL { folder.appendingPathComponent(".fleet") }
    var stateFile: URL { stateFolder.appendingPathComponent("state.json") }
    var lockFile: URL { stateFolder.appendingPathComponent("state.lock") }

    /// Permission bits of `url`.
    func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as! NSNumber).intValue
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// A fixed moment, so ages and expiries are exact.
let stateEpoch = Date(timeIntervalSince1970: 1_760_000_000)

func keptCapture(
    host: String = "k8s-master", name: String = "join_command", value: String = "kubeadm join 10.0.0.1:6443 --token abc",
    secret: Bool = false, at capturedAt: Date = stateEpoch, ttl: Double? = nil
) -> KeptCapture {
    KeptCapture(
        host: host, name: name, value: value, secret: secret, task: "kubeadm join command",
        playbook: "/srv/playbooks/k8s/cluster.yml", capturedAt: capturedAt, ttl: ttl)
}
