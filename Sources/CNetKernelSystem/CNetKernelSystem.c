#define _GNU_SOURCE
#include "CNetKernelSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fill_ifreq(struct ifreq *ifr, const char *name) {
  memset(ifr, 0, sizeof *ifr);
  size_t length = strlen(name);
  if (length == 0) return -EINVAL;
  if (length > NK_IFNAME_MAX) return -ENAMETOOLONG;
  memcpy(ifr->ifr_name, name, length);
  return 0;
}

int nk_tun_attach(const char *name, int multiQueue, char *actualName) {
  struct ifreq ifr;
  int rc = fill_ifreq(&ifr, name);
  if (rc < 0) return rc;
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (multiQueue) ifr.ifr_flags |= IFF_MULTI_QUEUE;
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -errno;
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int saved = errno;
    close(fd);
    return -saved;
  }
  if (actualName) {
    memcpy(actualName, ifr.ifr_name, IFNAMSIZ);
    actualName[NK_IFNAME_MAX] = 0;
  }
  return fd;
}

int nk_control_socket(void) {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return sock < 0 ? -errno : sock;
}

/* Runs one SIOCGIF* request through sock, or a socket of its own when sock < 0. */
static int query(int sock, const char *name, unsigned long request, struct ifreq *ifr) {
  int rc = fill_ifreq(ifr, name);
  if (rc < 0) return rc;
  int own = -1;
  if (sock < 0) {
    own = nk_control_socket();
    if (own < 0) return own;
    sock = own;
  }
  rc = ioctl(sock, request, ifr) < 0 ? -errno : 0;
  if (own >= 0) close(own);
  return rc;
}

/* Runs one SIOCSIF* request with a filled ifreq through sock, or a socket of its own when sock < 0. */
static int query_set(int sock, struct ifreq *ifr, unsigned long request) {
  int own = -1;
  if (sock < 0) {
    own = nk_control_socket();
    if (own < 0) return own;
    sock = own;
  }
  int rc = ioctl(sock, request, ifr) < 0 ? -errno : 0;
  if (own >= 0) close(own);
  return rc;
}

int nk_if_mtu_on(int sock, const char *name) {
  struct ifreq ifr;
  int rc = query(sock, name, SIOCGIFMTU, &ifr);
  return rc < 0 ? rc : ifr.ifr_mtu;
}

int nk_if_hwaddr_on(int sock, const char *name, unsigned char mac[6]) {
  struct ifreq ifr;
  int rc = query(sock, name, SIOCGIFHWADDR, &ifr);
  if (rc < 0) return rc;
  memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
  return 0;
}

int nk_if_flags_on(int sock, const char *name) {
  struct ifreq ifr;
  int rc = query(sock, name, SIOCGIFFLAGS, &ifr);
  return rc < 0 ? rc : (int)(unsigned short)ifr.ifr_flags;
}

int nk_if_set_mtu_on(int sock, const char *name, int mtu) {
  struct ifreq ifr;
  int rc = fill_ifreq(&ifr, name);
  if (rc < 0) return rc;
  ifr.ifr_mtu = mtu;
  return query_set(sock, &ifr, SIOCSIFMTU);
}

int nk_if_set_up_on(int sock, const char *name) {
  struct ifreq ifr;
  int rc = query(sock, name, SIOCGIFFLAGS, &ifr);
  if (rc < 0) return rc;
  if (ifr.ifr_flags & IFF_UP) return 0;
  ifr.ifr_flags |= IFF_UP;
  return query_set(sock, &ifr, SIOCSIFFLAGS);
}

int nk_if_mtu(const char *name) { return nk_if_mtu_on(-1, name); }
int nk_if_hwaddr(const char *name, unsigned char mac[6]) { return nk_if_hwaddr_on(-1, name, mac); }
int nk_if_flags(const char *name) { return nk_if_flags_on(-1, name); }

int nk_iff_up(void) { return IFF_UP; }
int nk_iff_running(void) { return IFF_RUNNING; }

int nk_enter_netns(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
  close(fd);
  return rc;
}
