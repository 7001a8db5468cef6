/*
 * netns-reader: a long-lived reader of network namespaces for netatlas (see ARCHITECTURE.md).
 *
 * Requests on stdin, one per line: "<parts> <path>", where parts is a set of letters
 *   n  links, addresses, IPv4 and IPv6 routes of table main (rtnetlink), in `ip -j` shape
 *   f  netfilter: `nft -j list ruleset` through libnftables (and the text listing where iptables-nft has tables),
 *      and whether legacy iptables tables are loaded
 *   4  iptables-save -c, 6  ip6tables-save -c: the only processes this reader starts (no library saves iptables)
 *   g  the nf_tables generation id (one netlink message: cheap change detection)
 *   l  listening TCP and bound, unconnected UDP sockets (sock_diag)
 *   P  (path "-") one pass over /proc (or argv[2], the host's procfs mounted elsewhere): each process's netns
 *      inode and comm, and the socket inodes it holds
 *   v  the IPVS table (/proc/net/ip_vs as seen from the namespace), or the errno that kept it from being opened;
 *      and its net.ipv4.ip_forward
 *   p  the same pass without the sockets (no /proc/PID/fd walk: listeners are not wanted)
 * and path is an nsfs file (/proc/PID/ns/net, /run/docker/netns/X, /run/netns/X) or "-" for the namespace this
 * reader started in. The answer is one JSON line. Every string read from the kernel is escaped: control bytes as
 * \u00XX, bytes that are not UTF-8 as U+FFFD, so the answer is always valid JSON.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>

struct buf {
  char *p;
  size_t len, cap;
};

static void reserve(struct buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + n + 1) cap *= 2;
  b->p = realloc(b->p, cap);
  if (!b->p) abort();
  b->cap = cap;
}

static void put(struct buf *b, const char *s, size_t n) {
  reserve(b, n);
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(struct buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  put(b, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) len = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) len = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) len = 4, min = 0x10000;
  else return 0;
  if (len > n) return 0;
  unsigned cp = c & (0xff >> (len + 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

static void put_str(struct buf *b, const char *s0, size_t n) {
  const unsigned char *s = (const unsigned char *)s0;
  puts_(b, "\"");
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(b, e, 2);
      i++;
    } else if (c < 0x20 || c == 0x7f) {
      putf(b, "\\u%04x", c);
      i++;
    } else {
      size_t l = utf8_len(s + i, n - i);
      if (l == 0) {
        puts_(b, "\\ufffd");
        i++;
      } else {
        put(b, (const char *)s + i, l);
        i += l;
      }
    }
  }
  puts_(b, "\"");
}

/* A NUL-terminated netlink string attribute (the kernel may omit the NUL; never read past the payload). */
static void put_attr_str(struct buf *b, const struct rtattr *a) {
  const char *s = RTA_DATA(a);
  size_t max = RTA_PAYLOAD(a);
  put_str(b, s, strnlen(s, max));
}

static void parse_attrs(struct rtattr *tb[], int max, struct rtattr *a, int len) {
  memset(tb, 0, sizeof(struct rtattr *) * (max + 1));
  for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    unsigned short t = a->rta_type & NLA_TYPE_MASK;
    if (t <= max) tb[t] = a;
  }
}

typedef int (*msg_cb)(struct nlmsghdr *h, void *ctx);

/* Send one request and feed every answer message to cb until NLMSG_DONE (dump) or an ACK/answer (non-dump). */
static int nl_talk(int fd, void *req, size_t len, msg_cb cb, void *ctx) {
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof sa) < 0) return -errno;
  int dump = ((struct nlmsghdr *)req)->nlmsg_flags & NLM_F_DUMP;
  static char rbuf[1 << 16];
  for (;;) {
    ssize_t n = recv(fd, rbuf, sizeof rbuf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        return e->error;
      }
      int r = cb(h, ctx);
      if (r < 0) return r;
      if (!dump) return 0;
    }
  }
}

static int nl_open(int proto) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
  if (fd < 0) return -errno;
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  int big = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  return fd;
}

