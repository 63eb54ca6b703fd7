import FleetSSH

/// The binary form of every keeper message (`WireBytes.swift` has the primitives).
///
/// A message is a tag byte, then its fields in declaration order. Adding, removing or
/// reordering a field or a case changes the form: raise `KeeperWire.protocolVersion` with it.
extension RequestFrame {
    func binary() -> [UInt8] {
        var writer = WireWriter(capacity: 128)
        writer.int(id)
        request.write(to: &writer)
        return writer.bytes
    }

    init(binary bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        self.init(id: try reader.int(), request: try KeeperRequest(from: &reader))
        try reader.finish()
    }
}

extension ReplyFrame {
    func binary() -> [UInt8] {
        var writer = WireWriter(capacity: 128)
        writer.int(id)
        reply.write(to: &writer)
        return writer.bytes
    }

    init(binary bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        self.init(id: try reader.int(), reply: try KeeperReply(from: &reader))
        try reader.finish()
    }
}

extension KeeperRequest {
    func write(to writer: inout WireWriter) {
        switch self {
        case .hello(let protocolVersion, let build, let persist):
            writer.byte(1)
            writer.int(protocolVersion)
            writer.string(build)
            writer.optional(persist) { $0.double($1) }
        case .open(let lease, let target, let options, let runner):
            writer.byte(2)
            writer.int(lease)
            target.write(to: &writer)
            options.write(to: &writer)
            writer.bool(runner)
        case .run(let lease, let command, let following):
            writer.byte(3)
            writer.int(lease)
            command.write(to: &writer)
            writer.array(following) { $1.write(to: &$0) }
        case .prepare(let lease):
            writer.byte(4)
            writer.int(lease)
        case .upload(let lease, let bytes, let path, let mode):
            writer.byte(5)
            writer.int(lease)
            writer.data(bytes)
            writer.string(path)
            writer.int(mode)
        case .uploadFile(let lease, let localPath, let path, let mode):
            writer.byte(6)
            writer.int(lease)
            writer.string(localPath)
            writer.string(path)
            writer.int(mode)
        case .download(let lease, let path):
            writer.byte(7)
            writer.int(lease)
            writer.string(path)
        case .cancel(let request):
            writer.byte(8)
            writer.int(request)
        case .status:
            writer.byte(9)
        case .stop:
            writer.byte(10)
        case .bye:
            writer.byte(11)
        case .downloadFile(let lease, let path, let localPath, let become):
            writer.byte(12)
            writer.int(lease)
            writer.string(path)
            writer.string(localPath)
            writer.bool(become)
        }
    }

    init(from reader: inout WireReader) throws {
        switch try reader.byte() {
        case 1:
            self = .hello(protocolVersion: try reader.int(), build: try reader.string(),
                          persist: try reader.optional { try $0.double() })
        case 2:
            self = .open(lease: try reader.int(), target: try WireTarget(from: &reader),
                         options: try WireOptions(from: &reader), runner: try reader.bool())
        case 3:
            self = .run(lease: try reader.int(), command: try WireCommand(from: &reader),
                        then: try reader.array { try WireCommand(from: &$0) })
        case 4:
            self = .prepare(lease: try reader.int())
        case 5:
            self = .upload(lease: try reader.int(), bytes: try reader.data(), path: try reader.string(), mode: try reader.int())
        case 6:
            self = .uploadFile(lease: try reader.int(), localPath: try reader.string(), path: try reader.string(),
                               mode: try reader.int())
        case 7:
            self = .download(lease: try reader.int(), path: try reader.string())
        case 8:
            self = .cancel(request: try reader.int())
        case 9:
            self = .status
        case 10:
            self = .stop
        case 11:
            self = .bye
        case 12:
            self = .downloadFile(lease: try reader.int(), path: try reader.string(), localPath: try reader.string(),
                                 become: try reader.bool())
        case let tag:
            throw WireReader.Malformed(description: "unknown request \(tag)")
        }
    }
}

extension KeeperReply {
    func write(to writer: inout WireWriter) {
        switch self {
        case .ready(let pid):
            writer.byte(1)
            writer.int(Int(pid))
        case .otherBuild(let build):
            writer.byte(2)
            writer.string(build)
        case .opened(let reused):
            writer.byte(3)
            writer.bool(reused)
        case .result(let result):
            writer.byte(4)
            result.write(to: &writer)
        case .done:
            writer.byte(5)
        case .data(let data):
            writer.byte(6)
            writer.data(data)
        case .failure(let kind, let message, let login):
            writer.byte(7)
            writer.byte(kind.tag)
            writer.string(message)
            writer.bool(login)
        case .status(let status):
            writer.byte(8)
            status.write(to: &writer)
        }
    }

