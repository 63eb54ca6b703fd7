import Foundation
import XCTest
@testable import FleetCore

/// The event lines' own JSON writer gives, byte for byte, what `JSONEncoder` gives with the
/// format's settings, for every kind of event and the awkward values (escapes, non-finite and
/// whole-number durations, absent optionals); and the samples set every field there is.
final class ReportEventLineWriterTests: XCTestCase {
    /// `JSONEncoder` configured as the format was first written with.
    private func reference(_ line: EventLine) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(EventTime.string(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }

    private static let awkward = "tab\there \"quoted\" back\\slash /path/ bell\u{07} nul\u{00} del\u{7F} é ✓ 🚀\r\n\u{1F}\u{0C}\u{08}"

    private static func result(duration: Double, rc: Int32?, message: String?, started: Date?) -> RunEvent.HostResult {
        RunEvent.HostResult(host: "node-1", play: "Play \(awkward)", task: "task/1", status: .changed, rc: rc,
                            duration: duration, commands: ["echo a", awkward], stdoutExcerpt: awkward,
                            stderrExcerpt: "", message: message, ignored: rc == 3,
                            logPath: message == nil ? nil : "/logs/x/01-task", action: message.map { "shell: \($0)" },
                            started: started, ended: started?.addingTimeInterval(duration.isFinite ? duration : 0))
    }

    private static var events: [RunEvent] {
        let time = Date(timeIntervalSince1970: 1_790_000_000.123)
        var line = RunRecap.HostLine(host: "m1")
        line.ok = 3
        line.changed = 2
        line.duration = 1.5
        var whole = RunRecap.HostLine(host: "w\"2")
        whole.duration = 2
        return [
            .runStart(.init(runID: "20260101-000000-abcd", playbook: "/p/site.yml", hosts: ["m1", "w1"], checkMode: false,
                            logDirectory: "/l/x", inventory: "/i.yml")),
            .runStart(.init(runID: "r", playbook: "", hosts: [], checkMode: true, logDirectory: "", inventory: nil)),
            .playStart(.init(name: awkward, hosts: ["m1"], batch: 1, batches: 3)),
            .taskStart(.init(play: "p", task: awkward, hosts: [])),
            .hostResult(result(duration: 0.2871047258377075, rc: 0, message: "echo hi", started: time)),
            .hostResult(result(duration: 3, rc: nil, message: nil, started: nil)),
            .hostResult(result(duration: 1e-7, rc: -1, message: "", started: time)),
            .hostResult(result(duration: .infinity, rc: 3, message: awkward, started: time)),
            .hostResult(result(duration: -.infinity, rc: 127, message: nil, started: time)),
            .hostResult(result(duration: .nan, rc: 2, message: nil, started: nil)),
            .hostResult(result(duration: 123456789.5, rc: 1, message: nil, started: nil)),
            .capture(.init(host: "m1", name: "join_command", value: "••••", secret: true, expiresAt: time)),
            .capture(.init(host: "m1", name: "token", value: awkward, secret: false, expiresAt: nil)),
            .keptValue(.init(host: "m1", name: "token", source: .rerunExpired, task: "kubeadm init", reader: "w1")),
            .keptValue(.init(host: "m1", name: "token", source: .kept, task: "t", reader: "w2")),
            .recap(RunRecap(runID: "r", hosts: [line, whole], logDirectory: "/l", duration: 4.25)),
            .runEnd(.init(runID: "r", exitCode: 130, interrupted: true)),
        ]
    }

    func testEveryKindOfEventIsWrittenAsJSONEncoderWritesIt() throws {
        let time = Date(timeIntervalSince1970: 1_790_000_000.5)
        for event in Self.events {
            let line = EventLine(time: time, runID: "20260101-000000-abcd", event: event)
            XCTAssertEqual(EventLineCoding.encode(line), try reference(line))
        }
    }

    /// A field added to an event but to no sample here would go unchecked: every stored
    /// property of every event's payload must be set (not nil) in some sample.
    func testTheSamplesSetEveryFieldOfEveryEvent() {
        var fieldsOf: [String: Set<String>] = [:]
        var setIn: [String: Set<String>] = [:]
        for event in Self.events {
            guard let payload = Mirror(reflecting: event).children.first?.value else { continue }
            let type = String(describing: Swift.type(of: payload))
            for child in Mirror(reflecting: payload).children {
                guard let name = child.label else { continue }
                fieldsOf[type, default: []].insert(name)
                let value = Mirror(reflecting: child.value)
                if value.displayStyle != .optional || !value.children.isEmpty { setIn[type, default: []].insert(name) }
            }
        }
        XCTAssertEqual(fieldsOf.count, 8, "a kind of event has no sample")
        for (type, fields) in fieldsOf {
            XCTAssertEqual(setIn[type] ?? [], fields, "\(type): fields no sample sets")
        }
    }
}

/// Times and run IDs are written by hand; they must read as the formatters wrote them.
final class ReportEventTimeTests: XCTestCase {
    /// To the nearest millisecond; the whole seconds as `ISO8601FormatStyle` writes them.
    func testTimesAreWrittenToTheNearestMillisecondInISO8601() {
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        var seconds: [Double] = [0, 0.0004, 0.0005, 0.9995, 59.999_6, 951_782_400.5, 1_790_000_000.868, 4_102_444_799.999, -0.25, -86_400.001]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 { seconds.append(Double.random(in: 0...4_000_000_000, using: &generator)) }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
            let whole = Int64((Double(milliseconds) / 1000).rounded(.down))
            let fraction = Int(milliseconds - whole * 1000)
            let expected = String(Date(timeIntervalSince1970: Double(whole)).formatted(style).dropLast())
                + "." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction) + "Z"
            XCTAssertEqual(EventTime.string(date), expected, "\(value)")
            XCTAssertEqual(EventTime.string(EventTime.date(EventTime.string(date))!), EventTime.string(date), "\(value)")
        }
    }

    func testRunIDIsLocalTimeThenFourHexDigits() throws {
        let date = Date(timeIntervalSince1970: 1_790_000_000.7)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let id = RunLogs.newRunID(at: date)
        XCTAssertTrue(id.hasPrefix(formatter.string(from: date) + "-"), id)
        XCTAssertNotNil(id.range(of: #"^\d{8}-\d{6}-[0-9a-f]{4}$"#, options: .regularExpression), id)
    }

    func testDigitsPadToTheWidth() {
        XCTAssertEqual(Digits.padded(7, width: 2), "07")
        XCTAssertEqual(Digits.padded(123, width: 2), "123")
        XCTAssertEqual(Digits.padded(-5, width: 3), "-005")
        XCTAssertEqual(Digits.hex(UInt16(0x1f), width: 4), "001f")
        XCTAssertEqual(Digits.hex(UInt32.max, width: 8), "ffffffff")
    }
}

/// Durations on result lines are written without `String(format:)`, the same as `%.2f`.
final class ReportFixedDecimalsTests: XCTestCase {
    func testFixedDecimalsMatchPrintf() {
        var values: [Double] = [0, -0.0, 0.004, 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, 9.995, 59.999, 123456.789, -0.001, -2.5, 1e14, 1e20, .infinity, -.infinity, .nan]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Double.random(in: 0..<4000, using: &generator)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: 0..<100_000, using: &generator)) / 1000) }
        for value in values {
            for decimals in [0, 1, 2, 3] {
                XCTAssertEqual(Digits.fixed(value, decimals: decimals), String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
            }
        }
    }
}