static int rt_dump(int fd, int type, int family, msg_cb cb, void *ctx) {
  struct {
    struct nlmsghdr h;
    union {
      struct ifinfomsg i;
      struct ifaddrmsg a;
      struct rtmsg r;
    } u;
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_type = type;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  size_t body = type == RTM_GETLINK ? sizeof(struct ifinfomsg) : type == RTM_GETADDR ? sizeof(struct ifaddrmsg) : sizeof(struct rtmsg);
  req.h.nlmsg_len = NLMSG_LENGTH(body);
  req.u.r.rtm_family = family; /* the family is the first byte of each of the three */
  return nl_talk(fd, &req, req.h.nlmsg_len, cb, ctx);
}

struct link {
  int ifindex;
  unsigned flags;
  char name[IFNAMSIZ + 1];
  size_t name_len;
};

struct links {
  struct link *v;
  size_t n, cap;
  struct buf *out;
  int first;
};

static struct link *lookup(struct links *ls, int ifindex) {
  for (size_t i = 0; i < ls->n; i++)
    if (ls->v[i].ifindex == ifindex) return &ls->v[i];
  return NULL;
}

static const char *lookup_name(struct links *ls, int ifindex, size_t *len) {
  struct link *l = lookup(ls, ifindex);
  return l ? (*len = l->name_len, l->name) : NULL;
}

/* First pass: names by ifindex (master, dev and link refer to them). */
static int link_names_cb(struct nlmsghdr *h, void *ctx) {
  struct links *ls = ctx;
  if (h->nlmsg_type != RTM_NEWLINK) return 0;
  struct ifinfomsg *ifi = NLMSG_DATA(h);
  struct rtattr *tb[IFLA_MAX + 1];
  parse_attrs(tb, IFLA_MAX, IFLA_RTA(ifi), IFLA_PAYLOAD(h));
  if (ls->n == ls->cap) {
    ls->cap = ls->cap ? ls->cap * 2 : 16;
    ls->v = realloc(ls->v, ls->cap * sizeof *ls->v);
    if (!ls->v) abort();
  }
  struct link *l = &ls->v[ls->n++];
  l->ifindex = ifi->ifi_index;
  l->flags = ifi->ifi_flags;
  l->name_len = 0;
  if (tb[IFLA_IFNAME]) {
    l->name_len = strnlen(RTA_DATA(tb[IFLA_IFNAME]), RTA_PAYLOAD(tb[IFLA_IFNAME]));
    if (l->name_len > IFNAMSIZ) l->name_len = IFNAMSIZ;
    memcpy(l->name, RTA_DATA(tb[IFLA_IFNAME]), l->name_len);
  }
  return 0;
}

static const char *link_type_name(unsigned t, char *tmp) {
  switch (t) {
  case ARPHRD_ETHER: return "ether";
  case ARPHRD_LOOPBACK: return "loopback";
  case ARPHRD_NONE: return "none";
  case ARPHRD_TUNNEL: return "ipip";
  case ARPHRD_SIT: return "sit";
  case ARPHRD_IPGRE: return "gre";
  case ARPHRD_TUNNEL6: return "tunnel6";
  case ARPHRD_IP6GRE: return "gre6";
  case ARPHRD_VOID: return "void";
  default: sprintf(tmp, "[%u]", t); return tmp;
  }
}

static void put_lladdr(struct buf *b, const unsigned char *a, size_t n) {
  char s[INET6_ADDRSTRLEN];
  if (n == 4 && inet_ntop(AF_INET, a, s, sizeof s)) return (void)put_str(b, s, strlen(s));
  if (n == 16 && inet_ntop(AF_INET6, a, s, sizeof s)) return (void)put_str(b, s, strlen(s));
  puts_(b, "\"");
  for (size_t i = 0; i < n; i++) putf(b, i ? ":%02x" : "%02x", a[i]);
  puts_(b, "\"");
}

/* The flags `ip` prints, in its order (iproute2 print_link_flags). */
static void put_flags(struct buf *b, unsigned f, int mdown) {
  static const struct { unsigned bit; const char *name; } names[] = {
      {IFF_LOOPBACK, "LOOPBACK"}, {IFF_BROADCAST, "BROADCAST"}, {IFF_POINTOPOINT, "POINTOPOINT"},
      {IFF_MULTICAST, "MULTICAST"}, {IFF_NOARP, "NOARP"}, {IFF_ALLMULTI, "ALLMULTI"}, {IFF_PROMISC, "PROMISC"},
      {IFF_MASTER, "MASTER"}, {IFF_SLAVE, "SLAVE"}, {IFF_DEBUG, "DEBUG"}, {IFF_DYNAMIC, "DYNAMIC"},
      {IFF_AUTOMEDIA, "AUTOMEDIA"}, {IFF_PORTSEL, "PORTSEL"}, {IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_UP, "UP"},
      {IFF_LOWER_UP, "LOWER_UP"}, {IFF_DORMANT, "DORMANT"}, {IFF_ECHO, "ECHO"}};
  int first = 1;
  puts_(b, "[");
  if ((f & IFF_UP) && !(f & IFF_RUNNING)) puts_(b, "\"NO-CARRIER\""), first = 0;
  f &= ~IFF_RUNNING;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(f & names[i].bit)) continue;
    putf(b, "%s\"%s\"", first ? "" : ",", names[i].name);
    first = 0;
    f &= ~names[i].bit;
  }
  if (f) putf(b, "%s\"%x\"", first ? "" : ",", f), first = 0;
  /* ip's "M-DOWN": the parent link (same namespace) is down */
  if (mdown) putf(b, "%s\"M-DOWN\"", first ? "" : ",");
  puts_(b, "]");
}

