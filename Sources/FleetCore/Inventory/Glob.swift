/// Shell-style wildcard matching (`*`, `?`, `[abc]`, `[a-z]`, `[!abc]`) on whole names, as
/// Python's `fnmatch` does for Ansible host patterns.
struct Glob {
    private let pattern: [Character]

    init(_ pattern: String) {
        self.pattern = Array(pattern)
    }

    /// Whether a pattern contains anything besides literal characters.
    static func hasWildcards(_ text: String) -> Bool {
        text.contains { "*?[".contains($0) }
    }

    func matches(_ name: String) -> Bool {
        Self.match(pattern[...], Array(name)[...])
    }

    /// Backtracking on `*`: tries every split; names and patterns are short.
    private static func match(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        guard let head = pattern.first else { return name.isEmpty }
        switch head {
        case "*":
            let rest = pattern.dropFirst()
            var candidate = name
            while true {
                if match(rest, candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        case "?":
            return !name.isEmpty && match(pattern.dropFirst(), name.dropFirst())
        case "[":
            if let (matcher, rest) = characterClass(pattern) {
                guard let char = name.first, matcher(char) else { return false }
                return match(rest, name.dropFirst())
            }
            fallthrough
        default:
            return name.first == head && match(pattern.dropFirst(), name.dropFirst())
        }
    }

    /// Parses `[...]` at the start of `pattern`; nil when it is not closed (then `[` is literal).
    private static func characterClass(
        _ pattern: ArraySlice<Character>
    ) -> ((Character) -> Bool, ArraySlice<Character>)? {
        var index = pattern.index(after: pattern.startIndex)
        var negated = false
        if index < pattern.endIndex, pattern[index] == "!" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while index < pattern.endIndex {
            let char = pattern[index]
            if char == "]" && !first {
                let set = ranges
                return ({ c in set.contains { $0.contains(c) } != negated }, pattern[(index + 1)...])
            }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]", char <= pattern[index + 2] {
                ranges.append(char...pattern[index + 2])
                index += 3
            } else {
                ranges.append(char...char)
                index += 1
            }
        }
        return nil
    }
}
