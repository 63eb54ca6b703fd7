/// What a host carries from one task of a play to the next.
///
/// Its fork slot, kept along a pipelined chain (`ForkSlot`), and the commands of that chain
/// already worked out. A command is sent ahead only when it reads settled values (see
/// `TaskPipelining`), so the text worked out while an earlier task ran is still the text
/// now: each task of a chain works out one new command instead of up to `pipelineDepth`.
struct HostLane {
    var slot: ForkSlot
    /// Whether the host's next tasks are the ones after this task in its play, so that they
    /// may be sent ahead. Not so for a task run on its own: a producer run again for a
    /// reader on a host outside `--limit`, a `run_once` task, a `linear` play's task.
    let followsThePlay: Bool
    /// The commands of the tasks ahead, by task, as the last task sent them.
    var commandsAhead: [TaskKey: RemoteCommand] = [:]

    init(_ forks: ForkLimiter, followsThePlay: Bool) {
        slot = ForkSlot(forks)
        self.followsThePlay = followsThePlay
    }
}
