import Foundation

/// An Ansible host pattern such as `workers:&cluster:!k8s-node2` or `web*,db[0]`.
///
/// Parts are separated by `,` or `:` (a `:` inside brackets or an IPv6 `::` does not split).
/// A part prefixed with `&` intersects, with `!` excludes, otherwise it adds. Like Ansible, all
/// additions apply first, then intersections, then exclusions, whatever the written order; a
/// pattern of only `&`/`!` parts starts from `all`.
struct HostPattern {
    enum Operation {
        case union, intersection, exclusion
    }

    struct Part {
        var operation: Operation
        var text: String
    }

    let source: String
    let parts: [Part]

    init(_ source: String) {
        self.source = source
        self.parts = Self.split(source).map { text in
            if text.hasPrefix("&") { return Part(operation: .intersection, text: String(text.dropFirst())) }
            if text.hasPrefix("!") { return Part(operation: .exclusion, text: String(text.dropFirst())) }
            return Part(operation: .union, text: text)
        }
    }

    /// The selected hosts in inventory order.
    /// - Parameter location: where the pattern was written (a play's `hosts:`), if anywhere.
    func select(in inventory: Inventory, at location: SourceLocation? = nil) throws -> [Host] {
        guard !parts.isEmpty else {
            throw InputError("empty host pattern", at: location, hint: Self.knownGroupsHint(inventory))
        }
        var selected = Set<String>()
        let unions = parts.filter { $0.operation == .union }
        if unions.isEmpty { selected = Set(inventory.hosts.map(\.name)) }
        for part in unions { selected.formUnion(try hosts(matching: part, in: inventory, at: location)) }
        for part in parts where part.operation == .intersection {
            selected.formIntersection(try hosts(matching: part, in: inventory, at: location))
        }
        for part in parts where part.operation == .exclusion {
            selected.subtract(try hosts(matching: part, in: inventory, at: location))
        }
        return inventory.hosts.filter { selected.contains($0.name) }
    }

    // MARK: - Splitting

    private static func split(_ source: String) -> [String] {
        source.split(separator: ",").flatMap { piece -> [String] in
            let text = String(piece)
            if text.contains("::") { return [text] }   // an IPv6 address, not a list
            var result: [String] = []
            var current = ""
            var depth = 0
            for char in text {
                switch char {
                case "[": depth += 1
                case "]": depth = max(0, depth - 1)
                case ":" where depth == 0:
                    result.append(current)
                    current = ""
                    continue
                default: break
                }
                current.append(char)
            }
            result.append(current)
            return result
        }
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
    }

    // MARK: - One part

    private func hosts(matching part: Part, in inventory: Inventory, at location: SourceLocation?) throws -> Set<String> {
        let (body, slice) = Self.subscripted(part.text)
        var names = try Self.match(body, in: inventory, at: location)
        if let slice { names = slice.apply(to: names) }
        guard !names.isEmpty else {
            var message = parts.count > 1 ? "'\(part.text)' in host pattern '\(source)'" : "host pattern '\(source)'"
            if let empty = inventory.groupMembers[body], empty.isEmpty, slice == nil {
                message += " names group '\(body)', which has no hosts"
            } else {
                message += " matches no host"
            }
            throw InputError(message, at: location, hint: Self.knownGroupsHint(inventory))
        }
        return Set(names)
    }

    /// Host names a part selects, in inventory order (subscripts count in that order).
    private static func match(_ body: String, in inventory: Inventory, at location: SourceLocation?) throws -> [String] {
        let allNames = inventory.hosts.map(\.name)
        if body == "all" || body == "*" { return allNames }
        if let members = inventory.groupMembers[body] { return members }

        let matchesName: (String) -> Bool
        if body.hasPrefix("~") {
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: String(body.dropFirst()))
            } catch {
                throw InputError("invalid regular expression in host pattern: '\(body)'", at: location)
            }
            matchesName = { name in
                regex.firstMatch(in: name, options: .anchored, range: NSRange(name.startIndex..., in: name)) != nil
            }
        } else {
            let glob = Glob(body)
            matchesName = glob.matches
        }
        var found = Set<String>()
        let groups = inventory.groupNames.filter(matchesName)
        for group in groups { found.formUnion(inventory.groupMembers[group] ?? []) }
        if groups.isEmpty || body.hasPrefix("~") || Glob.hasWildcards(body) || body.contains(".") {
            found.formUnion(allNames.filter(matchesName))
        }
        return allNames.filter { found.contains($0) }
    }

    private static func knownGroupsHint(_ inventory: Inventory) -> String {
        "known groups: " + (["all"] + inventory.groupNames).joined(separator: ", ")
    }

    // MARK: - Subscripts

    /// `[i]`, `[-i]`, `[a:b]` (inclusive), `[a:]` after a pattern, as Ansible reads them.
    struct Subscript: Equatable {
        var start: Int
        var end: Int?
        var isRange: Bool

        func apply(to names: [String]) -> [String] {
            let count = names.count
            var first = start < 0 ? count + start : start
            guard first >= 0, first < count else { return [] }
            guard isRange else { return [names[first]] }
            let last = min(end ?? count - 1, count - 1)
            first = max(first, 0)
            return first <= last ? Array(names[first...last]) : []
        }
    }

    static func subscripted(_ text: String) -> (String, Subscript?) {
        guard !text.hasPrefix("~"), text.hasSuffix("]"), let open = text.lastIndex(of: "["), open != text.startIndex else {
            return (text, nil)
        }
        let base = String(text[..<open])
        let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
        if let index = Int(inside), inside.allSatisfy({ $0.isNumber || $0 == "-" }) {
            return (base, Subscript(start: index, end: nil, isRange: false))
        }
        guard let separator = inside.firstIndex(where: { $0 == ":" || $0 == "-" }) else { return (text, nil) }
        let startText = inside[..<separator]
        let endText = inside[inside.index(after: separator)...]
        guard let start = Int(startText), startText.allSatisfy(\.isNumber),
              endText.isEmpty || (endText.allSatisfy(\.isNumber) && Int(endText) != nil) else {
            return (text, nil)
        }
        return (base, Subscript(start: start, end: Int(endText), isRange: true))
    }
}
