/// Writes host lists compactly: `k8s-node1, k8s-node2, k8s-node3, web` → `k8s-node[1-3], web`.
///
/// Names that differ only in a trailing number are folded into ranges (keeping zero padding);
/// everything else is listed as is, in the given order of first appearance.
public enum HostRangeFormatter {
    public static func format(_ hosts: [String]) -> String {
        var order: [String] = []
        var numbers: [String: [(value: Int, text: String)]] = [:]
        var plain: Set<String> = []
        for host in hosts {
            let digits = host.reversed().prefix(while: \.isNumber)
            if digits.isEmpty || digits.count == host.count {
                if !plain.contains(host) { order.append(host); plain.insert(host) }
                continue
            }
            let text = String(digits.reversed())
            let prefix = String(host.dropLast(text.count))
            let key = "\u{0}" + prefix
            if numbers[key] == nil { order.append(key); numbers[key] = [] }
            numbers[key]!.append((Int(text) ?? 0, text))
        }
        return order.map { key -> String in
            guard key.hasPrefix("\u{0}"), let items = numbers[key] else { return key }
            let prefix = String(key.dropFirst())
            if items.count == 1 { return prefix + items[0].text }
            return prefix + "[" + ranges(items) + "]"
        }.joined(separator: ", ")
    }

    /// `01`→`02` and `9`→`10` continue a range; `9`→`010` does not.
    private static func samePadding(_ a: String, _ b: String) -> Bool {
        a.count == b.count || (!a.hasPrefix("0") && !b.hasPrefix("0"))
    }

    private static func ranges(_ items: [(value: Int, text: String)]) -> String {
        let sorted = items.sorted { $0.value < $1.value }
        var parts: [String] = []
        var start = sorted[0]
        var end = sorted[0]
        for item in sorted.dropFirst() {
            if item.value == end.value + 1 && samePadding(item.text, end.text) {
                end = item
            } else {
                parts.append(start.value == end.value ? start.text : "\(start.text)-\(end.text)")
                start = item
                end = item
            }
        }
        parts.append(start.value == end.value ? start.text : "\(start.text)-\(end.text)")
        return parts.joined(separator: ",")
    }
}
