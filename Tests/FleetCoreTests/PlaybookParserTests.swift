import XCTest
@testable import FleetCore

/// The good fixture playbook (journey 1's shape) read into the model, field by field where
/// the parser has something to decide.
final class PlaybookParserTests: XCTestCase {
    private var playbook: Playbook!

    override func setUpWithError() throws {
        playbook = try PlaybookParser.load(path: PlaybookFixtures.path("good/cluster.yml"))
    }

    func testPlays() {
        XCTAssertEqual(playbook.plays.map(\.name), ["Prepare nodes", "Initialise control plane", "Join workers", "Verify"])
        XCTAssertEqual(playbook.plays.map(\.hosts), ["cluster", "masters", "workers", "masters"])
        XCTAssertEqual(playbook.plays.map { $0.tasks.count }, [4, 3, 2, 2])
        let prepare = playbook.plays[0]
        XCTAssertTrue(prepare.become)
        XCTAssertEqual(prepare.vars["packages"], .list([.string("kubelet"), .string("kubeadm"), .string("kubectl")]))
        XCTAssertEqual(prepare.location.line, 3)
        let initialise = playbook.plays[1]
        XCTAssertEqual(initialise.serial, [.count(1), .percent(50)])
        XCTAssertEqual(initialise.maxFailPercentage, 0)
        XCTAssertEqual(initialise.strategy, .linear)
        XCTAssertEqual(playbook.plays[2].strategy, .free)
    }

    func testTaskKeywordsAndDefaults() throws {
        let install = playbook.plays[0].tasks[0]
        XCTAssertEqual(install.retries, 2)
        XCTAssertEqual(install.delay, 10)
        let sysctl = playbook.plays[0].tasks[3]
        XCTAssertEqual(sysctl.name, "command sysctl --system", "a task without a name is named after its action")
        XCTAssertEqual(sysctl.changedWhen?.source, "false")
        XCTAssertEqual(sysctl.delay, 5)
        let kubeadmInit = playbook.plays[1].tasks[0]
        XCTAssertEqual(kubeadmInit.register, "init")
        XCTAssertEqual(kubeadmInit.timeout, 600)
        XCTAssertEqual(kubeadmInit.creates?.source, "/etc/kubernetes/admin.conf")
        let nodes = playbook.plays[3].tasks[0]
        XCTAssertEqual(nodes.retries, 3, "until without retries retries three times, as in Ansible")
        XCTAssertEqual(nodes.failedWhen?.source, "result.rc != 0")
    }

    func testCapture() throws {
        let capture = try XCTUnwrap(playbook.plays[1].tasks[2].capture)
        XCTAssertEqual(capture, CaptureSpec(name: "join_command", regex: "^(kubeadm join .+)$", secret: true, ttl: 23 * 3600))
    }

    func testActions() throws {
        guard case .template(let kubelet) = playbook.plays[0].tasks[1].action else { return XCTFail("not a template") }
        XCTAssertEqual(kubelet.src?.source, "files/kubelet.conf.j2")
        XCTAssertEqual(kubelet.mode, "0644", "an unquoted 0644 stays the octal text, never 420")
        guard case .copy(let sysctl) = playbook.plays[0].tasks[2].action else { return XCTFail("not a copy") }
        XCTAssertEqual(sysctl.content?.source, "net.ipv4.ip_forward = 1\n")
        XCTAssertNil(sysctl.src)
        XCTAssertEqual(sysctl.mode, "0600")
        XCTAssertEqual(sysctl.owner?.source, "root:root")
        guard case .waitFor(let wait) = playbook.plays[1].tasks[1].action else { return XCTFail("not wait_for") }
        XCTAssertEqual(wait.port, 6443)
        XCTAssertEqual(wait.timeout, 120)
        guard case .command(let argv) = playbook.plays[2].tasks[1].action else { return XCTFail("not a command") }
        XCTAssertEqual(argv.map(\.source), ["sh", "-c", "{{ groups.masters[0].join_command }}"])
        guard case .command(let words) = playbook.plays[3].tasks[0].action else { return XCTFail("not a command") }
        XCTAssertEqual(words.map(\.source), [
            "kubectl", "get", "nodes", "--no-headers", "-o",
            "custom-columns=NAME:.metadata.name,READY:.status.conditions[-1].status",
        ])
        guard case .script(let path, let args) = playbook.plays[3].tasks[1].action else { return XCTFail("not a script") }
        XCTAssertEqual(path.source, "files/report.sh")
        XCTAssertEqual(args?.source, "{{ init.rc }} \"{{ host.name }}\"")
    }

