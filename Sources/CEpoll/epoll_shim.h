#ifndef FLEET_EPOLL_SHIM_H
#define FLEET_EPOLL_SHIM_H
/* epoll for Swift: the Glibc module does not bring in <sys/epoll.h>, and its packed
   `struct epoll_event` is awkward to fill from Swift. These wrappers take and give the
   event mask and the 64-bit user data as plain values (used by FleetSSH's SocketPoller). */
#include <sys/epoll.h>

static const unsigned int cepoll_in = EPOLLIN;
static const unsigned int cepoll_out = EPOLLOUT;
static const unsigned int cepoll_oneshot = EPOLLONESHOT;

static inline int cepoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static inline int cepoll_add(int epfd, int fd, unsigned int events, unsigned long long data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static inline int cepoll_modify(int epfd, int fd, unsigned int events, unsigned long long data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event);
}

static inline int cepoll_delete(int epfd, int fd) {
    struct epoll_event unused;
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &unused);
}

/* Waits like epoll_wait for at most 256 events and copies each one's mask and data out. */
static inline int cepoll_wait(int epfd, unsigned int *masks, unsigned long long *data, int capacity, int timeout) {
    struct epoll_event events[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epfd, events, capacity, timeout);
    for (int i = 0; i < count; i++) {
        masks[i] = events[i].events;
        data[i] = events[i].data.u64;
    }
    return count;
}
#endif
