// controller: the control-plane daemon's entry point (flags, logging, signals). The work is
// in controller.c; docs/controller.md describes the flags, the state and the API.
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller.h"
#include "ctl_http.h"
#include "dm_log.h"
#include "dm_rpc.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: controller --name NAME --addr HOST:PORT --data-dir DIR [--http-addr HOST:PORT]\n"
               "                  [-L level] [--log-file F] [--keepalive-ttl-ms N]\n");
}

static void print_err(const dm_err *e)
{
    char msg[4096];
    fprintf(stderr, "controller: %s\n", dm_err_format(msg, sizeof(msg), e));
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, 0, 'n'},      {"addr", required_argument, 0, 'a'},
        {"data-dir", required_argument, 0, 'd'},  {"http-addr", required_argument, 0, 'H'},
        {"log-level", required_argument, 0, 'L'}, {"log-file", required_argument, 0, 'f'},
        {"keepalive-ttl-ms", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    controller_opts o = {0};
    const char *level = NULL, *log_file = NULL, *http = NULL;
    controller *c = NULL;
    ctl_http *hs = NULL;
    dm_log_level lv = DM_LOG_INFO;
    dm_err e;
    char url[512];
    int ch, rc = 1;
    sigset_t sigs;

    signal(SIGPIPE, SIG_IGN);
    dm_err_clear(&e);
    while ((ch = getopt_long(argc, argv, "L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': o.name = optarg; break;
        case 'a': o.addr = optarg; break;
        case 'd': o.data_dir = optarg; break;
        case 'H': http = optarg; break;
        case 'L': level = optarg; break;
        case 'f': log_file = optarg; break;
        case 't': o.keepalive_ttl_ms = strtoll(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.name || !o.addr || !o.data_dir || optind < argc) {
        usage(stderr);
        return 2;
    }
    if ((level && dm_log_parse_level(&lv, level, &e)) || dm_log_open(log_file, lv, false, &e)) {
        print_err(&e);
        return 2;
    }
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    if (dm_rpc_url(url, sizeof(url), o.addr, &e) || controller_create(&c, &o, &e) ||
        controller_start(c, url, &e) || (http && ctl_http_start(&hs, c, http, &e))) {
        print_err(&e);
        goto done;
    }
    if (http)
        dm_info("controller", "HTTP: http://%s/apis/v1alpha1/status and /metrics", http);
    dm_info("controller", "controller %s serving on %s (keepalive TTL %lld ms)", o.name, url,
            (long long)(o.keepalive_ttl_ms > 0 ? o.keepalive_ttl_ms : 10000));
    int sig = 0;
    sigwait(&sigs, &sig);
    dm_info("controller", "controller %s stopping on signal %d", o.name, sig);
    rc = 0;
done:
    ctl_http_stop(hs);
    controller_destroy(c);
    dm_log_close();
    return rc;
}
