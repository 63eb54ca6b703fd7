import Foundation

/// The layout of `.fleet/state.json`: `{"version": 1, "captures": [...], "runs": [...]}`.
///
/// Dates are ISO 8601 with milliseconds (`EventTime`, as in event logs), keys sorted, so the
/// file reads well and diffs cleanly (a date read back is therefore rounded to the millisecond,
/// far finer than any TTL). Reading also takes whole seconds and UTC offsets (a hand edit).
/// The version comes first when decoding: a file from a newer fleet is refused whole rather than
/// half-read, so an older fleet never rewrites it without the fields it did not know.
enum StateFileFormat {
    static let version = 1

    private struct Contents: Codable {
        var version: Int
        var captures: [KeptCapture]
        var runs: [RunRecord]
    }

    private struct Header: Decodable {
        var version: Int
    }

    static func encode(_ snapshot: StateSnapshot) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(EventTime.string(date))
        }
        var data = try encoder.encode(Contents(version: version, captures: snapshot.captures, runs: snapshot.runs))
        data.append(0x0A)
        return data
    }

    /// - Throws: `StateError.corrupt` or `.newerVersion`, naming `path`.
    static func decode(_ data: Data, path: String) throws -> StateSnapshot {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = EventTime.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        do {
            let header = try decoder.decode(Header.self, from: data)
            guard header.version <= version else {
                throw StateError.newerVersion(path: path, found: header.version, supported: version)
            }
            guard header.version >= 1 else { throw StateError.corrupt(path: path, reason: "unknown version \(header.version)") }
            let contents = try decoder.decode(Contents.self, from: data)
            return StateSnapshot(captures: contents.captures, runs: contents.runs)
        } catch let error as StateError {
            throw error
        } catch let error as DecodingError {
            throw StateError.corrupt(path: path, reason: describe(error))
        } catch {
            throw StateError.corrupt(path: path, reason: error.localizedDescription)
        }
    }

    /// A short, human reason for a decoding failure: which field, what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value\(at(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"\(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type\(at(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }
}
