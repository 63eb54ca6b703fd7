import Foundation
import Yams

/// Reads playbook nodes out of a `YAMLFile`, turning every shape mistake into an `InputError`
/// at the offending key or value.
///
/// `PlaybookParser` is the public entry; this type carries the file (and its text, needed to
/// find where block scalars start) through the play, task and action readers, which live in
/// extensions, one file each.
struct PlaybookReader {
    let file: YAMLFile
    /// The playbook's lines, to locate the first line of `|` and `>` block scalars.
    let lines: [Substring]

    init(file: YAMLFile, text: String) {
        self.file = file
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The entries of a mapping whose keys must all be in `allowed`.
    ///
    /// Unlike `YAMLFile.strictMapping`, a misspelt key gets a "did you mean" in the message,
    /// since playbook keywords are many and easy to mistype.
    func strictMapping(_ node: Node, what: String, allowed: [String]) throws -> [(key: String, keyNode: Node, value: Node)] {
        let entries = try file.mapping(node, what: what)
        for entry in entries where !allowed.contains(entry.key) {
            let suggestion = NameSuggestion.closest(to: entry.key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw file.error("unknown key '\(entry.key)' in \(what)\(suggestion)", at: entry.keyNode,
                             hint: "valid keys: \(allowed.joined(separator: ", "))")
        }
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.key).inserted {
            throw file.error("'\(entry.key)' is given twice in \(what)", at: entry.keyNode)
        }
        return entries
    }

    /// Where the text of a scalar starts: after the quote of a quoted scalar, on the first
    /// content line of a block scalar, so template errors point at the right character.
    func textLocation(of node: Node) -> SourceLocation {
        var location = file.location(of: node)
        switch node.scalar?.style {
        case .singleQuoted?, .doubleQuoted?:
            location.column += 1
        case .literal?, .folded?:
            var line = location.line + 1
            while line <= lines.count, lines[line - 1].allSatisfy({ $0 == " " }) { line += 1 }
            if line <= lines.count {
                location.line = line
                location.column = lines[line - 1].prefix { $0 == " " }.count + 1
            }
        default:
            break
        }
        return location
    }
}
