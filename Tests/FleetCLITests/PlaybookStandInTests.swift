import FleetLab
import Foundation
import XCTest

/// The Kubernetes playbooks' whole control flow on lab hosts, with the test doubles of
/// `Doubles/` standing in for kubeadm, kubectl, systemctl and the package managers.
///
/// The doubles come first on PATH through the playbooks' `path_prefix` variable, and every
/// file the playbooks write lands under `root_prefix` = WORK/root/HOST (the lab hosts share
/// this machine's disk). lab-node2 says it is CentOS, so the yum branches run too.
final class PlaybookStandInTests: XCTestCase {
    private struct Cluster {
        var work: URL
        var inventory: URL
        var hosts: [LabHost]

        func log(_ host: String) -> String {
            (try? String(contentsOf: work.appendingPathComponent("log/\(host).log"), encoding: .utf8)) ?? ""
        }

        func lines(_ host: String, starting prefix: String) -> [String] {
            log(host).split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
        }

        /// HOST's /etc/hosts, under its root_prefix.
        func hostsFile(_ host: String) throws -> String {
            try String(contentsOf: work.appendingPathComponent("root/\(host)/etc/hosts"), encoding: .utf8)
        }

        /// Every bootstrap token the master's kubeadm created, oldest first.
        var tokens: [String] {
            ((try? String(contentsOf: work.appendingPathComponent("tokens"), encoding: .utf8)) ?? "")
                .split(separator: "\n").map(String.init)
        }

        func run(_ playbook: String, _ extra: [String] = []) throws -> FleetBinary.Output {
            try FleetBinary.run(["run", PlaybookFiles.url("playbooks/k8s/\(playbook)").path, "-i", inventory.path] + extra)
        }
    }

    func testClusterJoinsOnceReRunsChangeNothingAndAddWorkerReusesOrRenewsTheJoinCommand() throws {
        let lab = try Lab.shared(count: 4)
        let cluster = try makeCluster(lab, workers: 2)
        let master = cluster.hosts[0]

        let first = try cluster.run("cluster.yml")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(cluster.lines("lab-master", starting: "kubeadm init").count, 1)
        XCTAssertEqual(cluster.tokens.count, 1)
        let token = try XCTUnwrap(cluster.tokens.first)
        for worker in ["lab-node1", "lab-node2"] {
            let joins = cluster.lines(worker, starting: "kubeadm join")
            XCTAssertEqual(joins.count, 1, cluster.log(worker))
            XCTAssertTrue(joins[0].hasPrefix("kubeadm join \(master.address):6443 --token \(token) --discovery-token-ca-cert-hash sha256:"),
                          joins[0])
        }
        XCTAssertFalse(first.stdout.contains(token) || first.stderr.contains(token), "the secret join command was printed")
        // Both package families ran: apt on the Debian hosts, yum (and SELinux, firewalld) on lab-node2.
        XCTAssertEqual(cluster.lines("lab-node1", starting: "apt-mark hold kubelet kubeadm kubectl").count, 1)
        XCTAssertEqual(cluster.lines("lab-node2", starting: "yum install -y --disableexcludes=kubernetes kubelet-1.28.2").count, 1)
        XCTAssertEqual(cluster.lines("lab-node2", starting: "setenforce 0").count, 1)
        XCTAssertEqual(cluster.lines("lab-node2", starting: "systemctl disable --now firewalld").count, 1)
        let config = try String(contentsOf: cluster.work.appendingPathComponent("root/lab-node1/etc/containerd/config.toml"), encoding: .utf8)
        XCTAssertTrue(config.contains("SystemdCgroup = true"), config)
        XCTAssertTrue(config.contains("sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.9\""), config)
        let kubeadmConfig = try String(contentsOf: cluster.work.appendingPathComponent("root/lab-master/etc/kubernetes/kubeadm-config.yaml"),
                                       encoding: .utf8)
        XCTAssertTrue(kubeadmConfig.contains("advertiseAddress: \(master.address)\n"), kubeadmConfig)
        XCTAssertTrue(kubeadmConfig.contains("podSubnet: 10.244.0.0/16\n"), kubeadmConfig)
        let fstab = try String(contentsOf: cluster.work.appendingPathComponent("root/lab-node1/etc/fstab"), encoding: .utf8)
        XCTAssertTrue(fstab.contains("#/swapfile none swap sw 0 0"), fstab)
        XCTAssertTrue((first.stdout + first.stderr).contains("Every node Ready"), first.stderr)
        for host in cluster.hosts.prefix(3) {
            XCTAssertEqual(try cluster.hostsFile(host.name), "127.0.0.1 localhost\n" + Self.nodesBlock(cluster.hosts.prefix(3)), host.name)
        }

        let second = try cluster.run("cluster.yml")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try Self.changedTotal(second.stdout + second.stderr), 0, second.stdout + second.stderr)
        XCTAssertEqual(cluster.lines("lab-master", starting: "kubeadm init").count, 1)
        XCTAssertEqual(cluster.lines("lab-node1", starting: "kubeadm join").count, 1)
        let kept = try XCTUnwrap(cluster.tokens.last)

