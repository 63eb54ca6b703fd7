import ArgumentParser
import FleetConnect
import FleetCore
import Foundation

/// `fleet run PLAYBOOK -i INV`: runs a playbook; progress lines on stderr, the recap on stdout.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a playbook on the hosts of an inventory.",
        discussion: """
            Exit code: 0 all ok, 2 some host failed a task, 4 some host unreachable (6 both), \
            64 usage, 65 invalid inventory or playbook (nothing was run), 130 interrupted.
            """)

    @Argument(help: "The playbook file.")
    var playbook: String

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var keep: PersistOption

    @OptionGroup(title: "Output") var verbosity: TerminalVerbosityOptions

    @OptionGroup(title: "Output") var colors: TerminalColorOptions

    @Option(help: "Only hosts matching this pattern (intersected with every play's hosts).")
    var limit: String?

    @Option(help: "Hosts per batch for every play: N, N%, or a list like 1,50% (the last size repeats).")
    var serial: String?

    @Flag(help: "Change nothing: print each host's rendered commands, with placeholders for values not yet captured.")
    var check = false

    @Option(name: .customLong("start-at-task"), help: "Skip every task before the first task with this name.")
    var startAtTask: String?

    @Flag(name: .customLong("retry-failed"), help: "Only the hosts that failed or were unreachable in the last run of this playbook.")
    var retryFailed = false

    @Flag(name: .customLong("no-pipelining"),
          help: "Wait for each task's answer before sending a host its next command (by default plain commands of a free play are sent ahead).")
    var noPipelining = false

    @Option(name: [.customShort("e"), .customLong("extra-vars")],
            help: "A variable as key=value (highest precedence); a value starting with { or [ is read as JSON.")
    var extraVars: [String] = []

    @Flag(help: "Print the run's events as JSON Lines on stdout (see Docs/events.md); the recap goes to stderr.")
    var json = false

    @Option(help: ArgumentHelp("Write a self-contained HTML report: recap, timeline per host, captures.", valueName: "file.html"))
    var report: String?

    func validate() throws {
        if let serial, Self.batchSizes(serial) == nil {
            throw ValidationError("--serial must be a number, a percentage like 30%, or a list like 1,50%")
        }
    }

    func run() async throws {
        let options = try runOptions()
        let loadedInventory: Inventory
        let loadedPlaybook: Playbook
        let state: StateStore
        do {
            loadedInventory = try Inventory.load(path: connection.inventory)
            loadedPlaybook = try PlaybookParser.load(path: playbook)
            state = try StateStore.open(inventoryPath: connection.inventory)
        } catch {
            Console.error((error as? LocalizedError)?.errorDescription ?? "\(error)")
            throw ExitCode(FleetExitCode.invalidInput)
        }
        defer { state.close() }
        let transport = keep.transport(options: connection.sshOptions, taskRunner: true)
        var outputs = RunOutputs.progress(verbosity: verbosity.verbosity, color: colors.color,
                                          folder: FileManager.default.currentDirectoryPath)
        if json { outputs.sinks.append(JSONLinesSink.standardOutput()) }
        let recorder = report.map { _ in EventRecorder() }
        if let recorder { outputs.sinks.append(recorder) }
        let engine = PlaybookRun(playbook: loadedPlaybook, inventory: loadedInventory, transport: transport, options: options,
                                 sink: outputs, state: state)
        let running = Task { try await engine.run() }
        let interrupt = Interrupt.onSignal(cancelling: "running tasks") { running.cancel() }
        defer { interrupt.forEach { $0.cancel() } }
        let summary: PlaybookRun.Summary
        do {
            summary = try await running.value
        } catch let error as RunSetupError {
            outputs.finish()
            await transport.shutdown()
            Console.error(error.errorDescription ?? "\(error)")
            throw ExitCode(FleetExitCode.invalidInput)
        }
        outputs.finish()
        await transport.shutdown()
        if let report, let recorder {
            do {
                try HTMLReportFile.write(recorder.lines, to: report)
                outputs.reportPath = report
            } catch {
                Console.error((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        // With --json, stdout carries events only.
        let recap = outputs.recapText(summary.recap, color: colors.color)
        if json { Console.error(recap) } else { Console.out(recap) }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    private func runOptions() throws -> RunOptions {
        let variables: [String: VariableValue]
        do {
            variables = try ExtraVariables.parse(extraVars)
        } catch let error as InputError {
            throw ValidationError(error.message)
        }
        return RunOptions(limit: limit, serial: serial.flatMap(Self.batchSizes), forks: connection.forks, extraVars: variables,
                          checkMode: check, startAtTask: startAtTask, retryFailed: retryFailed,
                          pipelining: !noPipelining)
    }

    /// `3`, `30%`, `1,50%`.
    static func batchSizes(_ text: String) -> [BatchSize]? {
        let sizes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.map { item -> BatchSize? in
            if item.hasSuffix("%"), let percent = Double(item.dropLast()), percent > 0, percent <= 100 { return .percent(percent) }
            if let count = Int(item), count > 0 { return .count(count) }
            return nil
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else { return nil }
        return sizes.compactMap { $0 }
    }
}
