#ifndef CNETKERNELSYSTEM_H
#define CNETKERNELSYSTEM_H

/*
 * The Linux system calls NetKernel's TAP miniport needs that Swift cannot
 * call directly: ioctl() is variadic, and setns() needs _GNU_SOURCE. Every
 * function returns a non-negative result or -errno; none of them keeps state.
 */

/* epoll and eventfd are plain functions, but Glibc's Swift module does not
 * bring in their headers; the engine's loop calls them through these. */
#include <sys/epoll.h>
#include <sys/eventfd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IFNAMSIZ - 1: the longest interface name the kernel accepts. */
#define NK_IFNAME_MAX 15

/*
 * Opens /dev/net/tun (O_RDWR | O_NONBLOCK | O_CLOEXEC) and attaches it to the
 * TAP device `name` with TUNSETIFF (IFF_TAP | IFF_NO_PI, plus IFF_MULTI_QUEUE
 * when multiQueue != 0), creating the device if it does not exist in the
 * calling thread's network namespace. Writes the device's name (NUL-ended,
 * at most NK_IFNAME_MAX + 1 bytes) to actualName when it is not NULL.
 * Returns the file descriptor or -errno (-ENAMETOOLONG for a name longer
 * than NK_IFNAME_MAX bytes).
 */
int nk_tun_attach(const char *name, int multiQueue, char *actualName);

/* A datagram socket (AF_INET, SOCK_DGRAM, CLOEXEC) for the SIOCGIF* calls
 * below, bound to the calling thread's network namespace; fd or -errno. */
int nk_control_socket(void);

/* SIOCGIFMTU through `sock` (or a socket of its own when sock < 0): the MTU or -errno. */
int nk_if_mtu_on(int sock, const char *name);
/* SIOCGIFHWADDR: copies the 6-byte hardware address to mac; 0 or -errno. */
int nk_if_hwaddr_on(int sock, const char *name, unsigned char mac[6]);
/* SIOCGIFFLAGS: the interface flags (IFF_UP, IFF_RUNNING, ...) or -errno. */
int nk_if_flags_on(int sock, const char *name);

/* SIOCSIFMTU: sets the MTU; 0 or -errno. */
int nk_if_set_mtu_on(int sock, const char *name, int mtu);
/* SIOCSIFFLAGS: sets IFF_UP (as `ip link set NAME up`); 0 or -errno. */
int nk_if_set_up_on(int sock, const char *name);

/* The same through a short-lived socket of the calling thread's namespace. */
int nk_if_mtu(const char *name);
int nk_if_hwaddr(const char *name, unsigned char mac[6]);
int nk_if_flags(const char *name);

/* IFF_UP and IFF_RUNNING, for reading nk_if_flags. */
int nk_iff_up(void);
int nk_iff_running(void);

/* Moves the calling thread into the network namespace whose file is `path`
 * (e.g. /var/run/netns/NAME) with setns(CLONE_NEWNET); 0 or -errno. Only the
 * calling thread changes namespace. */
int nk_enter_netns(const char *path);

#ifdef __cplusplus
}
#endif

#endif