static void put_linkinfo(struct buf *b, struct rtattr *li) {
  struct rtattr *info[IFLA_INFO_MAX + 1];
  parse_attrs(info, IFLA_INFO_MAX, RTA_DATA(li), RTA_PAYLOAD(li));
  puts_(b, ",\"linkinfo\":{");
  int first = 1;
  char kind[32] = "";
  if (info[IFLA_INFO_KIND]) {
    snprintf(kind, sizeof kind, "%.*s", (int)RTA_PAYLOAD(info[IFLA_INFO_KIND]), (char *)RTA_DATA(info[IFLA_INFO_KIND]));
    puts_(b, "\"info_kind\":");
    put_attr_str(b, info[IFLA_INFO_KIND]);
    first = 0;
  }
  if (info[IFLA_INFO_DATA] && !strcmp(kind, "bridge")) {
    struct rtattr *d[IFLA_BR_MAX + 1];
    parse_attrs(d, IFLA_BR_MAX, RTA_DATA(info[IFLA_INFO_DATA]), RTA_PAYLOAD(info[IFLA_INFO_DATA]));
    putf(b, "%s\"info_data\":{", first ? "" : ",");
    int f2 = 1;
    if (d[IFLA_BR_STP_STATE]) putf(b, "\"stp_state\":%u", *(uint32_t *)RTA_DATA(d[IFLA_BR_STP_STATE])), f2 = 0;
    if (d[IFLA_BR_VLAN_FILTERING]) putf(b, "%s\"vlan_filtering\":%u", f2 ? "" : ",", *(uint8_t *)RTA_DATA(d[IFLA_BR_VLAN_FILTERING]));
    puts_(b, "}");
    first = 0;
  } else if (info[IFLA_INFO_DATA] && !strcmp(kind, "tun")) {
    struct rtattr *d[IFLA_TUN_MAX + 1];
    parse_attrs(d, IFLA_TUN_MAX, RTA_DATA(info[IFLA_INFO_DATA]), RTA_PAYLOAD(info[IFLA_INFO_DATA]));
    if (d[IFLA_TUN_TYPE]) {
      unsigned t = *(uint8_t *)RTA_DATA(d[IFLA_TUN_TYPE]);
      putf(b, "%s\"info_data\":{\"type\":\"%s\"}", first ? "" : ",", t == 2 ? "tap" : t == 1 ? "tun" : "unknown");
      first = 0;
    }
  }
  if (info[IFLA_INFO_SLAVE_KIND]) {
    putf(b, "%s\"info_slave_kind\":", first ? "" : ",");
    put_attr_str(b, info[IFLA_INFO_SLAVE_KIND]);
  }
  puts_(b, "}");
}

