import Foundation

/// Reads Ansible's INI inventory format unchanged:
///
/// ```ini
/// bastion ansible_host=10.0.0.1      # before any section: ungrouped
/// [workers]
/// node[1:3] ansible_user=ubuntu
/// [workers:vars]
/// node_role=worker
/// [cluster:children]
/// workers
/// ```
///
/// Values written on a host line are read as literals (numbers, `True`/`False`, quoted
/// strings); values in a `:vars` section stay strings, as Ansible documents.
struct AnsibleINIInventoryParser {
    let path: String
    let text: String

    private enum Section {
        case hosts(String)
        case children(String)
        case vars(String)
    }

    func parse() throws -> InventoryDraft {
        var draft = InventoryDraft(path: path, collectsUngrouped: true)
        var section = Section.hosts("ungrouped")
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let line = String(rawLine)
            let lineNumber = index + 1
            let body = line.trimmingCharacters(in: .whitespaces)
            if body.isEmpty || body.hasPrefix("#") || body.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            func location(_ column: Int) -> SourceLocation {
                SourceLocation(file: path, line: lineNumber, column: column)
            }

            if body.hasPrefix("[") {
                section = try readHeader(body, at: location, indent: indent)
                switch section {
                case .hosts(let name), .children(let name), .vars(let name):
                    draft.declareGroup(name, at: location(indent + 2))
                }
                continue
            }
            switch section {
            case .hosts(let group):
                try readHostLine(line, group: group, lineNumber: lineNumber, into: &draft)
            case .children(let group):
                let tokens = try INITokenizer.tokens(of: line, file: path, lineNumber: lineNumber)
                guard tokens.count == 1 else {
                    throw InputError("expected one group name per line in [\(group):children], found '\(body)'",
                                     at: location(indent + 1))
                }
                draft.addChild(tokens[0].text, to: group, at: location(tokens[0].column))
            case .vars(let group):
                try readVariableLine(line, group: group, lineNumber: lineNumber, into: &draft)
            }
        }
        return draft
    }

    /// `[name]`, `[name:children]` or `[name:vars]`, optionally followed by a comment.
    private func readHeader(_ body: String, at location: (Int) -> SourceLocation, indent: Int) throws -> Section {
        guard let close = body.firstIndex(of: "]") else {
            throw InputError("section header '\(body)' is missing ']'", at: location(indent + 1))
        }
        let after = body[body.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard after.isEmpty || after.hasPrefix("#") || after.hasPrefix(";") else {
            throw InputError("unexpected text after section header: '\(after)'", at: location(indent + body.distance(from: body.startIndex, to: close) + 2))
        }
        let inner = body[body.index(after: body.startIndex)..<close]
        let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw InputError("invalid group name '\(name)' in section header", at: location(indent + 2),
                             hint: "group names are single words, e.g. [workers]")
        }
        guard parts.count == 2 else { return .hosts(name) }
        switch parts[1] {
        case "children": return .children(name)
        case "vars": return .vars(name)
        default:
            throw InputError("unknown section type ':\(parts[1])' in [\(inner)]", at: location(indent + 2 + name.count),
                             hint: "sections are [group], [group:children] and [group:vars]")
        }
    }

    /// `host[range][:port] key=value ...`
    private func readHostLine(_ line: String, group: String, lineNumber: Int, into draft: inout InventoryDraft) throws {
        let tokens = try INITokenizer.tokens(of: line, file: path, lineNumber: lineNumber)
        guard let first = tokens.first else { return }
        func location(_ column: Int) -> SourceLocation {
            SourceLocation(file: path, line: lineNumber, column: column)
        }
        if first.text.contains("=") {
            throw InputError("expected a host name, found '\(first.text)'", at: location(first.column),
                             hint: "variables for a group go in a [\(group == "ungrouped" ? "all" : group):vars] section")
        }
        let expansion = try HostNameExpansion.expand(first.text, at: location(first.column))
        let memberOf: String? = group == "ungrouped" ? nil : group
        for name in expansion.names {
            draft.declareHost(name, in: memberOf, at: location(first.column))
            if let port = expansion.port {
                try draft.setSetting(.port, to: .int(port), key: "port", in: .host(name), at: location(first.column))
            }
            for token in tokens.dropFirst() {
                guard let equals = token.text.firstIndex(of: "="), equals != token.text.startIndex else {
                    throw InputError("expected key=value after host '\(first.text)', found '\(token.text)'",
                                     at: location(token.column))
                }
                let key = String(token.text[..<equals])
                let raw = String(token.text[token.text.index(after: equals)...])
                let value = ConnectionField.forVariable(key) == nil ? Self.literal(raw, quoted: token.quoted) : .string(raw)
                try draft.setVariable(key, to: value, in: .host(name), at: location(token.column + key.count + 1))
            }
        }
    }

    /// `key = value` in a `[group:vars]` section; the value is a string.
    private func readVariableLine(_ line: String, group: String, lineNumber: Int, into draft: inout InventoryDraft) throws {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        guard let equals = line.firstIndex(of: "=") else {
            throw InputError("expected key=value in [\(group):vars], found '\(line.trimmingCharacters(in: .whitespaces))'",
                             at: SourceLocation(file: path, line: lineNumber, column: indent + 1))
        }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !key.contains(where: \.isWhitespace) else {
            throw InputError("invalid variable name '\(key)' in [\(group):vars]",
                             at: SourceLocation(file: path, line: lineNumber, column: indent + 1))
        }
        let afterEquals = line[line.index(after: equals)...]
        let valueColumn = line.distance(from: line.startIndex, to: equals) + 2 + afterEquals.prefix { $0 == " " || $0 == "\t" }.count
        let value = Self.unquoted(afterEquals.trimmingCharacters(in: .whitespaces))
        try draft.setVariable(key, to: .string(value), in: .group(group),
                              at: SourceLocation(file: path, line: lineNumber, column: valueColumn))
    }

    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// A host-line value read the way Ansible's literal evaluation would: whole and decimal
    /// numbers, `True`/`False`, `None`; anything else (and anything quoted) is a string.
    static func literal(_ text: String, quoted: Bool) -> VariableValue {
        if quoted { return .string(text) }
        if let int = Int(text) { return .int(int) }
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let double = Double(text),
           text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) {
            return .double(double)
        }
        switch text {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .null
        default: return .string(text)
        }
    }
}
