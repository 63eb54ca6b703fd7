import FleetTestSupport
import Foundation
import XCTest

/// The outside tools the report tests check fleet's output with: headless Chromium (the HTML
/// report as a browser renders it) and Python's `jsonschema` (events against
/// `Docs/events.schema.json`). Both come from apt through `scripts/setup.sh`.
enum ReportTools {
    /// The repository's `Docs/` folder.
    static var docs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs")
    }

    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tool arguments...`, feeding `input` on stdin.
    static func run(_ tool: String, _ arguments: [String], input: String = "") throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read stderr and write stdin beside reading stdout, so no pipe fills up and blocks.
        let errorData = Box()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorData.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        let bytes = Data(input.utf8)
        DispatchQueue.global().async(group: group) {
            stdin.fileHandleForWriting.write(bytes)
            try? stdin.fileHandleForWriting.close()
        }
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                        stderr: String(decoding: errorData.data, as: UTF8.self))
    }

    /// Checks every line of `jsonLines` against the schema; returns one message per invalid
    /// line (empty when all are valid).
    static func schemaErrors(_ jsonLines: String) throws -> [String] {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for number, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                errors = list(validator.iter_errors(json.loads(line)))
                if errors:
                    best = jsonschema.exceptions.best_match(errors)
                    print(f"line {number}: {best.message} at {list(best.absolute_path)}: {line.strip()[:300]}")
            """
        let result = try run("python3", ["-c", script, docs.appendingPathComponent("events.schema.json").path], input: jsonLines)
        if result.status != 0 { return ["python3 jsonschema failed (status \(result.status)): \(result.stderr)"] }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The DOM of `page` after Chromium loaded it and ran its script (which must not fail).
    static func renderedDOM(_ page: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(chromium, chromiumFlags + ["--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let scriptErrors = result.stderr.split(separator: "\n").filter { $0.contains("Uncaught") }
        XCTAssertEqual(scriptErrors, [], "the page's script failed", file: file, line: line)
        return result.stdout
    }

    /// A screenshot of `page` in a 1400×900 window, written to `png`.
    static func screenshot(_ page: URL, to png: URL, height: Int = 900) throws {
        let result = try run(chromium, chromiumFlags + ["--hide-scrollbars", "--screenshot=\(png.path)",
                                                        "--window-size=1400,\(height)", page.absoluteString])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), result.stderr)
    }

    /// The browser's profile folder, one per test run, removed when the run exits.
    private static let chromiumProfile = ScratchFolder.reserve(prefix: "fleet-report-chromium")

    private static let chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                        "--disable-extensions", "--user-data-dir=\(chromiumProfile.path)"]

    private static var chromium: String {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let found = try? run("which", [name]), found.status == 0 { return name }
        }
        XCTFail("chromium is not installed: run scripts/setup.sh (apt package chromium)")
        return "chromium"
    }

    private final class Box: @unchecked Sendable { var data = Data() }

    /// The number of times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
