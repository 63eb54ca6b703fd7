import XCTest
@testable import FleetCore

/// `PlaybookChecker` on whole playbooks: the good fixture is clean, and what a run would make
/// available (registers, captures, results, `-e`) is exactly what the checker accepts.
final class CheckTests: XCTestCase {
    private func errors(_ yaml: String, extraVars: [String: VariableValue] = [:]) throws -> [String] {
        let playbook = try PlaybookParser.parse(text: yaml, path: "/playbooks/inline.yml")
        return PlaybookChecker(playbook: playbook, inventory: try PlaybookFixtures.k8sInventory(), extraVars: extraVars)
            .check().map(\.message)
    }

    func testGoodPlaybookChecksClean() throws {
        let playbook = try PlaybookParser.load(path: PlaybookFixtures.path("good/cluster.yml"))
        let errors = PlaybookChecker(playbook: playbook, inventory: try PlaybookFixtures.k8sInventory()).check()
        XCTAssertEqual(errors.map { $0.errorDescription! }, [])
    }

    func testGroupReferenceNeedsAnEarlierCapture() throws {
        let yaml = """
        - hosts: workers
          tasks:
            - name: join
              shell: "{{ groups.masters[0].join_command }}"
            - name: outside
              shell: "{{ groups.masters[3].join_command }} {{ hosts['k8s-mastr'].x }} {{ groups.nope }}"
        """
        XCTAssertEqual(try errors(yaml), [
            "task 'join' reads groups.masters[0].join_command, but no earlier task captures join_command on k8s-master",
            "task 'outside' reads groups.masters[3].join_command, but group 'masters' has 1 host, so no [3]",
            "task 'outside' reads groups.nope, but the inventory has no group 'nope'",
            "task 'outside' reads hosts['k8s-mastr'].x, but the inventory has no host 'k8s-mastr' (did you mean 'k8s-master'?)",
        ])
    }

    func testInventoryVariablesOfOtherHostsAreReadable() throws {
        let yaml = """
        - hosts: masters
          tasks:
            - shell: echo {{ hosts['k8s-node1'].node_role }} {{ groups.workers[1].k8s_version }}
        """
        XCTAssertEqual(try errors(yaml), [])
    }

    /// The connection facts are on every host object, as the run-time scope gives them, and
    /// `map(attribute=...)` over a group needs the attribute on every member.
    func testHostFactsAndMapOverAGroup() throws {
        let yaml = """
        - hosts: workers
          vars: { nodes: [ { address: a }, { adress: b } ] }
          tasks:
            - name: facts
              shell: echo {{ host.port }} {{ host.inventory_hostname }} {{ hosts['k8s-master'].address }} {{ groups.workers[1].name }} {{ groups.cluster | map(attribute='address') | join(' ') }} {{ groups.workers | map(attribute='port') | join }}
            - name: tokens
              shell: echo {{ groups.cluster | map(attribute='join_command') | join }} {{ nodes | map(attribute='address') | join }}
        """
        XCTAssertEqual(try errors(yaml), [
            "task 'tokens' reads groups.cluster[0].join_command, but no earlier task captures join_command on k8s-master",
            "task 'tokens' uses undefined variable 'nodes[*].address': 'nodes[1]' has no key 'address' (did you mean 'adress'?)",
        ])
    }

    func testRegisteredResultsAndTheirFields() throws {
        let yaml = """
        - hosts: masters
          tasks:
            - name: probe
              shell: "true"
              register: probe
              until: result.rc == 0 and probe.stdout != ''
            - name: use
              shell: echo {{ probe.lines[0] }} {{ probe.rc }} {{ probe.exit_code }}
            - name: no result here
              shell: echo {{ result.stdout }}
        """
        XCTAssertEqual(try errors(yaml), [
            "task 'use' uses undefined variable 'probe.exit_code': 'probe' has no key 'exit_code'",
            "task 'no result here' uses undefined variable 'result.stdout'",
        ])
    }

    func testPrecedenceAndExtraVars() throws {
        let yaml = """
        - hosts: cluster
          vars:
            node_role: any
            settings: { port: 80 }
          tasks:
            - shell: echo {{ node_role }} {{ settings.port }} {{ settings.host }} {{ release }} {{ maybe | default('x') }}
        """
        XCTAssertEqual(try errors(yaml), [
            "task 'shell echo {{ node_role }} …' uses undefined variable 'release'",
            "task 'shell echo {{ node_role }} …' uses undefined variable 'settings.host': 'settings' has no key 'host'",
        ])
        XCTAssertEqual(try errors(yaml, extraVars: ["release": .string("1"), "settings": .map(["host": .string("h")])]), [
            "task 'shell echo {{ node_role }} …' uses undefined variable 'settings.port': 'settings' has no key 'port'",
        ], "-e replaces a play variable whole, as the highest precedence")
    }

    func testTemplateFileContentsAreChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "port={{ api_port }}\nhost={{ host.name }}\n".write(to: folder.appendingPathComponent("api.conf.j2"), atomically: true, encoding: .utf8)
        let yaml = "- hosts: masters\n  tasks:\n    - name: api\n      template: { src: api.conf.j2, dest: /etc/api.conf }\n"
        let path = folder.appendingPathComponent("site.yml").path
        let playbook = try PlaybookParser.parse(text: yaml, path: path)
        let errors = PlaybookChecker(playbook: playbook, inventory: try PlaybookFixtures.k8sInventory()).check()
        XCTAssertEqual(errors.map(\.message), ["task 'api' uses undefined variable 'api_port'"])
        XCTAssertEqual(errors.first?.location, SourceLocation(file: folder.appendingPathComponent("api.conf.j2").path, line: 1, column: 1))
    }

    func testAllErrorsAreCollectedAndSorted() throws {
        let yaml = """
        - hosts: nobody
          tasks:
            - shell: echo {{ a }}
        - hosts: masters
          tasks:
            - shell: echo {{ b }}
            - shell: echo {{ c }}
        """
        let messages = try errors(yaml)
        XCTAssertEqual(messages.count, 3)
        XCTAssertTrue(messages[0].hasPrefix("host pattern 'nobody'"))
        XCTAssertTrue(messages[1].hasSuffix("undefined variable 'b'"))
        XCTAssertTrue(messages[2].hasSuffix("undefined variable 'c'"))
    }

    func testExtraVariablesFromTheCommandLine() throws {
        XCTAssertEqual(try ExtraVariables.parse(["a=1", "b=x=y", "ports=[80, 443]", "m={\"k\": true}"]), [
            "a": .string("1"), "b": .string("x=y"), "ports": .list([.int(80), .int(443)]), "m": .map(["k": .bool(true)]),
        ])
        XCTAssertThrowsError(try ExtraVariables.parse(["novalue"]))
        XCTAssertThrowsError(try ExtraVariables.parse(["1x=2"]))
        XCTAssertThrowsError(try ExtraVariables.parse(["l=[1, 2"]))
    }
}
