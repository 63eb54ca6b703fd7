import Foundation

/// The stand-in commands of `Doubles/` (kubeadm, kubectl, systemctl, the package managers),
/// linked into a test's work folder so the Kubernetes playbooks find them first on PATH
/// through their `path_prefix` variable.
enum TestDoubles {
    /// Makes WORK/bin hold one link per stand-in command, all to `Doubles/double.sh`, which
    /// then logs to WORK/log/HOST.log and keeps its state under WORK/root/HOST.
    /// - Returns: the `path_prefix` value that puts them first (`WORK/bin:`).
    @discardableResult
    static func install(into work: URL) throws -> String {
        let fileManager = FileManager.default
        let bin = work.appendingPathComponent("bin")
        try fileManager.createDirectory(at: bin, withIntermediateDirectories: true)
        let doubles = PlaybookFiles.url("Tests/FleetCLITests/Doubles")
        for name in try fileManager.contentsOfDirectory(atPath: doubles.appendingPathComponent("bin").path) {
            try fileManager.createSymbolicLink(at: bin.appendingPathComponent(name),
                                               withDestinationURL: doubles.appendingPathComponent("double.sh"))
        }
        return bin.path + ":"
    }

    /// Gives ROOT (a host's `root_prefix`) the files of a freshly installed node: Debian, or
    /// CentOS with SELinux enforcing and firewalld enabled; swap on and in fstab; an
    /// /etc/hosts with localhost only.
    static func seedFreshNode(at root: URL, centos: Bool) throws {
        let fileManager = FileManager.default
        for folder in ["etc/selinux", "etc/yum.repos.d", "proc"] {
            try fileManager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try (centos ? "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n" : "ID=debian\nVERSION_CODENAME=bookworm\n")
            .write(to: root.appendingPathComponent("etc/os-release"), atomically: true, encoding: .utf8)
        try "127.0.0.1 localhost\n".write(to: root.appendingPathComponent("etc/hosts"), atomically: true, encoding: .utf8)
        try "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n"
            .write(to: root.appendingPathComponent("etc/fstab"), atomically: true, encoding: .utf8)
        try "Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n"
            .write(to: root.appendingPathComponent("proc/swaps"), atomically: true, encoding: .utf8)
        if centos {
            try "SELINUX=enforcing\n".write(to: root.appendingPathComponent("etc/selinux/config"), atomically: true, encoding: .utf8)
            let enabled = root.appendingPathComponent("var/lib/fleet-doubles/enabled")
            try fileManager.createDirectory(at: enabled, withIntermediateDirectories: true)
            fileManager.createFile(atPath: enabled.appendingPathComponent("firewalld").path, contents: Data())
        }
    }
}