    init(from reader: inout WireReader) throws {
        switch try reader.byte() {
        case 1:
            self = .ready(pid: try reader.int32())
        case 2:
            self = .otherBuild(build: try reader.string())
        case 3:
            self = .opened(reused: try reader.bool())
        case 4:
            self = .result(try WireResult(from: &reader))
        case 5:
            self = .done
        case 6:
            self = .data(try reader.data())
        case 7:
            self = .failure(kind: try WireErrorKind(tag: try reader.byte()), message: try reader.string(),
                            login: try reader.bool())
        case 8:
            self = .status(try KeeperStatus(from: &reader))
        case let tag:
            throw WireReader.Malformed(description: "unknown reply \(tag)")
        }
    }
}

extension WireErrorKind {
    var tag: UInt8 {
        switch self {
        case .unreachable: return 1
        case .timedOut: return 2
        case .failed: return 3
        }
    }

    init(tag: UInt8) throws {
        switch tag {
        case 1: self = .unreachable
        case 2: self = .timedOut
        case 3: self = .failed
        default: throw WireReader.Malformed(description: "unknown error kind \(tag)")
        }
    }
}

extension WireTarget {
    func write(to writer: inout WireWriter) {
        writer.string(displayName)
        writer.string(address)
        writer.int(port)
        writer.string(user)
    }

    init(from reader: inout WireReader) throws {
        self.init(SSHTarget(displayName: try reader.string(), address: try reader.string(),
                            port: try reader.int(), user: try reader.string()))
    }
}

extension WireOptions {
    func write(to writer: inout WireWriter) {
        writer.double(connectTimeout)
        writer.double(loginTimeout)
        writer.int(keepaliveInterval)
        writer.string(hostKeyPolicy)
        writer.array(knownHostsFiles) { $0.string($1) }
        writer.array(identityFiles) { $0.string($1) }
        writer.bool(useAgent)
        writer.optional(agentSocket) { $0.string($1) }
    }

    init(from reader: inout WireReader) throws {
        self.init(connectTimeout: try reader.double(), loginTimeout: try reader.double(),
                  keepaliveInterval: try reader.int(), hostKeyPolicy: try reader.string(),
                  knownHostsFiles: try reader.array { try $0.string() }, identityFiles: try reader.array { try $0.string() },
                  useAgent: try reader.bool(), agentSocket: try reader.optional { try $0.string() })
    }
}

extension WireCommand {
    func write(to writer: inout WireWriter) {
        writer.string(command)
        writer.data(stdin)
        writer.optional(timeout) { $0.double($1) }
        writer.bool(become)
        writer.optional(outputLimit) { $0.int($1) }
    }

    init(from reader: inout WireReader) throws {
        self.init(command: try reader.string(), stdin: try reader.data(), timeout: try reader.optional { try $0.double() },
                  become: try reader.bool(), outputLimit: try reader.optional { try $0.int() })
    }
}

extension WireResult {
    func write(to writer: inout WireWriter) {
        writer.optional(exitCode) { $0.int(Int($1)) }
        writer.optional(signal) { $0.string($1) }
        writer.data(stdout)
        writer.data(stderr)
        writer.int(stdoutDropped)
        writer.int(stderrDropped)
    }

    init(from reader: inout WireReader) throws {
        self.init(exitCode: try reader.optional { try $0.int32() }, signal: try reader.optional { try $0.string() },
                  stdout: try reader.data(), stderr: try reader.data(),
                  stdoutDropped: try reader.int(), stderrDropped: try reader.int())
    }
}

extension KeeperStatus {
    func write(to writer: inout WireWriter) {
        writer.int(Int(pid))
        writer.string(build)
        writer.double(persist)
        writer.int(clients)
        writer.array(hosts) { writer, entry in
            writer.string(entry.host)
            writer.string(entry.name)
            writer.bool(entry.lent)
            writer.bool(entry.runner)
            writer.double(entry.ageSeconds)
            writer.double(entry.idleSeconds)
        }
    }

    init(from reader: inout WireReader) throws {
        self.init(pid: try reader.int32(), build: try reader.string(), persist: try reader.double(),
                  clients: try reader.int(),
                  hosts: try reader.array {
                      Entry(host: try $0.string(), name: try $0.string(), lent: try $0.bool(), runner: try $0.bool(),
                            ageSeconds: try $0.double(), idleSeconds: try $0.double())
                  })
    }
}
