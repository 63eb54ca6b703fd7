import XCTest
import FleetCore

/// `SecretRedactor`: masks every occurrence, longest first, and leaves short strings alone.
final class TemplateSecretRedactorTests: XCTestCase {
    func testMasksEveryOccurrence() {
        let redactor = SecretRedactor(secrets: ["abc.0123456789abcdef"])
        XCTAssertEqual(redactor.redact("kubeadm join 10.0.0.1:6443 --token abc.0123456789abcdef\nagain abc.0123456789abcdef"),
                       "kubeadm join 10.0.0.1:6443 --token ••••\nagain ••••")
    }

    func testLongestSecretIsMaskedWhole() {
        // Inserted shortest first: a naive pass would leave "••••5678" behind.
        let redactor = SecretRedactor(secrets: ["1234", "12345678"])
        XCTAssertEqual(redactor.secrets, ["12345678", "1234"])
        XCTAssertEqual(redactor.redact("a=12345678 b=1234"), "a=•••• b=••••")
    }

    func testShortSecretsAreIgnored() {
        var redactor = SecretRedactor()
        redactor.insert("ok")
        redactor.insert("abc")
        redactor.insert("")
        XCTAssertTrue(redactor.secrets.isEmpty)
        XCTAssertEqual(redactor.redact("ok abc"), "ok abc")
    }

    func testQuotedFormIsMaskedToo() throws {
        let secret = "hunter 2's key"
        let redactor = SecretRedactor(secrets: [secret])
        let command = try Template(parsing: "login --password {{ p | quote }}", location: nil)
            .render(in: DictionaryScope(["p": .string(secret)]))
        XCTAssertEqual(redactor.redact(command), "login --password ••••")
        XCTAssertFalse(redactor.redact(command).contains("hunter"))
    }

    func testTextWithoutSecretsIsUnchanged() {
        let redactor = SecretRedactor(secrets: ["topsecret"])
        XCTAssertEqual(redactor.redact("nothing to hide ünïcode"), "nothing to hide ünïcode")
    }
}
