import Foundation

/// Where the time axis of the report's timeline gets its labels: about eight round steps
/// (1, 2 or 5 times a power of ten seconds) across the run's span.
enum TimelineAxis {
    static func ticks(span: Double, aim: Int = 8) -> [Double] {
        guard span > 0 else { return [0] }
        let raw = span / Double(aim)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        // Counted in whole steps, then rounded to a millionth, so 3 × 0.2 reads 0.6.
        return (0...Int((span / step).rounded(.down))).map { (Double($0) * step * 1e6).rounded() / 1e6 }
    }
}