static int link_cb(struct nlmsghdr *h, void *ctx) {
  static const char *oper[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};
  struct links *ls = ctx;
  struct buf *b = ls->out;
  if (h->nlmsg_type != RTM_NEWLINK) return 0;
  struct ifinfomsg *ifi = NLMSG_DATA(h);
  struct rtattr *tb[IFLA_MAX + 1];
  char tmp[16];
  parse_attrs(tb, IFLA_MAX, IFLA_RTA(ifi), IFLA_PAYLOAD(h));
  putf(b, "%s{\"ifindex\":%d,\"ifname\":", ls->first ? "" : ",", ifi->ifi_index);
  ls->first = 0;
  if (tb[IFLA_IFNAME]) put_attr_str(b, tb[IFLA_IFNAME]);
  else puts_(b, "\"\"");
  int iflink = tb[IFLA_LINK] ? *(int *)RTA_DATA(tb[IFLA_LINK]) : 0;
  struct link *parent = iflink && !tb[IFLA_LINK_NETNSID] ? lookup(ls, iflink) : NULL;
  puts_(b, ",\"flags\":");
  put_flags(b, ifi->ifi_flags, parent && !(parent->flags & IFF_UP));
  if (tb[IFLA_MTU]) putf(b, ",\"mtu\":%u", *(uint32_t *)RTA_DATA(tb[IFLA_MTU]));
  if (tb[IFLA_OPERSTATE]) {
    unsigned o = *(uint8_t *)RTA_DATA(tb[IFLA_OPERSTATE]);
    if (o < 7) putf(b, ",\"operstate\":\"%s\"", oper[o]);
    else putf(b, ",\"operstate\":\"%u\"", o);
  }
  putf(b, ",\"link_type\":\"%s\"", link_type_name(ifi->ifi_type, tmp));
  if (tb[IFLA_ADDRESS]) {
    puts_(b, ",\"address\":");
    put_lladdr(b, RTA_DATA(tb[IFLA_ADDRESS]), RTA_PAYLOAD(tb[IFLA_ADDRESS]));
  }
  size_t nl;
  const char *name;
  if (tb[IFLA_MASTER] && (name = lookup_name(ls, *(int *)RTA_DATA(tb[IFLA_MASTER]), &nl))) {
    puts_(b, ",\"master\":");
    put_str(b, name, nl);
  }
  /* Like ip: the parent by name when it is in this namespace, by index (with the nsid) when it is not. */
  if (tb[IFLA_LINK]) {
    if (iflink != 0 && iflink != ifi->ifi_index) {
      if (tb[IFLA_LINK_NETNSID]) putf(b, ",\"link_index\":%d", iflink);
      else if ((name = lookup_name(ls, iflink, &nl))) {
        puts_(b, ",\"link\":");
        put_str(b, name, nl);
      } else putf(b, ",\"link_index\":%d", iflink);
    }
  }
  if (tb[IFLA_LINK_NETNSID]) putf(b, ",\"link_netnsid\":%d", *(int32_t *)RTA_DATA(tb[IFLA_LINK_NETNSID]));
  if (tb[IFLA_PARENT_DEV_BUS_NAME]) {
    puts_(b, ",\"parentbus\":");
    put_attr_str(b, tb[IFLA_PARENT_DEV_BUS_NAME]);
  }
  if (tb[IFLA_LINKINFO]) put_linkinfo(b, tb[IFLA_LINKINFO]);
  puts_(b, "}");
  return 0;
}

static const char *scope_name(unsigned s, char *tmp) {
  switch (s) {
  case RT_SCOPE_UNIVERSE: return "global";
  case RT_SCOPE_SITE: return "site";
  case RT_SCOPE_LINK: return "link";
  case RT_SCOPE_HOST: return "host";
  case RT_SCOPE_NOWHERE: return "nowhere";
  default: sprintf(tmp, "%u", s); return tmp;
  }
}

static void put_ip(struct buf *b, int family, const void *a) {
  char s[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, a, s, sizeof s);
  putf(b, "\"%s\"", s);
}

struct addrs {
  struct links *ls;
  struct buf *out;
  int cur; /* ifindex of the group being written, or 0 */
  struct buf *per; /* one group per link, in link order */
};

/* Addresses come grouped by family; `ip -j addr` groups them by link, as interfacesFromIp expects. */
static int addr_cb(struct nlmsghdr *h, void *ctx) {
  struct addrs *as = ctx;
  if (h->nlmsg_type != RTM_NEWADDR) return 0;
  struct ifaddrmsg *ifa = NLMSG_DATA(h);
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return 0;
  struct rtattr *tb[IFA_MAX + 1];
  char tmp[16];
  parse_attrs(tb, IFA_MAX, IFA_RTA(ifa), IFA_PAYLOAD(h));
  struct rtattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  if (!a) return 0;
  size_t i;
  for (i = 0; i < as->ls->n && as->ls->v[i].ifindex != (int)ifa->ifa_index; i++);
  if (i == as->ls->n) return 0;
  struct buf *b = &as->per[i];
  putf(b, "%s{\"family\":\"%s\",\"local\":", b->len ? "," : "", ifa->ifa_family == AF_INET ? "inet" : "inet6");
  put_ip(b, ifa->ifa_family, RTA_DATA(a));
  putf(b, ",\"prefixlen\":%u,\"scope\":\"%s\"", ifa->ifa_prefixlen, scope_name(ifa->ifa_scope, tmp));
  if (tb[IFA_LABEL]) {
    puts_(b, ",\"label\":");
    put_attr_str(b, tb[IFA_LABEL]);
  }
  puts_(b, "}");
  return 0;
}

static const char *proto_name(unsigned p, char *tmp) {
  switch (p) {
  case RTPROT_REDIRECT: return "redirect";
  case RTPROT_KERNEL: return "kernel";
  case RTPROT_BOOT: return "boot";
  case RTPROT_STATIC: return "static";
  case RTPROT_RA: return "ra";
  case RTPROT_DHCP: return "dhcp";
  case 186: return "bgp";
  case 187: return "isis";
  case 188: return "ospf";
  case 189: return "rip";
  default: sprintf(tmp, "%u", p); return tmp;
  }
}

