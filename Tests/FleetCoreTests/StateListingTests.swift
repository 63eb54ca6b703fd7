import Foundation
import XCTest
@testable import FleetCore

final class StateListingTests: XCTestCase {
    private let secret = "kubeadm join 10.0.0.1:6443 --token s3cr3t.t0ken --discovery-token-ca-cert-hash sha256:abcd"
    private let now = stateEpoch.addingTimeInterval(61 * 60)

    private var snapshot: StateSnapshot {
        StateSnapshot(
            captures: [
                keptCapture(name: "join_command", value: secret, secret: true, ttl: 24 * 3600),
                keptCapture(name: "api_address", value: "10.0.0.1:6443"),
                keptCapture(host: "k8s-node1", name: "old_token", value: "t", at: stateEpoch, ttl: 58 * 60),
                keptCapture(host: "k8s-node1", name: "banner", value: String(repeating: "x", count: 70) + "\nsecond line"),
            ],
            runs: [
                RunRecord(
                    runID: "r1", playbook: "/srv/playbooks/k8s/cluster.yml", startedAt: stateEpoch,
                    finishedAt: stateEpoch.addingTimeInterval(60), failedHosts: ["k8s-node2"],
                    unreachableHosts: ["k8s-node3", "k8s-node4"], okHosts: ["k8s-master"]),
            ])
    }

    func testTableShowsAgeExpiryTaskAndMasksSecrets() {
        let text = StateListing.render(snapshot, now: now)
        XCTAssertEqual(text, """
            HOST        NAME          VALUE                                                         TASK                  AGE    EXPIRY
            k8s-master  join_command  ••••                                                          kubeadm join command  1h 1m  expires in 22h 59m
            k8s-master  api_address   10.0.0.1:6443                                                 kubeadm join command  1h 1m  never
            k8s-node1   old_token     t                                                             kubeadm join command  1h 1m  EXPIRED 3m ago
            k8s-node1   banner        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…  kubeadm join command  1h 1m  never

            PLAYBOOK                        FINISHED  FAILED     UNREACHABLE
            /srv/playbooks/k8s/cluster.yml  1h ago    k8s-node2  k8s-node3,k8s-node4

            """)
    }

    func testLongValuesAreCutToSixtyCharactersOnOneLine() {
        let shown = StateListing.shownValue(keptCapture(value: "a\nb\t" + String(repeating: "c", count: 100)))
        XCTAssertEqual(shown.count, StateListing.valueWidth)
        XCTAssertTrue(shown.hasPrefix("a\\nb\\tccc"), shown)
        XCTAssertTrue(shown.hasSuffix("c…"), shown)
        XCTAssertEqual(StateListing.shownValue(keptCapture(value: "short")), "short")
        XCTAssertEqual(StateListing.shownValue(keptCapture(value: "")), "\"\"")
    }

    func testSecretNeverAppearsInTableOrJSON() {
        for text in [StateListing.render(snapshot, now: now), StateListing.json(snapshot, now: now)] {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertFalse(text.contains("s3cr3t"), text)
            XCTAssertTrue(text.contains(SecretRedactor.mask), text)
        }
    }

    func testJSONHasEveryFieldWithSecretsMasked() throws {
        let json = StateListing.json(snapshot, now: now)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let captures = try XCTUnwrap(object["captures"] as? [[String: Any]])
        XCTAssertEqual(captures.count, 4)
        let token = captures[0]
        XCTAssertEqual(token["value"] as? String, "••••")
        XCTAssertEqual(token["secret"] as? Bool, true)
        XCTAssertEqual(token["name"] as? String, "join_command")
        XCTAssertEqual(token["capturedAt"] as? String, "2025-10-09T08:53:20.000Z")
        XCTAssertEqual(token["expiresAt"] as? String, "2025-10-10T08:53:20.000Z")
        XCTAssertEqual(token["ageSeconds"] as? Int, 3660)
        XCTAssertEqual(token["expired"] as? Bool, false)
        XCTAssertEqual(captures[1]["value"] as? String, "10.0.0.1:6443")
        XCTAssertEqual(captures[1]["secret"] as? Bool, false)
        XCTAssertTrue(captures[1]["expiresAt"] is NSNull)
        XCTAssertEqual(captures[2]["expired"] as? Bool, true)
        XCTAssertEqual((captures[3]["value"] as? String)?.count, 82, "JSON keeps long values whole")
        let runs = try XCTUnwrap(object["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.first?["unreachableHosts"] as? [String], ["k8s-node3", "k8s-node4"])
        XCTAssertEqual(runs.first?["failedHosts"] as? [String], ["k8s-node2"])
        XCTAssertEqual(runs.first?["runID"] as? String, "r1")
    }

    func testEmptyStateSaysSo() {
        XCTAssertEqual(StateListing.render(StateSnapshot(), now: now), "No captures kept for this inventory.\n")
        XCTAssertEqual(StateListing.json(StateSnapshot(), now: now), "{\n  \"captures\": [],\n  \"runs\": []\n}\n")
    }

    func testExpiryWording() {
        let capture = keptCapture(at: stateEpoch, ttl: 3600)
        XCTAssertEqual(StateListing.expiry(of: capture, now: stateEpoch), "expires in 1h")
        XCTAssertEqual(StateListing.expiry(of: capture, now: stateEpoch.addingTimeInterval(3600)), "EXPIRED 0s ago")
        XCTAssertEqual(StateListing.expiry(of: capture, now: stateEpoch.addingTimeInterval(3600 + 185)), "EXPIRED 3m 5s ago")
        XCTAssertEqual(StateListing.expiry(of: keptCapture(ttl: nil), now: stateEpoch), "never")
    }
}
