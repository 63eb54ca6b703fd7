import Foundation

/// The keeper's shared state: its sessions, who is connected, and when it last worked.
actor Keeper {
    let pool = HostPool()
    let started = Date()
    /// Seconds without a client after which the keeper closes everything and exits; each
    /// client's `--persist` replaces it, so the latest run decides.
    private(set) var persist: Double
    private var clients = 0
    private var lastActivity = Date()
    private(set) var stopRequested = false

    init(persist: Double) {
        self.persist = persist
    }

    func clientArrived(persist: Double) {
        clients += 1
        self.persist = persist
        lastActivity = Date()
    }

    func clientLeft() {
        clients -= 1
        lastActivity = Date()
    }

    func requestStop() {
        stopRequested = true
    }

    var shouldExit: Bool {
        stopRequested || (clients == 0 && Date().timeIntervalSince(lastActivity) > persist)
    }

    func status() async -> KeeperStatus {
        KeeperStatus(pid: getpid(), build: KeeperBuild.current, persist: persist, clients: clients,
                     hosts: await pool.status())
    }
}
