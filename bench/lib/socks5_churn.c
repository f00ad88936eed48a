/*
 * socks5_churn: new SOCKS5 tunnels per second, for bench/socks5.sh.
 *
 *   socks5_churn client PROXY_PORT TARGET_PORT SECONDS THREADS
 *       THREADS threads, each in a loop for SECONDS: connect to 127.0.0.1:PROXY_PORT, greeting (no-auth),
 *       wait for the method, CONNECT 127.0.0.1:TARGET_PORT, wait for the reply, close. Prints
 *       "tunnels N failed F seconds S per_second R"; a failure is any step that did not go as RFC 1928
 *       says (the first reason is printed too). Blocking sockets: one tunnel at a time per thread, as a
 *       browser opening connections would.
 *   socks5_churn sink PORT THREADS
 *       the target: accepts on 127.0.0.1:PORT and closes each connection at once, until killed.
 *
 * Written in C so that the client costs far less CPU than the servers it measures (a Python client was
 * the bottleneck); gcc -O2 -pthread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int proxy_port;
static int target_port;
static double deadline;
static atomic_long tunnels;
static atomic_long failures;
static char first_failure[200];
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;

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

static void failed(const char *what) {
    atomic_fetch_add(&failures, 1);
    pthread_mutex_lock(&failure_lock);
    if (first_failure[0] == 0) {
        snprintf(first_failure, sizeof first_failure, "%s: %s", what, errno ? strerror(errno) : "protocol");
    }
    pthread_mutex_unlock(&failure_lock);
}

static int read_exactly(int fd, unsigned char *buffer, size_t count) {
    size_t done = 0;
    while (done < count) {
        ssize_t n = read(fd, buffer + done, count - done);
        if (n <= 0) {
            if (n == 0) {
                errno = 0;
            }
            return -1;
        }
        done += (size_t) n;
    }
    return 0;
}

static void one_tunnel(void) {
    struct sockaddr_in proxy = loopback(proxy_port);
    unsigned char reply[10];
    unsigned char request[10] = {5, 1, 0, 1, 127, 0, 0, 1, 0, 0};
    request[8] = (unsigned char) (target_port >> 8);
    request[9] = (unsigned char) (target_port & 0xff);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        failed("socket");
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval timeout = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    errno = 0;
    if (connect(fd, (struct sockaddr *) &proxy, sizeof proxy) < 0) {
        failed("connect");
    } else if (write(fd, "\x05\x01\x00", 3) != 3) {
        failed("greeting");
    } else if (read_exactly(fd, reply, 2) < 0 || reply[0] != 5 || reply[1] != 0) {
        failed("method reply");
    } else if (write(fd, request, sizeof request) != (ssize_t) sizeof request) {
        failed("request");
    } else if (read_exactly(fd, reply, 10) < 0 || reply[0] != 5 || reply[1] != 0) {
        failed("CONNECT reply");
    } else {
        atomic_fetch_add(&tunnels, 1);
    }
    close(fd);
}

static void *client_loop(void *unused) {
    (void) unused;
    while (now() < deadline) {
        one_tunnel();
    }
    return NULL;
}

static void *sink_loop(void *listener) {
    int fd = *(int *) listener;
    for (;;) {
        int connection = accept(fd, NULL, NULL);
        if (connection >= 0) {
            close(connection);
        }
    }
    return NULL;
}

static int run_client(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s client PROXY_PORT TARGET_PORT SECONDS THREADS\n", argv[0]);
        return 2;
    }
    proxy_port = atoi(argv[2]);
    target_port = atoi(argv[3]);
    double seconds = atof(argv[4]);
    int threads = atoi(argv[5]);
    pthread_t *ids = calloc((size_t) threads, sizeof *ids);
    double start = now();
    deadline = start + seconds;
    for (int i = 0; i < threads; i++) {
        pthread_create(&ids[i], NULL, client_loop, NULL);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(ids[i], NULL);
    }
    double elapsed = now() - start;
    long done = atomic_load(&tunnels);
    printf("tunnels %ld failed %ld seconds %.3f per_second %.1f%s%s\n", done, atomic_load(&failures), elapsed,
           done / elapsed, first_failure[0] ? " first_failure " : "", first_failure);
    free(ids);
    return 0;
}

static int run_sink(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s sink PORT THREADS\n", argv[0]);
        return 2;
    }
    struct sockaddr_in address = loopback(atoi(argv[2]));
    int threads = atoi(argv[3]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *) &address, sizeof address) < 0 || listen(fd, 4096) < 0) {
        perror("sink: bind/listen");
        return 1;
    }
    pthread_t id;
    for (int i = 1; i < threads; i++) {
        pthread_create(&id, NULL, sink_loop, &fd);
    }
    sink_loop(&fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "client") == 0) {
        return run_client(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "sink") == 0) {
        return run_sink(argc, argv);
    }
    fprintf(stderr, "usage: %s client|sink ...\n", argv[0]);
    return 2;
}
