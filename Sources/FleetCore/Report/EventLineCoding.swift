import Foundation

/// Turns `EventLine`s into JSON text lines and back, with the key and date conventions of
/// the format: snake_case keys (`run_id`, `stdout_excerpt`), times as `EventTime` strings.
public enum EventLineCoding {
    /// One line of JSON, without the newline.
    public static func encode(_ line: EventLine) -> String {
        EventLineWriter.text(line)
    }

    /// Reads one line back.
    public static func decode(_ text: String) throws -> EventLine {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in CamelKey(snake: path.last!.stringValue) }
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = EventTime.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        return try decoder.decode(EventLine.self, from: Data(text.utf8))
    }

    /// Reads a whole `run.jsonl`, skipping empty lines.
    /// - Throws: `EventLogError` naming the file and line that could not be read.
    public static func decodeLines(_ text: String, file: String) throws -> [EventLine] {
        var lines: [EventLine] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                lines.append(try decode(String(line)))
            } catch {
                throw EventLogError(file: file, line: index + 1, reason: Self.reason(error))
            }
        }
        return lines
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        default: return error.localizedDescription
        }
    }

    /// `run_id` → `runID`, `stdout_excerpt` → `stdoutExcerpt`: the inverse of
    /// `.convertToSnakeCase` for this format's keys (Foundation's own inverse gives `runId`).
    private struct CamelKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(snake: String) {
            let words = snake.split(separator: "_")
            stringValue = words.enumerated().map { index, word in
                if index == 0 { return String(word) }
                return word == "id" ? "ID" : word.prefix(1).uppercased() + word.dropFirst()
            }.joined()
        }

        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A `run.jsonl` line that is not an event this fleet can read.
public struct EventLogError: LocalizedError, Sendable {
    public var file: String
    public var line: Int
    public var reason: String

    public var errorDescription: String? { "\(file):\(line): error: not a fleet event: \(reason)" }
}
