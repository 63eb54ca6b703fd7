/// A place in a user's file, printed the way compilers do (`file:line:column`).
///
/// Every error about an inventory or a playbook carries one, so that the person who
/// wrote the file can jump straight to the mistake.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
