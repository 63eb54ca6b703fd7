import Foundation

/// `fleet state`'s output, as a table for people or JSON for scripts.
///
/// ```
/// HOST        NAME          VALUE          TASK                  AGE    EXPIRY
/// k8s-master  api_address   10.0.0.1:6443  kubeadm join command  1h 1m  never
/// k8s-master  join_command  ••••           kubeadm join command  1h 1m  expires in 22h 59m
///
/// PLAYBOOK                            FINISHED   FAILED     UNREACHABLE
/// /home/me/playbooks/k8s/cluster.yml  2h 3m ago  k8s-node2  -
/// ```
///
/// Secret values never appear in either form: they are replaced by `••••` here, the one place
/// captures are rendered, rather than trusted to each caller.
public enum StateListing {
    /// Longest value the table shows; longer ones end in `…` (the JSON has them whole).
    public static let valueWidth = 60

    public static func render(_ snapshot: StateSnapshot, now: Date = Date()) -> String {
        var sections: [String] = []
        if snapshot.captures.isEmpty {
            sections.append("No captures kept for this inventory.\n")
        } else {
            var table = TextTable("HOST", "NAME", "VALUE", "TASK", "AGE", "EXPIRY")
            for capture in snapshot.captures {
                table.add(
                    capture.host, capture.name, shownValue(capture), capture.task,
                    DurationText.format(capture.age(at: now)), expiry(of: capture, now: now))
            }
            sections.append(table.render())
        }
        if !snapshot.runs.isEmpty {
            var table = TextTable("PLAYBOOK", "FINISHED", "FAILED", "UNREACHABLE")
            for run in snapshot.runs {
                table.add(
                    run.playbook, DurationText.format(now.timeIntervalSince(run.finishedAt)) + " ago",
                    hostList(run.failedHosts), hostList(run.unreachableHosts))
            }
            sections.append(table.render())
        }
        return sections.joined(separator: "\n")
    }

    /// One JSON object `{"captures": [...], "runs": [...]}`; secret values are `"••••"` with `"secret": true`.
    public static func json(_ snapshot: StateSnapshot, now: Date = Date()) -> String {
        let captures = snapshot.captures.map { capture -> VariableValue in
            .map([
                "host": .string(capture.host),
                "name": .string(capture.name),
                "value": .string(capture.secret ? SecretRedactor.mask : capture.value),
                "secret": .bool(capture.secret),
                "task": .string(capture.task),
                "playbook": .string(capture.playbook),
                "capturedAt": .string(timestamp(capture.capturedAt)),
                "expiresAt": capture.expiresAt.map { .string(timestamp($0)) } ?? .null,
                "ageSeconds": .int(Int(capture.age(at: now).rounded(.down))),
                "expired": .bool(capture.isExpired(at: now)),
            ])
        }
        let runs = snapshot.runs.map { run -> VariableValue in
            .map([
                "runID": .string(run.runID),
                "playbook": .string(run.playbook),
                "startedAt": .string(timestamp(run.startedAt)),
                "finishedAt": .string(timestamp(run.finishedAt)),
                "failedHosts": .list(run.failedHosts.map(VariableValue.string)),
                "unreachableHosts": .list(run.unreachableHosts.map(VariableValue.string)),
                "okHosts": .list(run.okHosts.map(VariableValue.string)),
            ])
        }
        return InventoryJSON.text(of: .map(["captures": .list(captures), "runs": .list(runs)]), indent: "") + "\n"
    }

    /// `expires in 22h 59m`, `EXPIRED 3m ago` or `never`.
    public static func expiry(of capture: KeptCapture, now: Date = Date()) -> String {
        guard let expiresAt = capture.expiresAt else { return "never" }
        let left = expiresAt.timeIntervalSince(now)
        return capture.isExpired(at: now)
            ? "EXPIRED \(DurationText.format(-left)) ago"
            : "expires in \(DurationText.format(left))"
    }

    /// The value as the table shows it: masked when secret, else on one line and at most `valueWidth` characters.
    static func shownValue(_ capture: KeptCapture) -> String {
        if capture.secret { return SecretRedactor.mask }
        let oneLine = capture.value.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "\\n"
            case "\t": return "\\t"
            case let c where c.value < 0x20 || c.value == 0x7F: return "?"
            default: return String(scalar)
            }
        }.joined()
        guard oneLine.count > valueWidth else { return oneLine.isEmpty ? "\"\"" : oneLine }
        return String(oneLine.prefix(valueWidth - 1)) + "…"
    }

    private static func hostList(_ hosts: [String]) -> String {
        hosts.isEmpty ? "-" : hosts.joined(separator: ",")
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
