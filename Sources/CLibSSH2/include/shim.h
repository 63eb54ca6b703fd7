#ifndef CLIBSSH2_SHIM_H
#define CLIBSSH2_SHIM_H
/* libssh2's most used calls are function-like macros, which Swift does not import.
   These inline wrappers give them names Swift can see. */
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <stdlib.h>

static inline unsigned int clibssh2_window_default(void) { return LIBSSH2_CHANNEL_WINDOW_DEFAULT; }
static inline unsigned int clibssh2_packet_default(void) { return LIBSSH2_CHANNEL_PACKET_DEFAULT; }
static inline LIBSSH2_SESSION *clibssh2_session_init(void) { return libssh2_session_init_ex(NULL, NULL, NULL, NULL); }
static inline LIBSSH2_CHANNEL *clibssh2_open_session(LIBSSH2_SESSION *s) {
    return libssh2_channel_open_ex(s, "session", 7, LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}
static inline int clibssh2_exec(LIBSSH2_CHANNEL *c, const char *cmd, unsigned int len) {
    return libssh2_channel_process_startup(c, "exec", 4, cmd, len);
}
static inline int clibssh2_subsystem(LIBSSH2_CHANNEL *c, const char *name, unsigned int len) {
    return libssh2_channel_process_startup(c, "subsystem", 9, name, len);
}
/* A signal for what runs on a channel ("HUP", "TERM", "KILL"). fleet's copy of libssh2 has
   libssh2_channel_signal_ex (patches/92), as libssh2 1.11 does; a system libssh2 1.10 does
   not, and the signal is then not sent (METHOD_NOT_SUPPORTED; BAD_USE means a packet of the
   channel is half-sent, and the call is to be tried again after it). */
static inline int clibssh2_channel_signal(LIBSSH2_CHANNEL *c, const char *name) {
#ifdef libssh2_channel_signal
    return libssh2_channel_signal_ex(c, name, strlen(name));
#else
    (void)c; (void)name;
    return LIBSSH2_ERROR_METHOD_NOT_SUPPORTED;
#endif
}
static inline int clibssh2_session_disconnect(LIBSSH2_SESSION *s, const char *why) {
    return libssh2_session_disconnect_ex(s, SSH_DISCONNECT_BY_APPLICATION, why, "");
}
static inline LIBSSH2_SFTP_HANDLE *clibssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned int len,
                                                      unsigned long flags, long mode, int type) {
    return libssh2_sftp_open_ex(sftp, path, len, flags, mode, type);
}

/* Known-hosts matching is done in Swift (libssh2's readfile is fragile); these two digests
   are all it needs from OpenSSL, which libssh2 already links. */
static inline int clibssh2_sha256(const void *data, size_t len, unsigned char out[32]) {
    unsigned int outlen = 32;
    return EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL);
}
static inline int clibssh2_hmac_sha1(const void *key, int keylen, const void *data, size_t len, unsigned char out[20]) {
    unsigned int outlen = 20;
    return HMAC(EVP_sha1(), key, keylen, data, len, out, &outlen) != NULL;
}

/* keyboard-interactive: libssh2 calls back with prompts; the answer comes from the
   session's abstract pointer, which fleet sets to a NUL-terminated password it owns. */
static void clibssh2_kbdint_callback(const char *name, int name_len, const char *instruction, int instruction_len,
                                     int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
                                     LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract) {
    (void)name; (void)name_len; (void)instruction; (void)instruction_len; (void)prompts;
    const char *password = abstract ? (const char *)*abstract : NULL;
    for (int i = 0; i < num_prompts; i++) {
        if (password) {
            responses[i].text = strdup(password);
            responses[i].length = (unsigned int)strlen(password);
        } else {
            responses[i].text = NULL;
            responses[i].length = 0;
        }
    }
}
static inline int clibssh2_userauth_kbdint(LIBSSH2_SESSION *s, const char *user, unsigned int userlen) {
    return libssh2_userauth_keyboard_interactive_ex(s, user, userlen, clibssh2_kbdint_callback);
}
static inline void clibssh2_set_abstract(LIBSSH2_SESSION *s, void *value) {
    void **slot = libssh2_session_abstract(s);
    *slot = value;
}
#endif