    func testConditions() throws {
        let join = playbook.plays[2].tasks[0]
        XCTAssertEqual(join.when?.source, "node_role == 'worker'")
        let other = playbook.plays[2].tasks[1]
        XCTAssertEqual(other.when?.source,
                       "( groups['masters'][0].inventory_hostname == 'k8s-master' ) and (inventory_hostname in ['k8s-node1', 'k8s-node2'])",
                       "a list of conditions is their conjunction; braces are stripped")
        let scope = DictionaryScope([
            "groups": .map(["masters": .list([.map(["inventory_hostname": .string("k8s-master")])])]),
            "inventory_hostname": .string("k8s-node2"),
        ])
        XCTAssertTrue(try XCTUnwrap(other.when).isTrue(in: scope))
        XCTAssertFalse(try XCTUnwrap(other.when).isTrue(in: DictionaryScope([
            "groups": .map(["masters": .list([.map(["inventory_hostname": .string("k8s-master")])])]),
            "inventory_hostname": .string("k8s-master"),
        ])))
    }

    func testTemplatesKnowWhereTheyAreWritten() throws {
        guard case .shell(let join) = playbook.plays[2].tasks[0].action else { return XCTFail("not a shell") }
        XCTAssertEqual(join.locator.base, SourceLocation(file: playbook.path, line: 45, column: 15),
                       "a quoted value starts one column after its quote")
    }

    func testCommandWordsKeepTemplatesWhole() throws {
        let words = try CommandWords.split(#"echo "a b" 'c  d' e\ f {{ x | default('1 2') }}x"#)
        XCTAssertEqual(words.map(\.text), ["echo", "a b", "c  d", "e f", "{{ x | default('1 2') }}x"])
        XCTAssertEqual(words.map(\.offset), [0, 5, 11, 18, 23])
        XCTAssertThrowsError(try CommandWords.split("echo 'open"))
    }

    func testModeSpellings() throws {
        for (written, expected) in [("0644", "0644"), ("\"0644\"", "0644"), ("644", "0644"), ("0o755", "0755"), ("'4755'", "4755")] {
            let text = "- hosts: all\n  tasks:\n    - copy: { content: x, dest: /tmp/x, mode: \(written) }\n"
            let parsed = try PlaybookParser.parse(text: text, path: "modes.yml")
            guard case .copy(let spec) = parsed.plays[0].tasks[0].action else { return XCTFail("not a copy") }
            XCTAssertEqual(spec.mode, expected, written)
        }
    }

    func testShortCaptureAndBlockScalarLocation() throws {
        let text = "- hosts: all\n  tasks:\n    - shell: |\n        echo one\n        echo {{ oops( }}\n      capture: out\n"
        XCTAssertThrowsError(try PlaybookParser.parse(text: text, path: "block.yml")) { error in
            XCTAssertEqual((error as? InputError)?.location?.line, 5, "a block scalar's errors point at its own lines")
        }
        let fine = try PlaybookParser.parse(text: text.replacingOccurrences(of: "oops( ", with: "x "), path: "block.yml")
        XCTAssertEqual(fine.plays[0].tasks[0].capture, CaptureSpec(name: "out"))
    }

    /// A `fetch` whose literal `src` can never work is refused when the playbook is read, at
    /// its position, before any host is touched; one with variables is checked per host.
    func testFetchOfALiteralRelativeOrClimbingSourceIsRefusedOnReading() throws {
        for (src, message) in [("etc/hostname", "must be an absolute path on the host, found 'etc/hostname'"),
                                ("/var/../etc/shadow", "must not contain '..', found '/var/../etc/shadow'")] {
            let text = "- hosts: all\n  tasks:\n    - fetch: { src: \(src), dest: out }\n"
            XCTAssertThrowsError(try PlaybookParser.parse(text: text, path: "fetch.yml")) { error in
                let input = error as? InputError
                XCTAssertEqual(input?.message, "fetch 'src' \(message)")
                XCTAssertEqual(input?.location?.line, 3)
                XCTAssertEqual(input?.location?.column, 21)
            }
        }
        let templated = "- hosts: all\n  tasks:\n    - fetch: { src: \"{{ log_dir }}/app.log\", dest: out }\n"
        XCTAssertNoThrow(try PlaybookParser.parse(text: templated, path: "fetch.yml"))
    }
}
