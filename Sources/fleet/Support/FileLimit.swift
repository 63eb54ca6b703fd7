import Foundation

/// Raises the open-file limit toward its hard limit before anything connects.
///
/// Every host in flight holds a socket (and libssh2, Dispatch and the event writer a few more
/// descriptors), so `--forks 500` needs more than the 1024 many systems give a process by
/// default. Raising the soft limit up to the hard one needs no privilege; when even that fails,
/// fleet says so once instead of letting hosts fail later with "too many open files".
enum FileLimit {
    /// What happened to the limit, for the warning and for tests.
    enum Outcome: Equatable {
        case unchanged(soft: UInt64)
        case raised(from: UInt64, to: UInt64)
        case failed(soft: UInt64, wanted: UInt64, reason: String)
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit; prints a warning on stderr when it cannot.
    @discardableResult
    static func raiseTowardHardLimit() -> Outcome {
        let outcome = raise()
        if case .failed(let soft, let wanted, let reason) = outcome {
            Console.error("fleet: warning: cannot raise the open-file limit from \(soft) to \(wanted) (\(reason)); "
                + "with more than about \(max(Int(soft) - 32, 1)) hosts at once, connections may fail")
        }
        return outcome
    }

    private static func raise() -> Outcome {
        var limit = rlimit()
        guard getrlimit(resourceKind, &limit) == 0 else {
            return .failed(soft: 0, wanted: 0, reason: String(cString: strerror(errno)))
        }
        let soft = UInt64(limit.rlim_cur)
        let wanted = UInt64(ceiling(hard: limit.rlim_max))
        guard soft < wanted else { return .unchanged(soft: soft) }
        limit.rlim_cur = rlim_t(wanted)
        guard setrlimit(resourceKind, &limit) == 0 else {
            return .failed(soft: soft, wanted: wanted, reason: String(cString: strerror(errno)))
        }
        return .raised(from: soft, to: wanted)
    }

    /// macOS refuses a soft limit above OPEN_MAX even when the hard limit is unlimited.
    private static func ceiling(hard: rlim_t) -> rlim_t {
        #if canImport(Darwin)
        return min(hard, rlim_t(OPEN_MAX))
        #else
        return hard
        #endif
    }

    #if canImport(Darwin)
    private static let resourceKind = RLIMIT_NOFILE
    #else
    private static let resourceKind = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #endif
}
