import FleetLab
import Foundation
import XCTest

/// What a person sees from `fleet run` on real lab hosts: progress on stderr, failures with
/// their log, one line per distinct error, the recap on stdout; `-q`, `-v`, colour, and the
/// live view on a terminal.
final class RunOutputTests: XCTestCase {
    private var folder: URL!

    /// Three lab hosts; both workers fail `install kubeadm` the same way, after eight lines of stderr.
    override func setUpWithError() throws {
        let lab = try Lab.shared(count: 3)
        folder = try FleetBinary.temporaryDirectory()
        let hosts = lab.hosts().prefix(3)
        var inventory = "defaults: { user: \(lab.user), key: \"\(lab.keyPath.path)\", known_hosts: \"\(lab.knownHostsPath.path)\" }\ngroups:\n  lab:\n    hosts:\n"
        for host in hosts { inventory += "      \(host.name): { address: \(host.address), port: \(host.port) }\n" }
        try inventory.write(to: folder.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        try """
            - name: prepare
              hosts: all
              tasks:
                - name: say hello
                  shell: "echo hello from {{ inventory_hostname }}; echo warn >&2"
                - name: only workers
                  shell: "true"
                  when: "inventory_hostname != 'lab-master'"
                  changed_when: false
                - name: install kubeadm
                  shell: "if [ {{ inventory_hostname }} != lab-master ]; then for i in 1 2 3 4 5 6 7; do echo line $i >&2; done; echo 'E: Unable to locate package kubeadm' >&2; exit 100; fi"
                - name: finish
                  shell: "sleep 1.2"
            """.write(to: folder.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func runSite(_ flags: [String] = [], environment: [String: String] = [:]) throws -> FleetBinary.Output {
        try FleetBinary.run(["run", "site.yml", "-i", "hosts.yml"] + flags, environment: environment, directory: folder)
    }

    /// `HOST  STATUS  1.23s  task`, durations replaced by `D` so lines compare exactly.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: #"\d+\.\d\ds"#, with: "D", options: .regularExpression)
        }
    }

    private func runID(_ stdout: String) throws -> String {
        let line = try XCTUnwrap(stdout.split(separator: "\n").first { $0.hasPrefix("run ") }, stdout)
        return String(line.dropFirst(4).prefix { $0 != "," })
    }

    func testPlainProgressFailureBlockWithLogDigestAndRecap() throws {
        let result = try runSite()
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        let id = try runID(result.stdout)
        let err = lines(result.stderr)
        XCTAssertEqual(err.first, "run \(id): 3 hosts")
        XCTAssertEqual(err[1], "PLAY prepare: lab-master, lab-node[1-2]")
        for host in ["lab-master", "lab-node1", "lab-node2"] {
            XCTAssertTrue(err.contains(host.padding(toLength: 10, withPad: " ", startingAt: 0) + "  changed        D  say hello"), result.stderr)
        }
        XCTAssertTrue(err.contains("lab-master  skipped        D  only workers (when: inventory_hostname != 'lab-master' is false)"), result.stderr)
        XCTAssertTrue(err.contains("lab-node1   ok             D  only workers"), result.stderr)
        XCTAssertTrue(err.contains("lab-master  changed        D  finish"), result.stderr)
        // The failure where it happened: host, task, exit code, the last 5 lines, the log.
        for host in ["lab-node1", "lab-node2"] {
            let start = try XCTUnwrap(err.firstIndex(of: "\(host)   FAILED         D  install kubeadm"), result.stderr)
            XCTAssertEqual(Array(err[start + 1...start + 7]), [
                "    rc=100: E: Unable to locate package kubeadm",
                "    | line 4", "    | line 5", "    | line 6", "    | line 7",
                "    | E: Unable to locate package kubeadm",
                "    full log: .fleet/logs/\(id)/\(host)/03-install-kubeadm.err",
            ])
            let log = try String(contentsOf: folder.appendingPathComponent(".fleet/logs/\(id)/\(host)/03-install-kubeadm.err"), encoding: .utf8)
            XCTAssertEqual(log, (1...7).map { "line \($0)\n" }.joined() + "E: Unable to locate package kubeadm\n")
        }
        XCTAssertEqual(err.filter { $0.hasPrefix("failed on") },
                       ["failed on 2 hosts: lab-node[1-2]: rc=100: E: Unable to locate package kubeadm (task 'install kubeadm')"])
        XCTAssertFalse(result.stderr.contains("\u{1B}["), "no colour on a pipe")
        XCTAssertEqual(lines(result.stdout), [
            "HOST        OK  CHANGED  SKIPPED  FAILED  UNREACHABLE  TIME",
            "lab-master  0   3        1        0       0            D",
            "lab-node1   1   1        0        1       0            D",
            "lab-node2   1   1        0        1       0            D",
            "total       2   5        1        2       0            D",
            "run \(id), logs: .fleet/logs/\(id)",
            "",
        ])
    }

    func testQuietShowsOnlyFailuresAndTheRecap() throws {
        let result = try runSite(["-q"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertFalse(result.stderr.contains("PLAY"), result.stderr)
        XCTAssertFalse(result.stderr.contains("say hello"), result.stderr)
        XCTAssertFalse(result.stderr.contains("changed"), result.stderr)
        XCTAssertEqual(lines(result.stderr).filter { $0.contains("FAILED") }.count, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("failed on 2 hosts: lab-node[1-2]"), result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("HOST        OK  CHANGED"), result.stdout)
    }

    func testVerboseAddsTaskOutputAndDoubleVerboseWhatRan() throws {
        let verbose = try runSite(["-v"])
        XCTAssertTrue(verbose.stderr.contains("say hello\n    out| hello from lab-node1\n    err| warn\n"), verbose.stderr)
        XCTAssertFalse(verbose.stderr.contains("ran: "), verbose.stderr)
        let debug = try runSite(["-vv"])
        XCTAssertTrue(debug.stderr.contains("say hello\n    ran: echo hello from lab-node2; echo warn >&2\n    out| hello from lab-node2\n"),
                      debug.stderr)
    }

    func testColourFollowsTheFlagAndNO_COLOR() throws {
        let always = try runSite(["--color", "always"])
        XCTAssertTrue(always.stderr.contains("\u{1B}[31mFAILED"), always.stderr)
        XCTAssertTrue(always.stdout.contains("\u{1B}[1mHOST\u{1B}[0m"), always.stdout)
        // auto on a pipe, even with a colour terminal declared, stays plain; NO_COLOR too.
        let auto = try runSite([], environment: ["TERM": "xterm-256color", "NO_COLOR": "1"])
        XCTAssertFalse((auto.stdout + auto.stderr).contains("\u{1B}["))
        let exec = try FleetBinary.run(["exec", "-i", "hosts.yml", "--color", "always", "lab-master", "--", "true"], directory: folder)
        XCTAssertEqual(exec.stdout, "\u{1B}[32mlab-master (1) rc=0:\u{1B}[0m\n")
    }

    /// On a terminal (`script` gives fleet one) the live area is redrawn in place and, at the
    /// end, replaced by a summary line per task; failures still show in full.
    func testLiveViewOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("needs script(1)") }
        let (status, screen) = try onTerminal("\(FleetBinary.url.path) run site.yml -i hosts.yml")
        XCTAssertEqual(status, 2, screen)
        XCTAssertTrue(screen.contains("\u{1B}[J"), "the live area is cleared and redrawn")
        XCTAssertTrue(screen.range(of: #"\u001B\[\d+A"#, options: .regularExpression) != nil, "cursor moves up over the live area")
        let plain = screen.withoutEscapes
        XCTAssertTrue(plain.contains("finish  done 0/1  running 1"), plain)
        XCTAssertTrue(plain.contains("slowest: lab-master"), plain)
        XCTAssertTrue(plain.contains("install kubeadm  3 hosts: 1 changed, 2 failed"), plain)
        XCTAssertTrue(plain.contains("lab-node1   FAILED"), plain)
        XCTAssertFalse(plain.contains("lab-master  changed"), "no line per host for successes on a terminal")
        XCTAssertTrue(screen.contains("\u{1B}[1mHOST\u{1B}[0m"), "the recap is coloured on a terminal")
    }

    /// Runs `command` with a pseudo-terminal as stdin, stdout and stderr (`script -qec`), as
    /// in a person's terminal; returns its exit status and everything it wrote.
    private func onTerminal(_ command: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.environment = FleetBinary.environment(["PATH": "/usr/bin:/bin", "TERM": "xterm-256color"])
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

private extension String {
    /// Without escape sequences and carriage returns: roughly what ends up on screen.
    var withoutEscapes: String {
        replacingOccurrences(of: #"\u001B\[[0-9;?]*[A-Za-z]"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }
}