static const char *rtype_name(unsigned t) {
  static const char *names[] = {"none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
                                "unreachable", "prohibit", "throw", "nat", "xresolve"};
  return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

struct routes {
  struct links *ls;
  struct buf *out;
  int first;
};

static int route_cb(struct nlmsghdr *h, void *ctx) {
  struct routes *rs = ctx;
  struct buf *b = rs->out;
  if (h->nlmsg_type != RTM_NEWROUTE) return 0;
  struct rtmsg *r = NLMSG_DATA(h);
  struct rtattr *tb[RTA_MAX + 1];
  char tmp[16];
  parse_attrs(tb, RTA_MAX, RTM_RTA(r), RTM_PAYLOAD(h));
  unsigned table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE]) : r->rtm_table;
  if (table != RT_TABLE_MAIN || (r->rtm_flags & RTM_F_CLONED)) return 0;
  putf(b, "%s{", rs->first ? "" : ",");
  rs->first = 0;
  /* `ip -d` shape: type, protocol and scope always (the shell path reads routes with -d) */
  putf(b, "\"type\":\"%s\",", rtype_name(r->rtm_type));
  puts_(b, "\"dst\":");
  unsigned host_len = r->rtm_family == AF_INET ? 32 : 128;
  if (tb[RTA_DST]) {
    char s[INET6_ADDRSTRLEN] = "";
    inet_ntop(r->rtm_family, RTA_DATA(tb[RTA_DST]), s, sizeof s);
    if (r->rtm_dst_len != host_len) putf(b, "\"%s/%u\"", s, r->rtm_dst_len);
    else putf(b, "\"%s\"", s);
  } else if (r->rtm_dst_len) putf(b, "\"0/%u\"", r->rtm_dst_len);
  else puts_(b, "\"default\"");
  if (tb[RTA_GATEWAY]) {
    puts_(b, ",\"gateway\":");
    put_ip(b, r->rtm_family, RTA_DATA(tb[RTA_GATEWAY]));
  }
  size_t nl;
  const char *name;
  if (tb[RTA_OIF] && (name = lookup_name(rs->ls, *(int *)RTA_DATA(tb[RTA_OIF]), &nl))) {
    puts_(b, ",\"dev\":");
    put_str(b, name, nl);
  }
  putf(b, ",\"protocol\":\"%s\"", proto_name(r->rtm_protocol, tmp));
  putf(b, ",\"scope\":\"%s\"", scope_name(r->rtm_scope, tmp));
  if (tb[RTA_PREFSRC]) {
    puts_(b, ",\"prefsrc\":");
    put_ip(b, r->rtm_family, RTA_DATA(tb[RTA_PREFSRC]));
  }
  if (tb[RTA_PRIORITY]) putf(b, ",\"metric\":%u", *(uint32_t *)RTA_DATA(tb[RTA_PRIORITY]));
  puts_(b, "}");
  return 0;
}

static int read_netlink(struct buf *b) {
  int fd = nl_open(NETLINK_ROUTE);
  if (fd < 0) return fd;
  struct links ls = {0};
  int err = rt_dump(fd, RTM_GETLINK, AF_UNSPEC, link_names_cb, &ls);
  if (!err) {
    ls.out = b;
    ls.first = 1;
    puts_(b, ",\"links\":[");
    err = rt_dump(fd, RTM_GETLINK, AF_UNSPEC, link_cb, &ls);
    puts_(b, "]");
  }
  if (!err) {
    struct addrs as = {.ls = &ls, .out = b, .per = calloc(ls.n + 1, sizeof(struct buf))};
    err = rt_dump(fd, RTM_GETADDR, AF_UNSPEC, addr_cb, &as);
    puts_(b, ",\"addrs\":[");
    for (size_t i = 0; i < ls.n; i++) {
      putf(b, "%s{\"ifindex\":%d,\"ifname\":", i ? "," : "", ls.v[i].ifindex);
      put_str(b, ls.v[i].name, ls.v[i].name_len);
      puts_(b, ",\"addr_info\":[");
      if (as.per[i].len) put(b, as.per[i].p, as.per[i].len);
      puts_(b, "]}");
      free(as.per[i].p);
    }
    puts_(b, "]");
    free(as.per);
  }
  const int fams[2] = {AF_INET, AF_INET6};
  for (int i = 0; i < 2 && !err; i++) {
    struct routes rs = {.ls = &ls, .out = b, .first = 1};
    putf(b, ",\"route%d\":[", i ? 6 : 4);
    err = rt_dump(fd, RTM_GETROUTE, fams[i], route_cb, &rs);
    /* A namespace without IPv6 answers the IPv6 dump with EAFNOSUPPORT: no routes. */
    if (i == 1 && err == -EAFNOSUPPORT) err = 0;
    puts_(b, "]");
  }
  free(ls.v);
  close(fd);
  return err;
}

