#ifndef CLIBSSH2_SHIM_H
#define CLIBSSH2_SHIM_H
/* libssh2's most used calls are function-like macros, which Swift does not import.
   These inline wrappers give them names Swift can see. */
#include <libssh2.h>
#include <libssh2_sftp.h>

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
static inline int clibssh2_session_disconnect(LIBSSH2_SESSION *s, const char *why) {
    return libssh2_session_disconnect_ex(s, SSH_DISCONNECT_BY_APPLICATION, why, "");
}
static inline LIBSSH2_SFTP_HANDLE *clibssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned int len,
                                                      unsigned long flags, long mode, int type) {
    return libssh2_sftp_open_ex(sftp, path, len, flags, mode, type);
}
#endif
