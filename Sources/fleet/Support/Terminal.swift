import FleetCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the streams fleet writes to are connected to, and how to paint on them.
enum Terminal {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static func isTTY(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Columns of the terminal on `descriptor`, nil when it is not one.
    static func width(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Colours for `descriptor` under `mode` (see `ColorMode`).
    static func palette(_ mode: ColorMode, for descriptor: Int32) -> Palette {
        Palette(colored: mode.enabled(isTTY: isTTY(descriptor), environment: environment))
    }

    /// Whether stderr can show a view redrawn in place: a terminal that understands cursor
    /// movement, and not a CI job (whose "terminal" is a log that keeps every frame).
    static var supportsLiveView: Bool {
        let environment = environment
        return isTTY(STDERR_FILENO) && !ColorMode.isDumb(environment) && (environment["CI"] ?? "").isEmpty
    }

    static func writeError(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
