import Foundation

extension Action {
    /// The action as written in the playbook, on one line (`shell: systemctl restart {{ svc }}`):
    /// what the report shows for a task without rendering it, so no value of the run is in it.
    var summary: String {
        func join(_ parts: [(String, String?)]) -> String {
            parts.compactMap { key, value in value.map { "\(key)=\($0)" } }.joined(separator: " ")
        }
        let text: String
        switch self {
        case .shell(let command):
            text = command.source
        case .command(let words):
            text = words.map(\.source).joined(separator: " ")
        case .script(let path, let args):
            text = path.source + (args.map { " " + $0.source } ?? "")
        case .copy(let spec), .template(let spec):
            text = join([("src", spec.src?.source), ("content", spec.content.map { _ in "…" }), ("dest", spec.dest.source),
                         ("mode", spec.mode), ("owner", spec.owner?.source)])
        case .fetch(let src, let dest):
            text = join([("src", src.source), ("dest", dest.source)])
        case .waitFor(let spec):
            text = join([("port", spec.port.map(String.init)), ("host", spec.host?.source), ("path", spec.path?.source),
                         ("command", spec.command?.source), ("timeout", String(format: "%gs", spec.timeout))])
        }
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return "\(keyword): " + (line.count > 300 ? String(line.prefix(300)) + "…" : line)
    }
}