static int genid_cb(struct nlmsghdr *h, void *ctx) {
  struct nfgenmsg *g = NLMSG_DATA(h);
  struct rtattr *tb[NFTA_GEN_MAX + 1];
  parse_attrs(tb, NFTA_GEN_MAX, (struct rtattr *)((char *)g + NLMSG_ALIGN(sizeof *g)), h->nlmsg_len - NLMSG_LENGTH(sizeof *g));
  if (tb[NFTA_GEN_ID]) *(long long *)ctx = ntohl(*(uint32_t *)RTA_DATA(tb[NFTA_GEN_ID]));
  return 0;
}

/* The nf_tables generation id: it changes with every ruleset change in this namespace (not with counters). */
static long long read_genid(void) {
  int fd = nl_open(NETLINK_NETFILTER);
  if (fd < 0) return -1;
  struct {
    struct nlmsghdr h;
    struct nfgenmsg g;
  } req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1},
           .g = {.nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0}};
  long long id = -1;
  int err = nl_talk(fd, &req, sizeof req, genid_cb, &id);
  close(fd);
  return err ? -1 : id;
}

static int procs_started;

/* Run a program in the current namespace; its stdout and the first line of its stderr. 127 when it cannot run. */
static int run_tool(const char *const argv[], struct buf *out, struct buf *err) {
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) return 127;
  pid_t self = getpid();
  pid_t pid = fork();
  if (pid < 0) return close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), 127;
  if (pid == 0) {
    /* The tool dies with the reader, as the reader dies with netatlas. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != self) _exit(127);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  procs_started++;
  close(po[1]);
  close(pe[1]);
  struct pollfd p[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
  int open_ = 2;
  char tmp[65536];
  while (open_) {
    if (poll(p, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || !p[i].revents) continue;
      ssize_t n = read(p[i].fd, tmp, sizeof tmp);
      if (n <= 0) {
        close(p[i].fd);
        p[i].fd = -1;
        open_--;
      } else put(i ? err : out, tmp, n);
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void put_section(struct buf *b, const char *key, int code, struct buf *out, struct buf *err) {
  putf(b, ",\"%s\":{\"code\":%d,\"stdout\":", key, code);
  put_str(b, out->p ? out->p : "", out->len);
  puts_(b, ",\"stderr\":");
  put_str(b, err->p ? err->p : "", err->len);
  puts_(b, "}");
}

static int has_line(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int c = fgetc(f);
  fclose(f);
  return c != EOF;
}

/*
 * The IPVS table of the current namespace, as the kernel prints it (/proc/net/ip_vs: swarm's routing mesh and
 * service load balancers). "ipvs": {"text": …} (with "truncated": true past 4 MiB), or {"errno": N} when it cannot be
 * opened: ENOENT means the kernel has no IPVS (the module is not loaded, or not built).
 */
static void read_ipvs(struct buf *b) {
  /* Whether the namespace forwards: an IPVS director sends replies on only if it does. -1: unreadable. */
  char v[16] = "";
  int ffd = open("/proc/sys/net/ipv4/ip_forward", O_RDONLY | O_CLOEXEC);
  ssize_t vn = ffd >= 0 ? read(ffd, v, sizeof v - 1) : -1;
  if (ffd >= 0) close(ffd);
  putf(b, ",\"ipv4Forward\":%d", vn > 0 && (v[0] == '0' || v[0] == '1') ? v[0] - '0' : -1);
  int fd = open("/proc/self/net/ip_vs", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    putf(b, ",\"ipvs\":{\"errno\":%d}", errno);
    return;
  }
  struct buf t = {0};
  char chunk[65536];
  ssize_t n;
  int truncated = 0;
  while ((n = read(fd, chunk, sizeof chunk)) > 0) {
    if (t.len + (size_t)n > (4u << 20)) {
      truncated = 1;
      break;
    }
    put(&t, chunk, (size_t)n);
  }
  int err = n < 0 ? errno : 0;
  close(fd);
  if (err) putf(b, ",\"ipvs\":{\"errno\":%d}", err);
  else {
    puts_(b, ",\"ipvs\":{\"text\":");
    put_str(b, t.p ? t.p : "", t.len);
    putf(b, ",\"truncated\":%s}", truncated ? "true" : "false");
  }
  free(t.p);
}

/* nft's answer to one command, JSON or text, as a section. */
static int nft_list(struct buf *b, const char *key, int json) {
  struct buf out = {0}, err = {0};
  int code = 1;
  struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT); /* its netlink socket belongs to the current namespace */
  if (!nft) puts_(&err, "cannot create an nftables context");
  else {
    if (json) nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
    nft_ctx_buffer_output(nft);
    nft_ctx_buffer_error(nft);
    code = nft_run_cmd_from_buffer(nft, "list ruleset") ? 1 : 0;
    const char *o = nft_ctx_get_output_buffer(nft), *e = nft_ctx_get_error_buffer(nft);
    puts_(&out, o ? o : "");
    puts_(&err, e ? e : "");
    nft_ctx_free(nft);
  }
  put_section(b, key, code, &out, &err);
  int has_ip = out.p && strstr(out.p, "\"family\": \"ip\"");
  int has_ip6 = out.p && strstr(out.p, "\"family\": \"ip6\"");
  free(out.p);
  free(err.p);
  return code ? -1 : (has_ip ? 1 : 0) | (has_ip6 ? 2 : 0);
}

