import Foundation
import XCTest
@testable import FleetLab

/// The client-side files a lab writes, checked line by line.
final class LabFilesTests: XCTestCase {
    private let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"

    func testKnownHostsNamesEachAddressAndBracketsNonStandardPorts() {
        let text = LabFiles.knownHosts([
            (LabHost(name: "lab-master", address: "10.213.0.10", address6: "fd66:6c65:6574:0::a", port: 22, user: "fleet"), key),
            (LabHost(name: "lab-node1", address: "127.0.0.1", address6: nil, port: 20023, user: "me"), key),
        ])
        XCTAssertEqual(text.split(separator: "\n").dropFirst(), [
            "10.213.0.10 \(key)", "fd66:6c65:6574:0::a \(key)", "[127.0.0.1]:20023 \(key)",
        ])
    }

    func testInventoryPutsTheFirstHostInMastersAndTheRestInWorkers() {
        let hosts = [
            LabHost(name: "lab-master", address: "127.0.0.1", address6: nil, port: 20022, user: "me"),
            LabHost(name: "lab-node1", address: "127.0.0.1", address6: nil, port: 20023, user: "me"),
        ]
        let text = LabFiles.inventory(hosts, user: "me", key: URL(fileURLWithPath: "/lab dir/id_ed25519"),
                                      knownHosts: URL(fileURLWithPath: "/lab dir/known_hosts"))
        XCTAssertEqual(text.split(separator: "\n").dropFirst(), [
            "defaults: { user: me, key: \"/lab dir/id_ed25519\", known_hosts: \"/lab dir/known_hosts\" }",
            "groups:", "  masters:", "    hosts:",
            "      lab-master: { address: 127.0.0.1, port: 20022 }",
            "  workers:", "    hosts:",
            "      lab-node1: { address: 127.0.0.1, port: 20023 }",
        ])
        let single = LabFiles.inventory(Array(hosts.prefix(1)), user: "me", key: URL(fileURLWithPath: "/k"),
                                        knownHosts: URL(fileURLWithPath: "/h"))
        XCTAssertTrue(single.hasSuffix("  workers:\n    hosts: {}\n"))
    }

    func testSSHDConfigAsRootReadsKeysThroughACommandAndAllowsManySessions() {
        let config = SSHDConfig(
            listen: ["10.213.0.10:22", "[fd66::a]:22"], hostKey: URL(fileURLWithPath: "/l/hosts/h/key"),
            pidFile: URL(fileURLWithPath: "/l/hosts/h/sshd.pid"), authorizedKeys: URL(fileURLWithPath: "/l a/authorized_keys"),
            allowUsers: ["fleet", "fleetpw", "root"], asRoot: true).text
        for line in ["ListenAddress [fd66::a]:22", "AuthorizedKeysFile none",
                     "AuthorizedKeysCommand /bin/cat \"/l a/authorized_keys\"", "MaxSessions 1000",
                     "MaxStartups 1000:30:2000", "UsePAM no", "AllowUsers fleet fleetpw root", "StrictModes no",
                     "Subsystem sftp internal-sftp", "PermitRootLogin prohibit-password"] {
            XCTAssertTrue(config.contains(line + "\n"), line)
        }
    }
}
