import XCTest

/// `fleet --version` and `fleet version` say the same, for bug reports.
final class VersionTests: XCTestCase {
    func testVersionFlagAndCommandAgree() throws {
        let flag = try FleetBinary.run(["--version"])
        let command = try FleetBinary.run(["version"])
        XCTAssertEqual(flag.status, 0, flag.stderr)
        XCTAssertEqual(command.status, 0, command.stderr)
        XCTAssertTrue(flag.stdout.hasPrefix("fleet "), flag.stdout)
        XCTAssertEqual(flag.stdout, command.stdout)
    }

    func testEverySubcommandKeepsItsName() throws {
        // The names are spelled out in each command's configuration: a typo there would
        // rename a command. The parent's help lists them, one per line, under SUBCOMMANDS.
        for (parent, names) in [("keeper", ["status", "stop", "serve"]), ("lab", ["up", "down", "status"]),
                                ("state", ["list", "forget"])] {
            let help = try FleetBinary.run([parent, "--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            let listed = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
            let firstWords = Set(listed.split(separator: "\n").compactMap { line -> String? in
                line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil
            })
            for name in names where name != "serve" {
                XCTAssertTrue(firstWords.contains(name), "\(parent) \(name) missing from: \(listed)")
            }
            // `keeper serve` is hidden from help; it must still answer to its name.
            if names.contains("serve") {
                XCTAssertEqual(try FleetBinary.run([parent, "serve", "--help"]).status, 0)
            }
        }
    }

    /// `fleet PARENT NAME --help` shows NAME's own help, even where the parent takes a required
    /// value (`state -i`) that is not given.
    func testEverySubcommandShowsItsOwnHelp() throws {
        for (parent, names) in [("keeper", ["status", "stop"]), ("lab", ["up", "down", "status"]),
                                ("state", ["list", "forget"])] {
            for name in names {
                let help = try FleetBinary.run([parent, name, "--help"])
                XCTAssertEqual(help.status, 0, help.stderr)
                XCTAssertTrue(help.stdout.contains("USAGE: fleet \(parent) \(name)"), "\(parent) \(name): \(help.stdout)")
            }
        }
    }

    /// Without `-i`, `fleet state` is a usage error (64) that names the option, as before the
    /// option became optional to the parser.
    func testStateWithoutAnInventorySaysWhatToPass() throws {
        for arguments in [["state"], ["state", "list"], ["state", "forget", "token"]] {
            let result = try FleetBinary.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stdout)")
            XCTAssertEqual(result.stdout, "")
            XCTAssertTrue(result.stderr.contains("Missing expected argument '-i, --inventory <inventory>'"), result.stderr)
            XCTAssertTrue(result.stderr.contains("Usage: fleet state"), "the usage line is not the state command's: \(result.stderr)")
        }
    }
}
