import Foundation

/// Turns a task's stdout into the one value `capture:` keeps.
///
/// With a regex: the first group of the first match (or the whole match when the pattern has
/// no group); `^` and `$` match at line ends, because the value sought is usually one line of
/// a longer output. Without one: stdout, trimmed. A value that is empty, or a regex that does
/// not match, is an error: an empty join token passed on silently is how clusters end up half
/// joined (KubeKey #2581).
enum CaptureExtractor {
    struct Failure: Error, Sendable {
        var message: String
    }

    static func value(of spec: CaptureSpec, stdout: String) -> Result<String, Failure> {
        guard let pattern = spec.regex else {
            let value = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty
                ? .failure(Failure(message: "capture '\(spec.name)': the command printed nothing to capture"))
                : .success(value)
        }
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
            return .failure(Failure(message: "capture '\(spec.name)': invalid regex '\(pattern)'"))
        }
        let range = NSRange(stdout.startIndex..., in: stdout)
        guard let match = regex.firstMatch(in: stdout, range: range) else {
            return .failure(Failure(message: "capture '\(spec.name)': regex '\(pattern)' matched nothing in the output"))
        }
        let groupRange = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
        let value = Range(groupRange, in: stdout).map { String(stdout[$0]) } ?? ""
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(Failure(message: "capture '\(spec.name)': regex '\(pattern)' matched an empty value"))
        }
        return .success(value)
    }
}