/*
 * nft -j list ruleset; where iptables-nft has tables (an ip/ip6 family table), the text listing too, from which
 * the collector rebuilds iptables-save's output for the shapes it knows; legacy tables are flagged (`legacy4/6`).
 */
static void read_netfilter(struct buf *b) {
  int fams = nft_list(b, "nft", 1);
  if (fams > 0) nft_list(b, "nftText", 0);
  putf(b, ",\"legacy4\":%s,\"legacy6\":%s", has_line("/proc/self/net/ip_tables_names") ? "true" : "false",
       has_line("/proc/self/net/ip6_tables_names") ? "true" : "false");
}

static void read_iptables(struct buf *b, int v6) {
  static const char *const tools[2][3] = {{"iptables-save", "-c", NULL}, {"ip6tables-save", "-c", NULL}};
  struct buf out = {0}, err = {0};
  int rc = run_tool(tools[v6], &out, &err);
  put_section(b, v6 ? "ipt6" : "ipt4", rc, &out, &err);
  free(out.p);
  free(err.p);
}

struct diag {
  struct buf *out;
  int first;
  const char *proto;
};

static int diag_cb(struct nlmsghdr *h, void *ctx) {
  struct diag *d = ctx;
  if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) return 0;
  struct inet_diag_msg *m = NLMSG_DATA(h);
  unsigned port = ntohs(m->id.idiag_sport);
  if (port == 0) return 0;
  putf(d->out, "%s{\"protocol\":\"%s\",\"family\":\"%s\",\"address\":", d->first ? "" : ",", d->proto,
       m->idiag_family == AF_INET ? "inet" : "inet6");
  d->first = 0;
  put_ip(d->out, m->idiag_family, m->id.idiag_src);
  putf(d->out, ",\"port\":%u,\"inode\":%u,\"uid\":%u}", port, m->idiag_inode, m->idiag_uid);
  return 0;
}

static int read_listeners(struct buf *b) {
  int fd = nl_open(NETLINK_SOCK_DIAG);
  if (fd < 0) return fd;
  struct diag d = {.out = b, .first = 1};
  puts_(b, ",\"listeners\":[");
  int err = 0;
  const int fams[2] = {AF_INET, AF_INET6};
  for (int p = 0; p < 2 && !err; p++) {
    for (int f = 0; f < 2 && !err; f++) {
      struct {
        struct nlmsghdr h;
        struct inet_diag_req_v2 r;
      } req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
               .r = {.sdiag_family = fams[f], .sdiag_protocol = p ? IPPROTO_UDP : IPPROTO_TCP,
                     /* TCP: listeners; UDP: unconnected sockets (TCP_CLOSE), those that take datagrams from anyone */
                     .idiag_states = p ? 1u << 7 : 1u << 10}};
      d.proto = p ? "udp" : "tcp";
      err = nl_talk(fd, &req, sizeof req, diag_cb, &d);
      /* No IPv6 (or no UDP diag module) in this kernel: nothing of that kind can exist. */
      if (err == -ENOENT || err == -EAFNOSUPPORT) err = 0;
    }
  }
  puts_(b, "]");
  close(fd);
  return err;
}

/*
 * One pass over /proc: every process's network namespace inode and comm ("procs": [pid, inode, comm]), and every
 * socket inode it holds open ("owners": [inode, pid, comm]). Processes that exit meanwhile are skipped.
 */