        // Next week: a third worker in the inventory, added with --limit; the master is not
        // touched and the kept join command is used.
        try writeInventory(cluster, lab: lab, workers: 3)
        let added = try cluster.run("add-worker.yml", ["--limit", "lab-node3"])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertEqual(cluster.tokens.last, kept, "a kept, unexpired join command must be reused")
        let join3 = try XCTUnwrap(cluster.lines("lab-node3", starting: "kubeadm join").first)
        XCTAssertEqual(try cluster.hostsFile("lab-node3"), "127.0.0.1 localhost\n" + Self.nodesBlock(cluster.hosts))
        XCTAssertTrue(join3.contains("--token \(kept) "), join3)

        // The kept command expires: reset the node, add it again, and the master's capturing
        // task runs again (outside --limit) for a fresh token.
        let reset = try cluster.run("reset.yml", ["--limit", "lab-node3"])
        XCTAssertEqual(reset.status, 0, reset.stderr)
        XCTAssertEqual(cluster.lines("lab-node3", starting: "kubeadm reset -f").count, 1)
        try expire("join_command", stateOf: cluster.inventory)
        let tokensBefore = cluster.tokens.count
        let renewed = try cluster.run("add-worker.yml", ["--limit", "lab-node3"])
        XCTAssertEqual(renewed.status, 0, renewed.stderr)
        XCTAssertEqual(cluster.tokens.count, tokensBefore + 1, renewed.stderr)
        let fresh = try XCTUnwrap(cluster.tokens.last)
        let joins = cluster.lines("lab-node3", starting: "kubeadm join")
        XCTAssertEqual(joins.count, 2)
        XCTAssertTrue(joins[1].contains("--token \(fresh) "), joins[1])
        XCTAssertNotEqual(fresh, kept)
    }

    // MARK: Set-up

    private func makeCluster(_ lab: Lab, workers: Int) throws -> Cluster {
        let work = try FleetBinary.temporaryDirectory()
        try TestDoubles.install(into: work)
        let hosts = Array(lab.hosts().prefix(4))
        XCTAssertEqual(hosts.map(\.name), ["lab-master", "lab-node1", "lab-node2", "lab-node3"])
        for host in hosts {
            try TestDoubles.seedFreshNode(at: work.appendingPathComponent("root/\(host.name)"), centos: host.name == "lab-node2")
        }
        let cluster = Cluster(work: work, inventory: work.appendingPathComponent("inventory.yml"), hosts: hosts)
        try writeInventory(cluster, lab: lab, workers: workers)
        return cluster
    }

    /// The shipped inventory's variables with the mirrors of the seeds, the lab's hosts, and
    /// the two test hooks.
    private func writeInventory(_ cluster: Cluster, lab: Lab, workers: Int) throws {
        func line(_ host: LabHost) -> String {
            "      \(host.name): { address: \(host.address), port: \(host.port), vars: { root_prefix: \(cluster.work.path)/root/\(host.name) } }\n"
        }
        var text = """
            defaults: { user: \(lab.user), key: "\(lab.keyPath.path)", known_hosts: "\(lab.knownHostsPath.path)" }
            vars:
              k8s_version: 1.28.2
              pod_cidr: 10.244.0.0/16
              service_cidr: 10.96.0.0/12
              cni: calico
              kube_proxy_mode: iptables
              image_repository: registry.aliyuncs.com/google_containers
              pause_version: "3.9"
              apt_mirror: https://mirrors.aliyun.com/docker-ce/linux
              yum_mirror: https://mirrors.aliyun.com/docker-ce/linux
              k8s_repo_base: https://mirrors.aliyun.com/kubernetes-new/core/stable
              calico_manifest_url: https://example.invalid/calico.yaml
              flannel_manifest_url: https://example.invalid/kube-flannel.yml
              container_runtime_endpoint: unix:///var/run/containerd/containerd.sock
              package_family: auto
              flush_iptables_on_reset: false
              path_prefix: "\(cluster.work.path)/bin:"
            groups:
              masters:
                hosts:

            """
        text += line(cluster.hosts[0])
        text += "  workers:\n    hosts:\n"
        for host in cluster.hosts[1...workers] { text += line(host) }
        try text.write(to: cluster.inventory, atomically: true, encoding: .utf8)
    }

    /// Makes the kept capture `name` expired, as 23 hours later would.
    private func expire(_ name: String, stateOf inventory: URL) throws {
        let path = inventory.deletingLastPathComponent().appendingPathComponent(".fleet/state.json")
        var state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        var captures = try XCTUnwrap(state["captures"] as? [[String: Any]])
        XCTAssertTrue(captures.contains { $0["name"] as? String == name })
        for index in captures.indices where captures[index]["name"] as? String == name {
            captures[index]["expiresAt"] = "2000-01-01T00:00:00.000Z"
        }
        state["captures"] = captures
        try JSONSerialization.data(withJSONObject: state, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
    }

    /// The block prepare.yml keeps in /etc/hosts: every node of the inventory, masters first.
    static func nodesBlock(_ hosts: some Sequence<LabHost>) -> String {
        "# BEGIN fleet k8s nodes\n" + hosts.map { "\($0.address) \($0.name)\n" }.joined() + "# END fleet k8s nodes\n"
    }

    /// The CHANGED column of the recap's `total` line.
    static func changedTotal(_ output: String) throws -> Int {
        let total = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("total ") })
        let columns = total.split(separator: " ")
        return try XCTUnwrap(Int(columns[2]))
    }
}
