import Foundation

/// One line of `--json` output and of `run.jsonl`: a run event in its envelope.
///
/// The envelope is the same for every event: `schema` (the format's version, bumped only
/// when a field changes meaning or disappears), `type` (`host_result`, …), `time` (when
/// the event was told) and `run_id`. The event's own fields follow at the same level, in
/// snake_case. `Docs/events.md` documents each type; `Docs/events.schema.json` checks a line.
public struct EventLine: Sendable, Hashable {
    /// The version written in `schema`.
    public static let schemaVersion = 1

    public var time: Date
    public var runID: String
    public var event: RunEvent

    public init(time: Date, runID: String, event: RunEvent) {
        self.time = time
        self.runID = runID
        self.event = event
    }

    /// The `type` of `event`.
    public static func type(of event: RunEvent) -> String {
        switch event {
        case .runStart: return "run_start"
        case .playStart: return "play_start"
        case .taskStart: return "task_start"
        case .hostResult: return "host_result"
        case .capture: return "capture"
        case .keptValue: return "kept_value"
        case .recap: return "recap"
        case .runEnd: return "run_end"
        }
    }
}

extension EventLine: Codable {
    private enum EnvelopeKeys: String, CodingKey {
        case schema, type, time, runID, changed
    }

    public func encode(to encoder: Encoder) throws {
        var envelope = encoder.container(keyedBy: EnvelopeKeys.self)
        try envelope.encode(Self.schemaVersion, forKey: .schema)
        try envelope.encode(Self.type(of: event), forKey: .type)
        try envelope.encode(time, forKey: .time)
        switch event {
        // These carry `run_id` themselves.
        case .runStart(let start): try start.encode(to: encoder)
        case .recap(let recap): try recap.encode(to: encoder)
        case .runEnd(let end): try end.encode(to: encoder)
        case .playStart(let play):
            try envelope.encode(runID, forKey: .runID)
            try play.encode(to: encoder)
        case .taskStart(let task):
            try envelope.encode(runID, forKey: .runID)
            try task.encode(to: encoder)
        case .hostResult(let result):
            try envelope.encode(runID, forKey: .runID)
            try envelope.encode(result.status == .changed, forKey: .changed)
            try result.encode(to: encoder)
        case .capture(let capture):
            try envelope.encode(runID, forKey: .runID)
            try capture.encode(to: encoder)
        case .keptValue(let note):
            try envelope.encode(runID, forKey: .runID)
            try note.encode(to: encoder)
        }
    }

    public init(from decoder: Decoder) throws {
        let envelope = try decoder.container(keyedBy: EnvelopeKeys.self)
        let schema = try envelope.decode(Int.self, forKey: .schema)
        guard schema <= Self.schemaVersion else {
            throw DecodingError.dataCorruptedError(forKey: .schema, in: envelope,
                                                   debugDescription: "schema \(schema) is newer than this fleet reads (\(Self.schemaVersion))")
        }
        time = try envelope.decode(Date.self, forKey: .time)
        runID = try envelope.decode(String.self, forKey: .runID)
        let type = try envelope.decode(String.self, forKey: .type)
        switch type {
        case "run_start": event = .runStart(try .init(from: decoder))
        case "play_start": event = .playStart(try .init(from: decoder))
        case "task_start": event = .taskStart(try .init(from: decoder))
        case "host_result": event = .hostResult(try .init(from: decoder))
        case "capture": event = .capture(try .init(from: decoder))
        case "kept_value": event = .keptValue(try .init(from: decoder))
        case "recap": event = .recap(try .init(from: decoder))
        case "run_end": event = .runEnd(try .init(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: envelope, debugDescription: "unknown event type '\(type)'")
        }
    }
}
