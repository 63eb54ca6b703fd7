/// The keeper protocol's binary form: the few primitive shapes its messages are made of.
///
/// Every task of a kept run is a request and a reply, so encoding sits on the path of every
/// task in two processes. `JSONEncoder` and `JSONDecoder` spent a quarter of both processes' CPU
/// on a 20-host run; writing fields in a fixed order costs a small fraction of that.
///
/// Integers are LEB128 varints (signed ones zigzagged first), doubles their IEEE bits in 8
/// little-endian bytes, strings and byte strings a varint length and then the bytes, an optional
/// a 0/1 byte and then the value.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func unsigned(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func int(_ value: Int) {
        let wide = Int64(value)
        unsigned(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    mutating func bool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func double(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { data($0) }
    }

    mutating func data<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        unsigned(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout WireWriter, Value) -> Void) {
        guard let value else { return bool(false) }
        bool(true)
        write(&self, value)
    }

    mutating func array<Element>(_ values: [Element], _ write: (inout WireWriter, Element) -> Void) {
        unsigned(UInt64(values.count))
        for value in values { write(&self, value) }
    }
}

/// Reads what `WireWriter` wrote, checking every length against what is left: a frame that
/// is short, too long or malformed is an error, never a crash or a read past its end.
struct WireReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Fails unless every byte was used: trailing bytes mean the peer wrote another shape.
    func finish() throws {
        guard offset == bytes.count else { throw Malformed(description: "\(bytes.count - offset) bytes left over") }
    }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Malformed(description: "frame ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64, shift < 63 || next <= 1 else { throw Malformed(description: "varint too long") }
            value |= UInt64(next & 0x7f) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func int() throws -> Int {
        let raw = try unsigned()
        let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        guard let int = Int(exactly: value) else { throw Malformed(description: "integer out of range") }
        return int
    }

    mutating func int32() throws -> Int32 {
        guard let value = Int32(exactly: try int()) else { throw Malformed(description: "integer out of range") }
        return value
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let other: throw Malformed(description: "\(other) is not a boolean")
        }
    }

    mutating func double() throws -> Double {
        var bits: UInt64 = 0
        for index in 0..<8 {
            bits |= UInt64(try byte()) << (8 * UInt64(index))
        }
        return Double(bitPattern: bits)
    }

    mutating func data() throws -> [UInt8] {
        Array(try slice())
    }

    mutating func string() throws -> String {
        let raw = try slice()
        guard let string = String(validating: raw, as: UTF8.self) else { throw Malformed(description: "text is not UTF-8") }
        return string
    }

    private mutating func slice() throws -> ArraySlice<UInt8> {
        let raw = try unsigned()
        guard raw <= UInt64(bytes.count - offset) else { throw Malformed(description: "length \(raw) beyond the frame") }
        let count = Int(raw)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func optional<Value>(_ read: (inout WireReader) throws -> Value) throws -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func array<Element>(_ read: (inout WireReader) throws -> Element) throws -> [Element] {
        let count = try unsigned()
        // Every element takes at least one byte: a count beyond what is left is malformed,
        // and must not reserve memory for it.
        guard count <= UInt64(bytes.count - offset) else { throw Malformed(description: "count \(count) beyond the frame") }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count { elements.append(try read(&self)) }
        return elements
    }
}
