import Foundation

/// Writes an `Encodable` value as one line of JSON with the event format's conventions: keys
/// in snake_case and sorted, slashes not escaped, `Date`s as `EventTime` strings, non-finite
/// numbers as the strings `inf`, `-inf` and `nan`.
///
/// Why not `JSONEncoder` with those settings: every event of a run is written through here
/// (the run's journal, and `--json`), and Foundation's encoder, which converts each key anew
/// and boxes every value in a tree of its own, was a tenth of the controller's CPU in a
/// 20-host playbook run. The output is the same, byte for byte; `EventJSONEncoderTests`
/// compares the two on every kind of event.
struct EventJSONEncoder {
    func encode<T: Encodable>(_ value: T) throws -> String {
        var text = ""
        JSONText.write(try JSONNode.of(value, codingPath: []), to: &text)
        return text
    }
}

/// A value on its way to JSON text. Objects and arrays are classes so that the containers an
/// `Encodable` asks for (several keyed containers of one encoder share one object) can fill
/// them in place.
enum JSONNode {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case object(JSONObject)
    case array(JSONArray)
    /// What a `superEncoder()` is given, read when the text is written.
    case later(NodeEncoder)

    /// `value` as a node, with the format's fast paths for the plain types events are made of.
    static func of<T: Encodable>(_ value: T, codingPath: [CodingKey]) throws -> JSONNode {
        // Comparing types is cheaper than casting, and most fields are one of these.
        if T.self == String.self { return .string(value as! String) }
        if T.self == Date.self { return .string(EventTime.string(value as! Date)) }
        if T.self == [String].self { return .array(JSONArray((value as! [String]).map { .string($0) })) }
        if T.self == Int.self { return .number(String(value as! Int)) }
        if T.self == Double.self { return number(value as! Double) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        let encoder = NodeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.node
    }

    static func number(_ value: Double) -> JSONNode {
        if value.isNaN { return .string("nan") }
        if value.isInfinite { return .string(value < 0 ? "-inf" : "inf") }
        return .number(trimmedWholeNumber(value.description))
    }

    static func number(_ value: Float) -> JSONNode {
        if value.isNaN { return .string("nan") }
        if value.isInfinite { return .string(value < 0 ? "-inf" : "inf") }
        return .number(trimmedWholeNumber(value.description))
    }

    /// `2.0` is written `2`, as `JSONEncoder` does.
    private static func trimmedWholeNumber(_ text: String) -> String {
        text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

final class JSONObject {
    var fields: [String: JSONNode] = [:]
}

final class JSONArray {
    var items: [JSONNode]

    init(_ items: [JSONNode] = []) { self.items = items }
}

/// The `Encoder` that builds a `JSONNode`.
final class NodeEncoder: Encoder {
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private var object: JSONObject?
    private var array: JSONArray?
    fileprivate var single: JSONNode?

    init(codingPath: [CodingKey]) {
        self.codingPath = codingPath
    }

    /// What was encoded; an encoder that was given nothing writes `{}`, as `JSONEncoder` does
    /// for a nested value.
    var node: JSONNode {
        if let object { return .object(object) }
        if let array { return .array(array) }
        return single ?? .object(JSONObject())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let target = object ?? JSONObject()
        object = target
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(object: target, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let target = array ?? JSONArray()
        array = target
        return UnkeyedNodeContainer(array: target, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleNodeContainer(encoder: self)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: JSONObject
    let codingPath: [CodingKey]

    private func set(_ node: JSONNode, _ key: Key) {
        object.fields[SnakeCase.convert(key.stringValue)] = node
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(JSONNode.number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(JSONNode.number(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(String(value)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try JSONNode.of(value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObject()
        set(.object(nested), key)
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let nested = JSONArray()
        set(.array(nested), key)
        return UnkeyedNodeContainer(array: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        let encoder = NodeEncoder(codingPath: codingPath + [key])
        set(.later(encoder), key)
        return encoder
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let array: JSONArray
    let codingPath: [CodingKey]
    var count: Int { array.items.count }

    private func append(_ node: JSONNode) { array.items.append(node) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(JSONNode.number(value)) }
    mutating func encode(_ value: Float) throws { append(JSONNode.number(value)) }
    mutating func encode(_ value: Int) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { append(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try JSONNode.of(value, codingPath: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObject()
        let path = codingPath + [IndexKey(count)]
        append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let nested = JSONArray()
        let path = codingPath + [IndexKey(count)]
        append(.array(nested))
        return UnkeyedNodeContainer(array: nested, codingPath: path)
    }

    mutating func superEncoder() -> Encoder {
        let encoder = NodeEncoder(codingPath: codingPath + [IndexKey(count)])
        append(.later(encoder))
        return encoder
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [CodingKey] { encoder.codingPath }

    private func set(_ node: JSONNode) { encoder.single = node }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(JSONNode.number(value)) }
    mutating func encode(_ value: Float) throws { set(JSONNode.number(value)) }
    mutating func encode(_ value: Int) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try JSONNode.of(value, codingPath: codingPath))
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
