import ArgumentParser
import FleetCore

extension ColorMode: ExpressibleByArgument {}

/// `--color auto|always|never`, shared by every command that colours its output.
struct TerminalColorOptions: ParsableArguments {
    @Option(help: "Colour: auto (only on a terminal, TERM not dumb, NO_COLOR unset), always, or never.")
    var color: ColorMode = .auto
}

/// `-v`, `-vv` and `-q` for commands that report progress.
struct TerminalVerbosityOptions: ParsableArguments {
    @Flag(name: .short, help: "Show each task's output (-vv: also what ran).")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Show only failures and the recap.")
    var quiet = false

    var verbosity: Verbosity { Verbosity(verboseCount: verbose, quiet: quiet) }
}
