import Foundation

/// Property names as the event format writes them: `runID` → `run_id`, `stdoutExcerpt` →
/// `stdout_excerpt`, the rule of `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`.
/// Each name is converted once per process: events repeat the same few dozen keys.
enum SnakeCase {
    static func convert(_ name: String) -> String {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let known = cache[name] { return known }
        let converted = words(of: name).joined(separator: "_")
        cache[name] = converted
        return converted
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: String] = [:]

    /// Splits before an upper-case letter that follows a lower-case one, and before the last
    /// capital of a run of capitals that a lower-case letter follows (`myURLProperty` →
    /// `my`, `url`, `property`); words are lower-cased.
    private static func words(of name: String) -> [String] {
        let characters = Array(name)
        guard characters.count > 1 else { return [name] }
        var words: [String] = []
        var start = 0
        var index = 1
        while index < characters.count {
            guard characters[index].isUppercase else { index += 1; continue }
            words.append(String(characters[start..<index]))
            guard let lower = characters[index...].firstIndex(where: { $0.isLowercase }) else {
                start = index
                index = characters.count
                break
            }
            if lower == index + 1 {
                start = index
            } else {
                words.append(String(characters[index..<(lower - 1)]))
                start = lower - 1
            }
            index = lower + 1
        }
        words.append(String(characters[start...]))
        return words.map { $0.lowercased() }
    }
}
