/// `RemoteCommand.outputLimit` applied to arriving output: the first `limit` bytes of a
/// stream are kept, the rest only counted, so a host printing gigabytes cannot grow fleet.
enum OutputLimit {
    static func keep(_ bytes: ArraySlice<UInt8>, in kept: inout [UInt8], dropped: inout Int, limit: Int) {
        let taken = min(max(0, limit - kept.count), bytes.count)
        kept += bytes.prefix(taken)
        dropped += bytes.count - taken
    }
}
