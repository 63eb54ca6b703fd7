import FleetLab
import Foundation
import XCTest

/// `fleet run playbooks/k8s/cluster.yml --check` on the shipped three-node inventory, compared
/// with the reviewed `Golden/k8s-cluster-check.txt`: every command each host would run, with
/// variables rendered and `<capture k8s-master:join_command>` where a value is not known yet.
///
/// The inventory's 192.168.1.x machines are never contacted: the test copies the inventory,
/// points each node at a lab host (k8s-master → lab-master, ...) with the lab's user and key,
/// and sets the test hooks `path_prefix` / `root_prefix` to a temporary folder holding the
/// test doubles. The output is mapped back (lab addresses → the inventory's, each host's
/// root_prefix → `<root>`, the doubles' folder → `<doubles>`, times → `<t>`, the run id →
/// `<run>`) so the golden file reads as the real inventory would. `FLEET_UPDATE_GOLDEN=1` rewrites the golden file instead of comparing.
///
/// Values a real run would find out first (the package family a probe prints, the join
/// command) are not known in check mode: tasks that depend on them show the condition
/// ("only if 'apt' in family.stdout; ...") and their commands, for both families.
final class PlaybookGoldenCheckTests: XCTestCase {
    private static let golden = PlaybookFiles.url("Tests/FleetCLITests/Golden/k8s-cluster-check.txt")
    /// Inventory name → lab host standing in for it.
    private static let standIns = ["k8s-master": "lab-master", "k8s-node1": "lab-node1", "k8s-node2": "lab-node2"]

