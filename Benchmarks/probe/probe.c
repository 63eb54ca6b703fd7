/*
 * probe: what a plain native client reaches on the benchmark's hosts.
 *
 *   probe MODE --user U --key PATH --known-hosts PATH [--forks N] [--no-subshell] HOST:PORT...
 *
 * C11 over *blocking* libssh2, one thread per host: no event loop, no async machinery, so the
 * figures are the floor that fleet's own scheduling is compared against (Benchmarks/README.md).
 * The first target is the master. Every host: TCP connect (TCP_NODELAY), SSH handshake, host key
 * checked against the known_hosts file (refused unless it matches, as fleet does), public-key
 * authentication with the given key (empty passphrase).
 *
 * MODE
 *   adhoc            one channel running `hostname` per host; prints "HOST:PORT output".
 *   tasks-channel    the "tasks" scenario (Benchmarks/scenarios/fleet/tasks.yml), a channel
 *                    (open, exec, read, close) per task.
 *   tasks-runner     the "tasks" scenario over one `sh` channel per host: a task is written,
 *                    then its marker awaited before the next one is sent (a round trip per task).
 *   tasks-pipelined  the "tasks" scenario over one `sh` channel per host: the 10 steps written
 *                    at once (the shell stops at the first failure), their markers read, then the
 *                    final step once the master's token is known.
 *
 * The "tasks" scenario: on the master, capture `echo token-$(hostname)` (stdout, trimmed); on
 * every host the 10 steps `echo step K > /tmp/bench-$(hostname)-K`; then on every host
 * `echo 'TOKEN' > /tmp/bench-$(hostname)-final`. A host waits for the master's token only
 * before its final step.
 *
 * In the two `sh` modes each task runs as `( COMMAND\n) </dev/null` followed by
 * `printf 'MARKER RC\n'` on stdout and `printf 'MARKER\n' >&2`, MARKER being 128 random bits
 * per task: the same per-task semantics as fleet's task runner (own exit code, stdin closed,
 * nothing leaking into the next task; one fork per task on the host). `--no-subshell` writes
 * the command bare instead, to see what the subshell costs.
 *
 * Exit code 0 only if every host succeeded; errors go to stderr as "probe: HOST:PORT: what".
 * Build: cc -std=c11 -O2 -o probe probe.c -lssh2 -lpthread
 */
#define _GNU_SOURCE /* memmem, getrandom */
#include <libssh2.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

enum { STEPS = 10 };

typedef enum { MODE_ADHOC, MODE_TASKS_CHANNEL, MODE_TASKS_RUNNER, MODE_TASKS_PIPELINED } Mode;

/* ---------------------------------------------------------------- options and shared state */

static Mode mode;
static const char *user, *key_path, *known_hosts_path;
static bool subshell = true;

typedef struct {
    char address[256];
    int port;
    bool is_master;
    bool ok;
} Host;

/* The master's token, published once; every host's final step waits for it. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int state; /* 0 pending, 1 ready, -1 the master failed before capturing it */
    char value[256];
} token = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, ""};

/* --forks: at most this many hosts in flight. main() takes a slot before starting each thread
 * (in target order, so the master always runs first and a host waiting for its token cannot
 * keep it out); a thread gives its slot back when it ends. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int free;
} slots = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void fail(Host *h, const char *format, ...) {
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    fprintf(stderr, "probe: %s:%d: %s\n", h->address, h->port, message);
    h->ok = false;
}

static const char *ssh_error(LIBSSH2_SESSION *session) {
    char *message = NULL;
    libssh2_session_last_error(session, &message, NULL, 0);
    return message && *message ? message : "unknown libssh2 error";
}

static void publish_token(int state, const char *value) {
    pthread_mutex_lock(&token.lock);
    token.state = state;
    if (value) snprintf(token.value, sizeof token.value, "%s", value);
    pthread_cond_broadcast(&token.changed);
    pthread_mutex_unlock(&token.lock);
}

/* Blocks until the master published; false when it failed. */
static bool wait_token(char *out, size_t size) {
    pthread_mutex_lock(&token.lock);
    while (token.state == 0) pthread_cond_wait(&token.changed, &token.lock);
    bool ready = token.state == 1;
    if (ready) snprintf(out, size, "%s", token.value);
    pthread_mutex_unlock(&token.lock);
    return ready;
}

