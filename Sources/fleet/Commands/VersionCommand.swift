import ArgumentParser

/// `fleet version`: prints the version, for bug reports.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print fleet's version.")
    static let version = "0.1.0"

    func run() {
        print("fleet \(Self.version)")
    }
}
