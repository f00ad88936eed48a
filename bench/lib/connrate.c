/*
 * connrate: new TCP connections per second through a forward, for bench/udp.sh (rtcp against tcp).
 *
 *   connrate client PORT SECONDS CONCURRENCY
 *       Keeps CONCURRENCY connections to 127.0.0.1:PORT in flight for SECONDS (epoll, non-blocking): each
 *       connects, reads the target's one byte and its end of stream, and closes. Prints
 *       "completed N failed F seconds S per_second R"; a connection that ends without the byte is a failure.
 *   connrate sink PORT
 *       The target: accepts on 127.0.0.1:PORT, writes one byte and closes each connection, until killed.
 *
 * The byte makes every connection a full round trip through the forward (the target really answered, and
 * the answer came back before the close), as a short request would. Written in C so that the client costs
 * far less CPU than the forwards it measures; gcc -O2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD (1 << 20)

static struct sockaddr_in target;
static int ep;
static int inflight;
static unsigned char got_byte[MAX_FD];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short) port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static int start_one(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0 || fd >= MAX_FD) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &target, sizeof target) && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event);
    got_byte[fd] = 0;
    inflight++;
    return 0;
}

static int client(int port, double seconds, int concurrency) {
    long completed = 0, failed = 0;
    struct epoll_event events[256];
    target = loopback(port);
    ep = epoll_create1(0);
    double start = now(), deadline = start + seconds;
    while (now() < deadline) {
        while (inflight < concurrency) {
            if (start_one()) {
                failed++;
                break;
            }
        }
        int n = epoll_wait(ep, events, 256, 50);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            char buffer[64];
            ssize_t k;
            int finished = 0, ok = 0;
            while ((k = read(fd, buffer, sizeof buffer)) > 0) {
                got_byte[fd] = 1;
            }
            if (k == 0) {
                finished = 1;
                ok = got_byte[fd];
            } else if (errno != EAGAIN) {
                finished = 1;
            }
            if (finished) {
                close(fd); /* also leaves the epoll set */
                inflight--;
                if (ok) {
                    completed++;
                } else {
                    failed++;
                }
            }
        }
    }
    double elapsed = now() - start;
    printf("completed %ld failed %ld seconds %.2f per_second %.0f\n", completed, failed, elapsed,
           completed / elapsed);
    return 0;
}

static int sink(int port) {
    struct sockaddr_in address = loopback(port);
    int server = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(server, (struct sockaddr *) &address, sizeof address) || listen(server, 4096)) {
        perror("connrate sink: listen");
        return 1;
    }
    for (;;) {
        int connection = accept(server, NULL, NULL);
        if (connection < 0) {
            continue;
        }
        if (write(connection, "x", 1) != 1) {
            /* the client left already: it counts the failure */
        }
        close(connection);
    }
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "client") == 0) {
        return client(atoi(argv[2]), atof(argv[3]), atoi(argv[4]));
    }
    if (argc == 3 && strcmp(argv[1], "sink") == 0) {
        return sink(atoi(argv[2]));
    }
    fprintf(stderr, "usage: connrate client PORT SECONDS CONCURRENCY | connrate sink PORT\n");
    return 2;
}
