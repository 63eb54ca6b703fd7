/// Maps `items` concurrently with at most `limit` bodies running at once, keeping order.
///
/// The way fleet runs "the same thing on every host up to --forks at a time": a new body
/// starts as soon as one finishes, so a slow host never holds a slot it does not use.
public func boundedParallelMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func launch() {
            let index = next
            let item = items[index]
            next += 1
            group.addTask { (index, await body(item)) }
        }
        while next < items.count && next < max(1, limit) { launch() }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count { launch() }
        }
        return results.map { $0! }
    }
}