/* ---------------------------------------------------------------- small helpers */

typedef struct {
    char *data;
    size_t length, capacity;
} Buffer;

static void buffer_append(Buffer *b, const char *bytes, size_t count) {
    if (b->length + count + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 256;
        while (b->length + count + 1 > capacity) capacity *= 2;
        char *grown = realloc(b->data, capacity);
        if (!grown) abort();
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, count);
    b->length += count;
    b->data[b->length] = 0;
}

static void buffer_appends(Buffer *b, const char *text) { buffer_append(b, text, strlen(text)); }

/* Drops the first `count` bytes (what a marker ended), keeping what followed. */
static void buffer_consume(Buffer *b, size_t count) {
    memmove(b->data, b->data + count, b->length - count);
    b->length -= count;
    b->data[b->length] = 0;
}

static void buffer_free(Buffer *b) {
    free(b->data);
    *b = (Buffer){0};
}

/* 128 random bits as 32 hex digits: no task's output can fake its marker. */
static void new_marker(char out[33]) {
    unsigned char bits[16];
    size_t got = 0;
    while (got < sizeof bits) {
        ssize_t n = getrandom(bits + got, sizeof bits - got, 0);
        if (n < 0 && errno != EINTR) abort();
        if (n > 0) got += (size_t)n;
    }
    for (int i = 0; i < 16; i++) sprintf(out + 2 * i, "%02x", bits[i]);
}

/* `value` single-quoted for sh ('it'\''s'). */
static void shell_quote(Buffer *out, const char *value) {
    buffer_appends(out, "'");
    for (const char *c = value; *c; c++) {
        if (*c == '\'') buffer_appends(out, "'\\''");
        else buffer_append(out, c, 1);
    }
    buffer_appends(out, "'");
}

static void trim(char *text) {
    size_t start = strspn(text, " \t\r\n");
    size_t length = strlen(text + start);
    while (length && strchr(" \t\r\n", text[start + length - 1])) length--;
    memmove(text, text + start, length);
    text[length] = 0;
}

/* The command of step `k` (1...10), or of the final step with the token when k == 0. */
static void task_command(Buffer *out, int k, const char *token_value) {
    char text[64];
    if (k > 0) {
        snprintf(text, sizeof text, "echo step %d > /tmp/bench-$(hostname)-%d", k, k);
        buffer_appends(out, text);
    } else {
        buffer_appends(out, "echo ");
        shell_quote(out, token_value);
        buffer_appends(out, " > /tmp/bench-$(hostname)-final");
    }
}

static const char *capture_command = "echo token-$(hostname)";

/* ---------------------------------------------------------------- connection */

/* Key types known for this host (as host-key method preferences: "ssh-ed25519,..."), the way
 * OpenSSH prefers the algorithms it can verify. Names: "[addr]:port" or the plain address. */
static void known_key_types(const Host *h, char *out, size_t size) {
    out[0] = 0;
    FILE *file = fopen(known_hosts_path, "r");
    if (!file) return;
    char bracketed[300], line[8192];
    snprintf(bracketed, sizeof bracketed, "[%s]:%d", h->address, h->port);
    while (fgets(line, sizeof line, file)) {
        char *save = NULL, *names = strtok_r(line, " \t\r\n", &save);
        char *type = names ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        if (!type || names[0] == '#' || names[0] == '@') continue;
        bool matches = false;
        char *name_save = NULL;
        for (char *name = strtok_r(names, ",", &name_save); name; name = strtok_r(NULL, ",", &name_save))
            if (!strcmp(name, bracketed) || !strcmp(name, h->address)) matches = true;
        if (!matches || strstr(out, type)) continue;
        if (strlen(out) + strlen(type) + 2 >= size) break;
        if (out[0]) strcat(out, ",");
        strcat(out, type);
    }
    fclose(file);
}

