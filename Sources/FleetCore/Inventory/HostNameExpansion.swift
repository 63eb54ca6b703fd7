/// Expands the host part of an Ansible inventory entry: `web[1:3]`, `db[01:10:2]`, `node[a:c]`,
/// and an optional `:port` suffix (`web1:2222`).
///
/// Shared by the INI and the YAML readers, since Ansible accepts the same syntax in both.
enum HostNameExpansion {
    struct Result: Equatable {
        var names: [String]
        var port: Int?
    }

    /// - Parameters:
    ///   - token: the entry as written.
    ///   - location: where the entry starts, so errors can point inside it.
    static func expand(_ token: String, at location: SourceLocation) throws -> Result {
        var pattern = token
        var port: Int?
        let colons = colonIndicesOutsideBrackets(token)
        if colons.count == 1 {
            let suffix = token[token.index(after: colons[0])...]
            if !suffix.isEmpty, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber) {
                guard let value = Int(suffix), (1...65535).contains(value) else {
                    throw InputError("port in '\(token)' must be 1-65535", at: location)
                }
                port = value
                pattern = String(token[..<colons[0]])
            }
        }
        guard !pattern.isEmpty else { throw InputError("missing host name in '\(token)'", at: location) }
        return Result(names: try expandRanges(Substring(pattern), offset: 0, token: token, at: location), port: port)
    }

    private static func colonIndicesOutsideBrackets(_ text: String) -> [String.Index] {
        var depth = 0
        var found: [String.Index] = []
        for index in text.indices {
            switch text[index] {
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case ":" where depth == 0: found.append(index)
            default: break
            }
        }
        return found
    }

    /// Expands the first `[start:end(:step)]` in `text` and recurses on the rest.
    /// `offset` is how far `text` starts into `token`, for error columns.
    private static func expandRanges(
        _ text: Substring, offset: Int, token: String, at location: SourceLocation
    ) throws -> [String] {
        guard let open = text.firstIndex(of: "[") else { return [String(text)] }
        let openColumn = offset + text.distance(from: text.startIndex, to: open)
        let here = SourceLocation(file: location.file, line: location.line, column: location.column + openColumn)
        guard let close = text[open...].firstIndex(of: "]") else {
            if text[open...].contains(":") {
                throw InputError("host range in '\(token)' is missing ']'", at: here)
            }
            return [String(text)]
        }
        let body = text[text.index(after: open)..<close]
        guard body.contains(":") else {
            // Brackets without a colon are part of the name, as in Ansible.
            let head = String(text[...close])
            let restOffset = offset + text.distance(from: text.startIndex, to: close) + 1
            return try expandRanges(text[text.index(after: close)...], offset: restOffset, token: token, at: location)
                .map { head + $0 }
        }
        let prefix = String(text[..<open])
        let values = try rangeValues(String(body), token: token, at: here)
        let restOffset = offset + text.distance(from: text.startIndex, to: close) + 1
        let tails = try expandRanges(text[text.index(after: close)...], offset: restOffset, token: token, at: location)
        return values.flatMap { value in tails.map { prefix + value + $0 } }
    }

    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    private static func rangeValues(_ body: String, token: String, at location: SourceLocation) throws -> [String] {
        func fail(_ problem: String) -> InputError {
            InputError("invalid host range '[\(body)]' in '\(token)': \(problem)", at: location,
                       hint: "write [start:end] or [start:end:step], e.g. node[1:3], node[01:10], node[a:c]")
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { throw fail("expected start:end or start:end:step") }
        let start = parts[0].isEmpty ? "0" : parts[0]
        let end = parts[1]
        guard !end.isEmpty else { throw fail("missing end") }
        var step = 1
        if parts.count == 3 {
            guard let s = Int(parts[2]), s > 0 else { throw fail("step must be a positive whole number") }
            step = s
        }

        if let first = Int(start), let last = Int(end), start.allSatisfy(\.isNumber), end.allSatisfy(\.isNumber) {
            guard first <= last else { throw fail("start is greater than end") }
            let width = start.hasPrefix("0") && start.count > 1 ? start.count : 0
            if width > 0, end.count != width {
                throw fail("zero-padded start and end must have the same number of digits")
            }
            return stride(from: first, through: last, by: step).map { number in
                let digits = String(number)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
        }
        if start.count == 1, end.count == 1,
           let first = letters.firstIndex(of: start.first!), let last = letters.firstIndex(of: end.first!) {
            guard first <= last else { throw fail("start is greater than end") }
            return stride(from: first, through: last, by: step).map { String(letters[$0]) }
        }
        throw fail("start and end must both be numbers or both single letters")
    }
}
