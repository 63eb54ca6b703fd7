import Foundation

/// Ctrl-C (SIGINT) and SIGTERM (`kill`, a service manager, a CI job's timeout) cancel the work
/// instead of killing the process: running commands then get a hangup on their hosts (the SSH
/// layer sends it over each channel; a killed process would only drop the connection, and sshd
/// leaves a command without a terminal running), state is written and a half-fetched file is
/// dropped. A second signal is ignored until the work ends.
enum Interrupt {
    /// Handles both signals until the returned sources are cancelled.
    /// - Parameter what: what is cancelled, for the line on stderr ("running tasks").
    static func onSignal(cancelling what: String, _ action: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [(SIGINT, "Ctrl-C"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\ninterrupting (\(name)): cancelling \(what)…\n".utf8))
                action()
            }
            source.resume()
            return source
        }
    }
}
