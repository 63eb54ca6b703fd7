/// `wait_for`: poll until a port accepts connections, a path exists, or a command succeeds.
///
/// The whole polling loop runs on the host as one small `sh` loop, so waiting five minutes
/// costs one round trip instead of three hundred; the channel's own timeout is set a little
/// above the wait's so a loop that hangs still ends. Ports are checked from the host itself
/// (bash's `/dev/tcp`, else `nc -z`), which is what "the service is up" means there.
struct WaitForAction {
    /// "port 6443 on 127.0.0.1", "path /etc/x", "command `systemctl is-active k`".
    var subject: String
    /// Exits 0 once the thing is there; quiet.
    var check: String
    var timeout: Double
    var interval: Double

    init(spec: WaitForSpec, scope: any VariableScope) throws {
        timeout = max(0, spec.timeout)
        interval = max(0.1, spec.interval)
        if let port = spec.port {
            let host = try spec.host?.render(in: scope) ?? "127.0.0.1"
            subject = "port \(port) on \(host)"
            check = Self.portCheck(host: host.isEmpty ? "127.0.0.1" : host, port: port)
        } else if let path = spec.path {
            let rendered = try path.render(in: scope)
            subject = "path \(rendered)"
            check = "test -e \(ShellQuoting.quote(rendered))"
        } else if let command = spec.command {
            let rendered = try command.render(in: scope)
            subject = "command `\(rendered)`"
            check = "sh -c \(ShellQuoting.quote(rendered)) </dev/null >/dev/null 2>&1"
        } else {
            throw InputError("'wait_for' needs one of 'port', 'path' or 'command'")
        }
    }

    var plan: String { "would wait for \(subject) (\(Self.seconds(timeout)))" }

    /// Seconds the channel may stay open: the wait, one more check and some slack.
    var channelTimeout: Double { timeout + interval + 10 }

    /// The remote loop: prints "<subject> ready after Ns" and exits 0, or prints
    /// "timed out after Ts waiting for <subject>" to stderr and exits 1.
    var script: String {
        let limitMilliseconds = Int((timeout * 1000).rounded(.up))
        let quotedSubject = ShellQuoting.quote(subject)
        return [
            // Milliseconds: whole seconds from `date +%s` would end a 2 s wait after 1.01 s.
            // `%N` is GNU (and recent busybox); elsewhere it stays literal and seconds do.
            "now() { t=$(date +%s%N); case $t in *N) echo $(($(date +%s) * 1000)) ;; *) echo $((t / 1000000)) ;; esac; }",
            "start=$(now); end=$((start + \(limitMilliseconds)))",
            "while :; do",
            "  if \(check); then e=$(($(now) - start)); printf '%s ready after %ss\\n' \(quotedSubject) \"$((e / 1000))\"; exit 0; fi",
            "  if [ \"$(now)\" -ge \"$end\" ]; then printf 'timed out after %s waiting for %s\\n' \(Self.seconds(timeout)) \(quotedSubject) >&2; exit 1; fi",
            "  sleep \(Self.number(interval))",
            "done",
        ].joined(separator: "\n")
    }

    func run(context: ActionContext) async throws -> ActionOutcome {
        let result = try await context.connection.run(context.remote(script, timeout: channelTimeout))
        let message = (result.succeeded ? result.stdoutText : result.stderrText).trimmed
        return ActionOutcome(result: result, changed: false,
                             summary: message.isEmpty ? "wait for \(subject): \(result.statusText)" : message)
    }

    /// Succeeds when a TCP connection to `host:port` opens from the remote host.
    static func portCheck(host: String, port: Int) -> String {
        let probe = ShellQuoting.quote("</dev/tcp/\(host)/\(port)")
        let quotedHost = ShellQuoting.quote(host)
        return "{ if command -v bash >/dev/null 2>&1; then timeout 5 bash -c \(probe); "
            + "else nc -z -w 5 \(quotedHost) \(port); fi; } </dev/null >/dev/null 2>&1"
    }

    /// "300s", "2.5s".
    static func seconds(_ value: Double) -> String { number(value) + "s" }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