static const char *proc_root = "/proc";

static void read_processes(struct buf *b, int with_owners) {
  DIR *proc = opendir(proc_root);
  struct buf owners = {0};
  puts_(b, ",\"procs\":[");
  int first = 1, first_owner = 1;
  struct dirent *e;
  while (proc && (e = readdir(proc))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char path[4200], comm[64] = "", ns[64];
    snprintf(path, sizeof path, "%s/%ld", proc_root, pid);
    int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0) continue;
    ssize_t nn = readlinkat(pfd, "ns/net", ns, sizeof ns - 1);
    int cfd = openat(pfd, "comm", O_RDONLY | O_CLOEXEC);
    ssize_t cn = cfd >= 0 ? read(cfd, comm, sizeof comm - 1) : -1;
    if (cfd >= 0) close(cfd);
    if (nn <= 5 || cn < 0 || strncmp(ns, "net:[", 5)) {
      close(pfd);
      continue;
    }
    ns[nn] = 0;
    comm[cn] = 0;
    if (cn && comm[cn - 1] == '\n') comm[--cn] = 0;
    putf(b, "%s[%ld,%lu,", first ? "" : ",", pid, strtoul(ns + 5, NULL, 10));
    put_str(b, comm, cn);
    puts_(b, "]");
    first = 0;
    int dfd = with_owners ? openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    close(pfd);
    DIR *fds = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!fds) {
      if (dfd >= 0) close(dfd);
      continue;
    }
    struct dirent *f;
    while ((f = readdir(fds))) {
      char link[64];
      ssize_t n = readlinkat(dfd, f->d_name, link, sizeof link - 1);
      if (n <= 8 || strncmp(link, "socket:[", 8)) continue;
      link[n] = 0;
      putf(&owners, "%s[%lu,%ld,", first_owner ? "" : ",", strtoul(link + 8, NULL, 10), pid);
      put_str(&owners, comm, cn);
      puts_(&owners, "]");
      first_owner = 0;
    }
    closedir(fds);
  }
  if (proc) closedir(proc);
  puts_(b, "],\"owners\":[");
  if (owners.len) put(b, owners.p, owners.len);
  puts_(b, "]");
  free(owners.p);
}

static void put_error(struct buf *b, const char *what, int err) {
  puts_(b, ",\"error\":");
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err < 0 ? -err : err));
  put_str(b, msg, strlen(msg));
}

int main(int argc, char **argv) {
  /* Die with netatlas even when it is SIGKILLed. It passes its pid: if it died before we could ask, we were
     reparented already and the signal will never come. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return perror("netns-reader: prctl"), 1;
  if (argc > 1 && getppid() != (pid_t)atol(argv[1])) return 1;
  /* The host's procfs when it is mounted elsewhere (an agent in a container without the host's PID namespace). */
  if (argc > 2 && strlen(argv[2]) < 4096) proc_root = argv[2];
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) return perror("netns-reader: /proc/self/ns/net"), 1;
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  struct buf b = {0};
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    char *path = strchr(line, ' ');
    if (!path) continue;
    *path++ = 0;
    const char *parts = line;
    b.len = 0;
    procs_started = 0;
    puts_(&b, "{\"ok\":");
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : home;
    if (fd < 0) {
      puts_(&b, "false");
      put_error(&b, "open", errno);
    } else if (setns(fd, CLONE_NEWNET) < 0) {
      puts_(&b, "false");
      put_error(&b, "setns", errno);
    } else {
      puts_(&b, "true");
      int err;
      if (strchr(parts, 'n') && (err = read_netlink(&b))) put_error(&b, "rtnetlink", err);
      if (strchr(parts, 'g')) putf(&b, ",\"genid\":%lld", read_genid());
      if (strchr(parts, 'f')) read_netfilter(&b);
      if (strchr(parts, '4')) read_iptables(&b, 0);
      if (strchr(parts, '6')) read_iptables(&b, 1);
      if (strchr(parts, 'l') && (err = read_listeners(&b))) {
        put_error(&b, "sock_diag", err);
        puts_(&b, ",\"listenersError\":true");
      }
      if (strchr(parts, 'P')) read_processes(&b, 1);
      else if (strchr(parts, 'p')) read_processes(&b, 0);
      if (strchr(parts, 'v')) read_ipvs(&b);
      putf(&b, ",\"started\":%d", procs_started);
    }
    if (fd >= 0 && fd != home) close(fd);
    puts_(&b, "}\n");
    fwrite(b.p, 1, b.len, stdout);
    fflush(stdout);
  }
  return 0;
}