    func testCheckRunOfTheClusterPlaybookMatchesTheGoldenFileAndChangesNothing() throws {
        let lab = try Lab.shared(count: 3)
        let work = try FleetBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let pathPrefix = try TestDoubles.install(into: work)
        let root = work.appendingPathComponent("root")
        for (name, labName) in Self.standIns {
            try TestDoubles.seedFreshNode(at: root.appendingPathComponent(labName), centos: name == "k8s-node2")
        }
        let before = try Self.files(under: root)
        let original = try String(contentsOf: PlaybookFiles.url("inventories/k8s-three-node.yml"), encoding: .utf8)
        let (inventory, addresses) = try Self.labInventory(original, lab: lab, pathPrefix: pathPrefix, root: root)
        let inventoryURL = work.appendingPathComponent("k8s-three-node.yml")
        try inventory.write(to: inventoryURL, atomically: true, encoding: .utf8)

        let run = try FleetBinary.run(["run", PlaybookFiles.url("playbooks/k8s/cluster.yml").path, "-i", inventoryURL.path,
                                       "--check", "--color", "never"], directory: work)
        XCTAssertEqual(run.status, 0, run.stderr)
        let stderr = Self.groupedByHost(Self.normalise(run.stderr, work: work, addresses: addresses),
                                        hosts: ["k8s-master", "k8s-node1", "k8s-node2"])
        let output = "exit \(run.status)\n--- stdout\n" + Self.normalise(run.stdout, work: work, addresses: addresses)
            + "--- stderr (each play's lines grouped by host)\n" + stderr

        if ProcessInfo.processInfo.environment["FLEET_UPDATE_GOLDEN"] == "1" {
            try output.write(to: Self.golden, atomically: true, encoding: .utf8)
        } else {
            let expected = try String(contentsOf: Self.golden, encoding: .utf8)
            XCTAssertEqual(output, expected, "fleet run --check output differs from \(Self.golden.path); "
                           + "review the difference, then rewrite it with FLEET_UPDATE_GOLDEN=1:\n" + Self.difference(expected, output))
        }

        // Check mode changed nothing: every file under the hosts' roots as it was, none added,
        // and no stand-in command that changes a machine was called.
        XCTAssertEqual(try Self.files(under: root), before, "check mode changed files")
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("log").path)) ?? []
        for name in logs {
            let log = try String(contentsOf: work.appendingPathComponent("log/\(name)"), encoding: .utf8)
            let mutating = log.split(separator: "\n").filter { !Self.isReadOnly(String($0)) }
            XCTAssertEqual(mutating, [], "check mode ran commands that change \(name)")
        }
    }

    // MARK: The inventory on the lab

    /// The shipped inventory with each node's address and port replaced by its lab host's,
    /// the lab's login, and the test hooks set.
    /// - Returns: the text, and lab address → the inventory's address.
    private static func labInventory(_ text: String, lab: Lab, pathPrefix: String, root: URL) throws
        -> (text: String, addresses: [String: String]) {
        let labHosts = Dictionary(uniqueKeysWithValues: lab.hosts().map { ($0.name, $0) })
        var addresses: [String: String] = [:]
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = String(line.prefix { $0 == " " })
            if trimmed.hasPrefix("defaults:") {
                lines.append("defaults: { user: \(lab.user), key: \"\(lab.keyPath.path)\", known_hosts: \"\(lab.knownHostsPath.path)\" }")
            } else if trimmed.hasPrefix("path_prefix:") {
                lines.append("\(indent)path_prefix: \"\(pathPrefix)\"")
            } else if trimmed.hasPrefix("root_prefix:") {
                lines.append(line)  // per host below
            } else if let name = standIns.keys.first(where: { trimmed.hasPrefix("\($0): {") }) {
                let labHost = try XCTUnwrap(labHosts[standIns[name]!], "the lab has no \(standIns[name]!)")
                let address = try XCTUnwrap(trimmed.firstMatch(of: /address: ([0-9.]+)/)?.1, line)
                addresses[labHost.address] = String(address)
                lines.append("\(indent)\(name): { address: \(labHost.address), port: \(labHost.port), "
                             + "vars: { root_prefix: \(root.path)/\(labHost.name) } }")
            } else {
                lines.append(line)
            }
        }
        XCTAssertEqual(addresses.count, 3, "every node of the inventory has a lab host")
        return (lines.joined(separator: "\n"), addresses)
    }

    // MARK: Output

    /// Output with what differs between runs and machines replaced by stable marks: each
    /// host's `root_prefix` (empty on real machines) is `<root>`, the doubles' folder `<doubles>`.
    private static func normalise(_ text: String, work: URL, addresses: [String: String]) -> String {
        var text = text
        for labName in standIns.values { text = text.replacingOccurrences(of: "\(work.path)/root/\(labName)", with: "<root>") }
        text = text.replacingOccurrences(of: "\(work.path)/bin", with: "<doubles>")
        text = text.replacingOccurrences(of: work.path, with: "<work>")
        // Longest first, so 10.0.0.10 is not read as 10.0.0.1 followed by 0.
        for (lab, original) in addresses.sorted(by: { $0.key.count > $1.key.count }) {
            let pattern = try! NSRegularExpression(pattern: "(?<![0-9.])\(NSRegularExpression.escapedPattern(for: lab))(?![0-9])")
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                    withTemplate: NSRegularExpression.escapedTemplate(for: original))
        }
        text = text.replacing(/\b[0-9]+(\.[0-9]+)?m?s\b/, with: "<t>")
        text = text.replacing(/\b[0-9]{8}-[0-9]{6}-[0-9a-z]+\b/, with: "<run>")
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).replacing(/[ ]+$/, with: "") }
            .joined(separator: "\n")
    }

    /// The lines of each play with the host blocks (a host's line and the command lines under
    /// it) in `hosts` order, each host's own order kept: hosts run side by side, so the order
    /// in which their lines arrive differs from run to run.
    private static func groupedByHost(_ text: String, hosts: [String]) -> String {
        var sections: [[String]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("PLAY ") { sections.append([]) }
            sections[sections.count - 1].append(line)
        }
        return sections.map { lines -> String in
            var head: [String] = []
            var blocks: [(host: Int, lines: [String])] = []
            for line in lines {
                if let host = hosts.firstIndex(where: { line.hasPrefix($0 + " ") }) {
                    blocks.append((host, [line]))
                } else if blocks.isEmpty {
                    head.append(line)
                } else {
                    blocks[blocks.count - 1].lines.append(line)
                }
            }
            let ordered = blocks.enumerated().sorted { ($0.element.host, $0.offset) < ($1.element.host, $1.offset) }
            return (head + ordered.flatMap(\.element.lines)).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The first differing line of each, to read without a diff tool.
    private static func difference(_ expected: String, _ actual: String) -> String {
        let left = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let want = index < left.count ? String(left[index]) : "<end>"
            let got = index < right.count ? String(right[index]) : "<end>"
            if want != got { return "line \(index + 1):\n  golden: \(want)\n  actual: \(got)" }
        }
        return "no line differs"
    }

    // MARK: Nothing changed

    /// Every regular file under `folder` (relative path) with its contents.
    private static func files(under folder: URL) throws -> [String: Data] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        var files: [String: Data] = [:]
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files[String(url.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    /// Stand-in calls that only look, as the guards (`unless`, `creates`) check mode runs do.
    private static func isReadOnly(_ call: String) -> Bool {
        let words = call.split(separator: " ").map(String.init)
        guard let command = words.first else { return true }
        let arguments = Array(words.dropFirst())
        switch command {
        case "kubectl":
            let changing: Set<String> = ["apply", "create", "delete", "label", "taint", "patch", "replace", "edit"]
            return arguments.contains("get") && changing.isDisjoint(with: arguments)
        case "systemctl": return ["is-active", "is-enabled", "cat", "status"].contains(arguments.first ?? "")
        case "sysctl": return arguments.first == "-n"
        case "ufw": return arguments.first == "status"
        case "dpkg": return arguments.first == "-s"
        case "rpm": return arguments.first == "-q"
        case "kubeadm": return arguments.first == "version"
        case "getenforce": return true
        default: return false
        }
    }
}
