import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One variable of this process's environment, read as it is now.
///
/// `ProcessInfo.processInfo.environment` copies the whole environment into a new dictionary
/// on every call; read per host and per command, that was a few percent of a 200-host run's
/// CPU. `getenv` reads the one variable in place.
public enum EnvironmentVariable {
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
