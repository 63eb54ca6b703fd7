/// The guard keywords `creates`, `removes` and `unless`, checked in one round trip.
///
/// Each guard prints a marker when it says "skip"; a final marker proves the check ran to
/// the end (sudo or the shell failing first would otherwise look like "no guard fired").
/// The `unless` command runs through its own `sh -c` with its text quoted, so nothing in it
/// (comments, newlines, unbalanced operators) can change the surrounding check.
enum GuardCheck {
    static let marker = "fleet-guard:"

    static func command(creates: String?, removes: String?, unless: String?) -> String {
        var lines: [String] = []
        if let creates { lines.append("test -e \(ShellQuoting.quote(creates)) && echo \(marker)creates") }
        if let removes { lines.append("test -e \(ShellQuoting.quote(removes)) || echo \(marker)removes") }
        if let unless { lines.append("sh -c \(ShellQuoting.quote(unless)) </dev/null >/dev/null 2>&1 && echo \(marker)unless") }
        lines.append("echo \(marker)done")
        return lines.joined(separator: "\n")
    }

    static func skipReason(creates: String?, removes: String?, unless: String?, context: ActionContext) async throws -> String? {
        guard creates != nil || removes != nil || unless != nil else { return nil }
        let text = command(creates: creates, removes: removes, unless: unless)
        let result = try await context.connection.run(context.remote(text))
        let markers = Set(result.stdoutText.split(separator: "\n").map { String($0) }.filter { $0.hasPrefix(marker) }
            .map { String($0.dropFirst(marker.count)) })
        guard markers.contains("done") else {
            throw ActionError.unexpectedReply(what: "the creates/removes/unless check",
                                              output: result.stderrText.isEmpty ? result.statusText : result.stderrText,
                                              host: context.host.name)
        }
        if let creates, markers.contains("creates") { return "creates \(creates) exists" }
        if let removes, markers.contains("removes") { return "removes \(removes) is absent" }
        if unless != nil, markers.contains("unless") { return "unless command succeeded" }
        return nil
    }
}