static int tcp_connect(Host *h) {
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *found = NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", h->port);
    int status = getaddrinfo(h->address, port, &hints, &found);
    if (status != 0) {
        fail(h, "resolve: %s", gai_strerror(status));
        return -1;
    }
    int fd = -1, error = 0;
    for (struct addrinfo *a = found; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        error = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) {
        fail(h, "connect: %s", strerror(error));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* The known_hosts key bit for a negotiated host key type. */
static int knownhost_key_bit(int hostkey_type) {
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

/* Refuses the host unless the known_hosts file has its key (MATCH). */
static bool check_host_key(Host *h, LIBSSH2_SESSION *session) {
    size_t length = 0;
    int type = 0;
    const char *key = libssh2_session_hostkey(session, &length, &type);
    if (!key) {
        fail(h, "no host key: %s", ssh_error(session));
        return false;
    }
    LIBSSH2_KNOWNHOSTS *known = libssh2_knownhost_init(session);
    if (!known) {
        fail(h, "knownhost_init: %s", ssh_error(session));
        return false;
    }
    bool ok = false;
    if (libssh2_knownhost_readfile(known, known_hosts_path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
        fail(h, "cannot read known_hosts %s: %s", known_hosts_path, ssh_error(session));
    } else {
        int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | knownhost_key_bit(type);
        struct libssh2_knownhost *entry = NULL;
        int result = libssh2_knownhost_checkp(known, h->address, h->port, key, length, mask, &entry);
        switch (result) {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH: ok = true; break;
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            fail(h, "host key does not match %s: refusing (possible man in the middle)", known_hosts_path);
            break;
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND: fail(h, "host key not in %s: refusing", known_hosts_path); break;
        default: fail(h, "host key check failed: %s", ssh_error(session)); break;
        }
    }
    libssh2_knownhost_free(known);
    return ok;
}

/* libssh2's own receive, then an immediate ACK (TCP_QUICKACK), as fleet's sessions do before
   each wait (SSHSession.acknowledgeNow): sshd holds a small packet until its previous one is
   acknowledged, and a delayed ACK held every login 40 ms. */
static ssize_t recv_acknowledging(libssh2_socket_t sock, void *buffer, size_t length, int flags, void **abstract) {
    (void)abstract;
    ssize_t rc = recv(sock, buffer, length, flags);
    if (rc < 0) return -errno;
    if (rc > 0) {
        int one = 1;
        setsockopt(sock, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    }
    return rc;
}

/* Connects, verifies and authenticates; NULL (with the error printed) when any step fails. */
static LIBSSH2_SESSION *open_session(Host *h, int *fd_out) {
    int fd = tcp_connect(h);
    if (fd < 0) return NULL;
    LIBSSH2_SESSION *session = libssh2_session_init();
    if (!session) {
        fail(h, "libssh2_session_init failed");
        close(fd);
        return NULL;
    }
    libssh2_session_set_blocking(session, 1);
    libssh2_session_callback_set(session, LIBSSH2_CALLBACK_RECV, (void *)recv_acknowledging);
    libssh2_session_set_timeout(session, 60000); /* a stuck host fails instead of hanging the run */
    /* The key exchange order fleet offers (Sources/FleetSSH/Session/KeyExchangeOrder.swift):
       P-256 first, which OpenSSH's sshd computes with OpenSSL, not with its slower reference
       curve25519. The same order here keeps "the same way fleet does" true of the logins too. */
    libssh2_session_method_pref(session, LIBSSH2_METHOD_KEX,
        "ecdh-sha2-nistp256,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp384,"
        "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
        "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
        "diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1");
    char types[512];
    known_key_types(h, types, sizeof types);
    if (types[0]) libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, types);
    if (libssh2_session_handshake(session, fd) != 0) {
        fail(h, "handshake: %s", ssh_error(session));
    } else if (check_host_key(h, session)) {
        if (libssh2_userauth_publickey_fromfile_ex(session, user, (unsigned)strlen(user), NULL, key_path, "") == 0) {
            *fd_out = fd;
            return session;
        }
        fail(h, "authentication as %s with %s: %s", user, key_path, ssh_error(session));
    }
    libssh2_session_free(session);
    close(fd);
    return NULL;
}

static void close_session(LIBSSH2_SESSION *session, int fd) {
    libssh2_session_disconnect(session, "done");
    libssh2_session_free(session);
    close(fd);
}

/* ---------------------------------------------------------------- a channel per command */

/* Runs `command` on its own channel: open, exec, read stdout and stderr to EOF, close.
 * Returns the exit status (stdout in `out` if given), or -1 with the error printed.
 * Stdout is read first, then stderr: enough for commands whose stderr fits the window. */
static int channel_run(Host *h, LIBSSH2_SESSION *session, const char *command, Buffer *out) {
    LIBSSH2_CHANNEL *channel = libssh2_channel_open_session(session);
    if (!channel) {
        fail(h, "channel open: %s", ssh_error(session));
        return -1;
    }
    int status = -1;
    if (libssh2_channel_exec(channel, command) != 0) {
        fail(h, "exec `%s`: %s", command, ssh_error(session));
        libssh2_channel_free(channel);
        return -1;
    }
    char chunk[16384];
    Buffer errors = {0};
    ssize_t n;
    while ((n = libssh2_channel_read(channel, chunk, sizeof chunk)) > 0)
        if (out) buffer_append(out, chunk, (size_t)n);
    if (n == 0) {
        while ((n = libssh2_channel_read_stderr(channel, chunk, sizeof chunk)) > 0)
            buffer_append(&errors, chunk, (size_t)n);
    }
    if (n < 0) {
        fail(h, "reading `%s`: %s", command, ssh_error(session));
    } else if (libssh2_channel_close(channel) != 0 || libssh2_channel_wait_closed(channel) != 0) {
        fail(h, "closing the channel of `%s`: %s", command, ssh_error(session));
    } else {
        char *signal = NULL;
        libssh2_channel_get_exit_signal(channel, &signal, NULL, NULL, NULL, NULL, NULL);
        if (signal) {
            fail(h, "`%s` killed by SIG%s", command, signal);
            libssh2_free(session, signal);
        } else {
            status = libssh2_channel_get_exit_status(channel);
            if (errors.data) trim(errors.data);
            if (status != 0)
                fail(h, "`%s` exited %d: %s", command, status, errors.data ? errors.data : "");
        }
    }
    buffer_free(&errors);
    libssh2_channel_free(channel);
    return status;
}

/* ---------------------------------------------------------------- one sh channel per host */

typedef struct {
    LIBSSH2_CHANNEL *channel;
    Buffer out, err; /* bytes read but not yet cut at a marker */
} Shell;

static bool shell_start(Host *h, LIBSSH2_SESSION *session, Shell *shell) {
    *shell = (Shell){0};
    shell->channel = libssh2_channel_open_session(session);
    if (!shell->channel) {
        fail(h, "channel open: %s", ssh_error(session));
        return false;
    }
    if (libssh2_channel_exec(shell->channel, "sh") != 0) {
        fail(h, "exec sh: %s", ssh_error(session));
        libssh2_channel_free(shell->channel);
        shell->channel = NULL;
        return false;
    }
    return true;
}

/* Ends the shell: EOF on its stdin, then waits for it to exit. */
static void shell_stop(Host *h, LIBSSH2_SESSION *session, Shell *shell, bool check) {
    if (!shell->channel) return;
    if (check) {
        char chunk[4096];
        ssize_t n = 0;
        if (libssh2_channel_send_eof(shell->channel) != 0)
            fail(h, "closing the shell's stdin: %s", ssh_error(session));
        else {
            while ((n = libssh2_channel_read(shell->channel, chunk, sizeof chunk)) > 0) {}
            while (n == 0 && (n = libssh2_channel_read_stderr(shell->channel, chunk, sizeof chunk)) > 0) {}
            if (n < 0 || libssh2_channel_close(shell->channel) != 0 || libssh2_channel_wait_closed(shell->channel) != 0)
                fail(h, "ending the shell: %s", ssh_error(session));
            else if (libssh2_channel_get_exit_status(shell->channel) != 0)
                fail(h, "the shell exited %d", libssh2_channel_get_exit_status(shell->channel));
        }
    }
    libssh2_channel_free(shell->channel);
    shell->channel = NULL;
    buffer_free(&shell->out);
    buffer_free(&shell->err);
}

/* Appends one task to `script`: the command in a subshell with stdin closed, then its marker
 * and exit code on stdout and its marker on stderr. With `stop_on_failure` the shell exits
 * there if the task failed, so tasks written after it never run. */
static void shell_task(Buffer *script, const char *command, const char *marker, bool stop_on_failure) {
    if (subshell) {
        buffer_appends(script, "( ");
        buffer_appends(script, command);
        buffer_appends(script, "\n) </dev/null\n");
    } else {
        buffer_appends(script, command);
        buffer_appends(script, "\n");
    }
    char tail[256];
    snprintf(tail, sizeof tail, "__rc=$?; printf '%%s %%s\\n' %s \"$__rc\"; printf '%%s\\n' %s >&2%s\n", marker, marker,
             stop_on_failure ? "; [ \"$__rc\" = 0 ] || exit \"$__rc\"" : "");
    buffer_appends(script, tail);
}

static bool shell_write(Host *h, LIBSSH2_SESSION *session, Shell *shell, const Buffer *script) {
    size_t sent = 0;
    while (sent < script->length) {
        ssize_t n = libssh2_channel_write(shell->channel, script->data + sent, script->length - sent);
        if (n < 0) {
            fail(h, "writing to the shell: %s", ssh_error(session));
            return false;
        }
        sent += (size_t)n;
    }
    return true;
}

/* Reads `stream` until a line holding `marker` is complete; cuts the bytes before it (the
 * task's output) into `output` if given and the rest of the marker line into `rest`. */
static bool read_to_marker(Host *h, LIBSSH2_SESSION *session, Shell *shell, int stream, const char *marker,
                           Buffer *output, char *rest, size_t rest_size) {
    Buffer *pending = stream == 0 ? &shell->out : &shell->err;
    size_t marker_length = strlen(marker);
    char chunk[16384];
    for (;;) {
        char *found = pending->length ? memmem(pending->data, pending->length, marker, marker_length) : NULL;
        char *newline = found ? memchr(found, '\n', (size_t)(pending->data + pending->length - found)) : NULL;
        if (newline) {
            if (output) buffer_append(output, pending->data, (size_t)(found - pending->data));
            if (rest) snprintf(rest, rest_size, "%.*s", (int)(newline - found - marker_length), found + marker_length);
            buffer_consume(pending, (size_t)(newline + 1 - pending->data));
            return true;
        }
        ssize_t n = libssh2_channel_read_ex(shell->channel, stream, chunk, sizeof chunk);
        if (n > 0) {
            buffer_append(pending, chunk, (size_t)n);
        } else {
            if (n == 0) fail(h, "the shell ended before the task's marker");
            else fail(h, "reading from the shell: %s", ssh_error(session));
            return false;
        }
    }
}

/* Waits for a task's answer: its stdout up to the marker (into `output`), the exit code, and
 * its stderr up to the marker. Returns the exit code, or -1 when the shell failed. */
static int shell_answer(Host *h, LIBSSH2_SESSION *session, Shell *shell, const char *marker, Buffer *output,
                        const char *command) {
    char rest[64];
    Buffer errors = {0};
    if (!read_to_marker(h, session, shell, 0, marker, output, rest, sizeof rest)) return -1;
    if (!read_to_marker(h, session, shell, 1, marker, &errors, NULL, 0)) {
        buffer_free(&errors);
        return -1;
    }
    int status = atoi(rest);
    if (errors.data) trim(errors.data);
    if (status != 0) fail(h, "`%s` exited %d: %s", command, status, errors.data ? errors.data : "");
    buffer_free(&errors);
    return status;
}

/* One task on the shell, a round trip: write it, wait for its marker. */
static int shell_run(Host *h, LIBSSH2_SESSION *session, Shell *shell, const char *command, Buffer *output) {
    char marker[33];
    new_marker(marker);
    Buffer script = {0};
    shell_task(&script, command, marker, false);
    bool written = shell_write(h, session, shell, &script);
    buffer_free(&script);
    return written ? shell_answer(h, session, shell, marker, output, command) : -1;
}

/* ---------------------------------------------------------------- the scenarios */

/* The master's capture, published for every host's final step (also when it fails). */
static bool capture_token(Host *h, LIBSSH2_SESSION *session, Shell *shell) {
    Buffer out = {0};
    int status = shell ? shell_run(h, session, shell, capture_command, &out)
                       : channel_run(h, session, capture_command, &out);
    bool ok = status == 0 && out.data;
    if (ok) {
        trim(out.data);
        publish_token(1, out.data);
    } else {
        if (status == 0) fail(h, "the capture printed nothing");
        publish_token(-1, NULL);
    }
    buffer_free(&out);
    return ok;
}

static bool final_command(Host *h, Buffer *command) {
    char value[256];
    if (!wait_token(value, sizeof value)) {
        fail(h, "no token: the capture on the master failed");
        return false;
    }
    task_command(command, 0, value);
    return true;
}

static void run_adhoc(Host *h, LIBSSH2_SESSION *session) {
    Buffer out = {0};
    if (channel_run(h, session, "hostname", &out) == 0) {
        printf("%s:%d %s", h->address, h->port, out.data ? out.data : "\n");
        h->ok = true;
    }
    buffer_free(&out);
}

static void run_tasks_channel(Host *h, LIBSSH2_SESSION *session) {
    if (h->is_master && !capture_token(h, session, NULL)) return;
    for (int k = 1; k <= STEPS; k++) {
        Buffer command = {0};
        task_command(&command, k, NULL);
        int status = channel_run(h, session, command.data, NULL);
        buffer_free(&command);
        if (status != 0) return;
    }
    Buffer command = {0};
    if (final_command(h, &command)) h->ok = channel_run(h, session, command.data, NULL) == 0;
    buffer_free(&command);
}

static void run_tasks_runner(Host *h, LIBSSH2_SESSION *session) {
    Shell shell;
    if (!shell_start(h, session, &shell)) return;
    bool ok = !h->is_master || capture_token(h, session, &shell);
    for (int k = 1; ok && k <= STEPS; k++) {
        Buffer command = {0};
        task_command(&command, k, NULL);
        ok = shell_run(h, session, &shell, command.data, NULL) == 0;
        buffer_free(&command);
    }
    Buffer command = {0};
    ok = ok && final_command(h, &command) && shell_run(h, session, &shell, command.data, NULL) == 0;
    buffer_free(&command);
    h->ok = ok; /* shell_stop clears it if the shell does not end cleanly */
    shell_stop(h, session, &shell, ok);
}

static void run_tasks_pipelined(Host *h, LIBSSH2_SESSION *session) {
    Shell shell;
    if (!shell_start(h, session, &shell)) return;
    bool ok = !h->is_master || capture_token(h, session, &shell);
    if (ok) {
        /* All 10 steps in one write; each stops the shell if it fails. */
        char markers[STEPS][33];
        Buffer script = {0}, commands[STEPS] = {{0}};
        for (int k = 1; k <= STEPS; k++) {
            new_marker(markers[k - 1]);
            task_command(&commands[k - 1], k, NULL);
            shell_task(&script, commands[k - 1].data, markers[k - 1], true);
        }
        ok = shell_write(h, session, &shell, &script);
        for (int k = 1; ok && k <= STEPS; k++)
            ok = shell_answer(h, session, &shell, markers[k - 1], NULL, commands[k - 1].data) == 0;
        buffer_free(&script);
        for (int k = 0; k < STEPS; k++) buffer_free(&commands[k]);
    }
    Buffer command = {0};
    ok = ok && final_command(h, &command) && shell_run(h, session, &shell, command.data, NULL) == 0;
    buffer_free(&command);
    h->ok = ok; /* shell_stop clears it if the shell does not end cleanly */
    shell_stop(h, session, &shell, ok);
}

static void *host_thread(void *argument) {
    Host *h = argument;
    h->ok = false;
    int fd = -1;
    LIBSSH2_SESSION *session = open_session(h, &fd);
    if (!session) {
        if (h->is_master && mode != MODE_ADHOC) publish_token(-1, NULL);
    } else {
        switch (mode) {
        case MODE_ADHOC: run_adhoc(h, session); break;
        case MODE_TASKS_CHANNEL: run_tasks_channel(h, session); break;
        case MODE_TASKS_RUNNER: run_tasks_runner(h, session); break;
        case MODE_TASKS_PIPELINED: run_tasks_pipelined(h, session); break;
        }
        /* A master that failed before capturing must still release the others. */
        if (h->is_master && mode != MODE_ADHOC) {
            pthread_mutex_lock(&token.lock);
            bool pending = token.state == 0;
            pthread_mutex_unlock(&token.lock);
            if (pending) publish_token(-1, NULL);
        }
        close_session(session, fd);
    }
    pthread_mutex_lock(&slots.lock);
    slots.free++;
    pthread_cond_signal(&slots.freed);
    pthread_mutex_unlock(&slots.lock);
    return NULL;
}

/* ---------------------------------------------------------------- main */

static void usage(void) {
    fprintf(stderr, "usage: probe adhoc|tasks-channel|tasks-runner|tasks-pipelined --user U --key PATH "
                    "--known-hosts PATH [--forks N] [--no-subshell] HOST:PORT...\n");
    exit(2);
}

static bool parse_target(const char *text, Host *h) {
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text) return false;
    const char *address = text;
    size_t length = (size_t)(colon - text);
    if (text[0] == '[' && colon[-1] == ']') { /* [v6-address]:port */
        address++;
        length -= 2;
    }
    if (length >= sizeof h->address) return false;
    memcpy(h->address, address, length);
    h->address[length] = 0;
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535) return false;
    h->port = (int)port;
    return true;
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *modes[] = {"adhoc", "tasks-channel", "tasks-runner", "tasks-pipelined"};
    int chosen = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(argv[1], modes[i])) chosen = i;
    if (chosen < 0) usage();
    mode = (Mode)chosen;

    int forks = 0, count = 0;
    Host *hosts = calloc((size_t)argc, sizeof *hosts);
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--no-subshell")) subshell = false;
        else if (i + 1 < argc && !strcmp(arg, "--user")) user = argv[++i];
        else if (i + 1 < argc && !strcmp(arg, "--key")) key_path = argv[++i];
        else if (i + 1 < argc && !strcmp(arg, "--known-hosts")) known_hosts_path = argv[++i];
        else if (i + 1 < argc && !strcmp(arg, "--forks")) forks = atoi(argv[++i]);
        else if (arg[0] == '-') usage();
        else if (!parse_target(arg, &hosts[count++])) {
            fprintf(stderr, "probe: not HOST:PORT: %s\n", arg);
            return 2;
        }
    }
    if (!user || !key_path || !known_hosts_path || count == 0) usage();
    hosts[0].is_master = true;
    slots.free = forks > 0 ? forks : count;

    if (libssh2_init(0) != 0) {
        fprintf(stderr, "probe: libssh2_init failed\n");
        return 1;
    }
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_t *threads = calloc((size_t)count, sizeof *threads);
    for (int i = 0; i < count; i++) {
        pthread_mutex_lock(&slots.lock);
        while (slots.free == 0) pthread_cond_wait(&slots.freed, &slots.lock);
        slots.free--;
        pthread_mutex_unlock(&slots.lock);
        if (pthread_create(&threads[i], &attributes, host_thread, &hosts[i]) != 0) {
            fprintf(stderr, "probe: cannot start a thread for %s:%d\n", hosts[i].address, hosts[i].port);
            return 1;
        }
    }
    int failed = 0;
    for (int i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
        if (!hosts[i].ok) failed++;
    }
    libssh2_exit();
    if (failed) fprintf(stderr, "probe: %d of %d hosts failed\n", failed, count);
    free(threads);
    free(hosts);
    return failed ? 1 : 0;
}
