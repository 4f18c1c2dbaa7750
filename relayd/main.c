// relayd: the relay daemon's entry point (flags, subcommands, signals). The work is in
// relay_source (one relay thread per source), relay_rpc (the nng endpoints) and
// relay_inspect; docs/relayd.md describes the flags and the endpoints.
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "binlog_client.h"
#include "config.h"
#include "dm_log.h"
#include "dm_rpc.h"
#include "relay_inspect.h"
#include "relay_join.h"
#include "relay_rpc.h"
#include "relay_source.h"

#define MAX_SOURCES 64

static void usage(FILE *f)
{
    fprintf(f,
            "usage:\n"
            "  relayd --name NAME --addr HOST:PORT --relay-dir DIR [--source source.yaml ...]\n"
            "         [--join CONTROLLER_ADDR] [--config FILE] [-L level] [--log-file FILE]\n"
            "         [--zstd-level N] [--commit-ms MS] [--commit-bytes N]\n"
            "  relayd inspect (--relay-dir DIR | --addr HOST:PORT) --source-id ID\n"
            "         [--from FILE:POS [--epoch N] | --gtid SET] [--limit N]\n"
            "  relayd call --addr HOST:PORT METHOD [PARAMS_JSON] [--data-out FILE]\n"
            "  relayd stream --host H --port P [--user U] [--password PW] --server-id N\n"
            "         [--file F [--pos P] | --gtid D-S-N,...] [--non-block] [--limit N] [--heartbeat-ms MS]\n");
}

static void print_err(const char *what, const dm_err *e)
{
    char msg[4096];
    fprintf(stderr, "relayd %s: %s\n", what, dm_err_format(msg, sizeof(msg), e));
}

// ---- relayd stream: the replica client on its own ---------------------------------------

static int cmd_stream(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, 0, 'h'},      {"port", required_argument, 0, 'P'},
        {"user", required_argument, 0, 'u'},      {"password", required_argument, 0, 'p'},
        {"server-id", required_argument, 0, 's'}, {"file", required_argument, 0, 'f'},
        {"pos", required_argument, 0, 'o'},       {"gtid", required_argument, 0, 'g'},
        {"non-block", no_argument, 0, 'n'},       {"limit", required_argument, 0, 'l'},
        {"heartbeat-ms", required_argument, 0, 'H'}, {0, 0, 0, 0},
    };
    binlog_client_options o;
    binlog_client *c = NULL;
    binlog_client_event ev;
    dm_err err;
    long long limit = -1, count = 0;
    int ch, rc = 0;

    memset(&o, 0, sizeof(o));
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': o.conn.host = optarg; break;
        case 'P': o.conn.port = (unsigned)atoi(optarg); break;
        case 'u': o.conn.user = optarg; break;
        case 'p': o.conn.password = optarg; break;
        case 's': o.replica_server_id = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'f': o.start_file = optarg; break;
        case 'o': o.start_pos = strtoull(optarg, NULL, 10); break;
        case 'g': o.start_gtid = optarg; break;
        case 'n': o.non_block = true; break;
        case 'l': limit = atoll(optarg); break;
        case 'H': o.heartbeat_ms = (uint32_t)strtoul(optarg, NULL, 10); break;
        default: usage(stderr); return 2;
        }
    }
    dm_err_clear(&err);
    if ((rc = binlog_client_open(&c, &o, &err)))
        goto done;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (limit < 0 || count < limit) {
        if ((rc = binlog_client_read(&ev, c, &err)))
            goto done;
        switch (ev.kind) {
        case BINLOG_CLIENT_EVENT:
            printf("%s:%" PRIu64 " %u %u %zu %" PRIu64 "%s\n", ev.file, ev.pos, ev.type, ev.server_id,
                   ev.len, ev.next_pos, ev.format_resend ? " resend" : "");
            count++;
            break;
        case BINLOG_CLIENT_FAKE_ROTATE:
            printf("# fake-rotate %s:%" PRIu64 "\n", ev.file, ev.pos);
            break;
        case BINLOG_CLIENT_HEARTBEAT:
            printf("# heartbeat %s:%" PRIu64 "\n", ev.file, ev.pos);
            break;
        case BINLOG_CLIENT_ARTIFICIAL:
            printf("# artificial %u %s:%" PRIu64 "\n", ev.type, ev.file, ev.pos);
            break;
        case BINLOG_CLIENT_EOF:
            printf("# eof %s:%" PRIu64 "\n", ev.file, ev.pos);
            goto done;
        }
    }
done:
    if (rc)
        print_err("stream", &err);
    binlog_client_destroy(c);
    return rc ? 1 : 0;
}

// ---- relayd inspect ---------------------------------------------------------------------

static int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"relay-dir", required_argument, 0, 'd'}, {"source-id", required_argument, 0, 's'},
        {"from", required_argument, 0, 'f'},      {"epoch", required_argument, 0, 'e'},
        {"gtid", required_argument, 0, 'g'},      {"limit", required_argument, 0, 'l'},
        {"addr", required_argument, 0, 'a'},      {0, 0, 0, 0},
    };
    relay_inspect_opts o;
    dm_err err;
    int ch;

    memset(&o, 0, sizeof(o));
    o.limit = -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': o.relay_dir = optarg; break;
        case 's': o.source_id = optarg; break;
        case 'f': o.from = optarg; break;
        case 'e': o.epoch = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'g': o.gtid = optarg; break;
        case 'l': o.limit = atoll(optarg); break;
        case 'a': o.addr = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    if ((!o.relay_dir && !o.addr) || !o.source_id || (o.from && o.gtid)) {
        fprintf(stderr, "relayd inspect: needs --source-id and --relay-dir (or --addr of a running relayd), "
                        "and at most one of --from/--gtid\n");
        return 2;
    }
    if (relay_inspect_run(stdout, &o, &err)) {
        print_err("inspect", &err);
        return 1;
    }
    return 0;
}

// ---- relayd call: one RPC, result printed as JSON ---------------------------------------

static int cmd_call(int argc, char **argv)
{
    static const struct option opts[] = {
        {"addr", required_argument, 0, 'a'}, {"data-out", required_argument, 0, 'o'},
        {"timeout-ms", required_argument, 0, 't'}, {0, 0, 0, 0},
    };
    const char *addr = NULL, *data_out = NULL;
    int ch, rc = 1, timeout = 70000;
    char url[512];
    dm_err err;
    json_t *params = NULL, *res = NULL;
    dm_rpc_client *c = NULL;
    dm_buf data;

    dm_buf_init(&data);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'a': addr = optarg; break;
        case 'o': data_out = optarg; break;
        case 't': timeout = atoi(optarg); break;
        default: usage(stderr); return 2;
        }
    }
    if (!addr || optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (optind + 1 < argc) {
        json_error_t je;
        params = json_loads(argv[optind + 1], 0, &je);
        if (!json_is_object(params)) {
            fprintf(stderr, "relayd call: PARAMS_JSON is not a JSON object: %s\n", je.text);
            goto done;
        }
    }
    if (dm_rpc_url(url, sizeof(url), addr, &err) || dm_rpc_client_open(&c, url, &err) ||
        dm_rpc_client_call(&res, &data, c, argv[optind], params, NULL, 0, timeout, &err)) {
        print_err("call", &err);
        json_t *ej = dm_err_to_json(&err);
        if (ej)
            json_dumpf(ej, stdout, JSON_INDENT(2));
        printf("\n");
        json_decref(ej);
        goto done;
    }
    json_dumpf(res, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    printf("\n");
    if (data_out) {
        FILE *f = fopen(data_out, "wb");
        if (!f || fwrite(data.data ? data.data : "", 1, data.len, f) != data.len) {
            fprintf(stderr, "relayd call: cannot write %s\n", data_out);
            if (f)
                fclose(f);
            goto done;
        }
        fclose(f);
    }
    rc = 0;
done:
    json_decref(params);
    json_decref(res);
    dm_rpc_client_close(c);
    dm_buf_fini(&data);
    return rc;
}

// ---- the daemon -------------------------------------------------------------------------

typedef struct daemon_opts {
    char *name, *addr, *relay_dir, *join, *log_level, *log_file;
    char *sources[MAX_SOURCES];
    size_t n_sources;
    int zstd_level;
    unsigned commit_ms;
    size_t commit_bytes;
} daemon_opts;

static void daemon_opts_fini(daemon_opts *d)
{
    free(d->name);
    free(d->addr);
    free(d->relay_dir);
    free(d->join);
    free(d->log_level);
    free(d->log_file);
    for (size_t i = 0; i < d->n_sources; i++)
        free(d->sources[i]);
}

static int set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = strdup(v);
    return *dst ? 0 : -1;
}

static int add_source(daemon_opts *d, const char *path)
{
    if (d->n_sources >= MAX_SOURCES) {
        fprintf(stderr, "relayd: more than %d sources\n", MAX_SOURCES);
        return -1;
    }
    if (!(d->sources[d->n_sources] = strdup(path)))
        return -1;
    d->n_sources++;
    return 0;
}

// load_config reads the --config YAML file: a mapping with the flags' names as keys
// (name, addr, relay-dir, join, log-level, log-file) and `source` (a list of source files).
// Flags given on the command line override it (the caller applies them afterwards).
static int load_config(daemon_opts *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    yaml_parser_t p;
    yaml_event_t ev;
    int rc = -1, depth = 0;
    char key[64] = "";
    bool in_list = false, done = false;

    if (!f) {
        fprintf(stderr, "relayd: cannot open --config %s\n", path);
        return -1;
    }
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "relayd: %s:%zu: %s\n", path, p.problem_mark.line + 1, p.problem ? p.problem : "bad YAML");
            goto out;
        }
        bool bad = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_MAPPING_START_EVENT: bad = ++depth > 1; break;
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_SEQUENCE_START_EVENT:
            bad = in_list || strcmp(key, "source") != 0;
            in_list = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
            in_list = false;
            key[0] = '\0';
            break;
        case YAML_SCALAR_EVENT: {
            const char *v = (const char *)ev.data.scalar.value;
            if (in_list) {
                bad = add_source(d, v) != 0;
            } else if (!key[0]) {
                snprintf(key, sizeof(key), "%s", v);
            } else {
                char **dst = strcmp(key, "name") == 0        ? &d->name
                             : strcmp(key, "addr") == 0      ? &d->addr
                             : strcmp(key, "relay-dir") == 0 ? &d->relay_dir
                             : strcmp(key, "join") == 0      ? &d->join
                             : strcmp(key, "log-level") == 0 ? &d->log_level
                             : strcmp(key, "log-file") == 0  ? &d->log_file
                                                             : NULL;
                if (strcmp(key, "source") == 0)
                    bad = add_source(d, v) != 0;
                else if (!dst) {
                    fprintf(stderr, "relayd: %s:%zu: unknown key '%s'\n", path, ev.start_mark.line + 1, key);
                    bad = true;
                } else
                    bad = set_str(dst, v) != 0;
                key[0] = '\0';
            }
            break;
        }
        default: break;
        }
        if (bad && ev.type != YAML_SCALAR_EVENT)
            fprintf(stderr, "relayd: %s:%zu: expected `key: value` pairs and a `source:` list\n", path,
                    ev.start_mark.line + 1);
        yaml_event_delete(&ev);
        if (bad)
            goto out;
    }
    rc = 0;
out:
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}

// join_sig_thread turns SIGINT/SIGTERM into relay_join_stop.
static void *join_sig_thread(void *arg)
{
    void **a = arg;
    int sig;
    if (sigwait((sigset_t *)a[0], &sig) == 0) {
        dm_info("relay", "relayd stopping on signal %d", sig);
        relay_join_stop((relay_join *)a[1]);
    }
    return NULL;
}

// run_join runs relayd as a member of the controller (relay_join.h).
static int run_join(const daemon_opts *d, sigset_t *sigs)
{
    relay_join *j = NULL;
    dm_err err;
    pthread_t th;
    int rc = 0;
    relay_join_opts o = {.name = d->name, .addr = d->addr, .relay_dir = d->relay_dir, .join = d->join,
                         .zstd_level = d->zstd_level, .commit_ms = d->commit_ms, .commit_bytes = d->commit_bytes};
    dm_err_clear(&err);
    if (relay_join_create(&j, &o, &err)) {
        print_err("join", &err);
        return 1;
    }
    void *args[2] = {sigs, j};
    if (pthread_create(&th, NULL, join_sig_thread, args) == 0)
        pthread_detach(th);
    if (relay_join_run(j, &err)) {
        print_err("join", &err);
        rc = 1;
    }
    relay_join_destroy(j);
    return rc;
}

static int run_daemon(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, 0, 'n'},      {"addr", required_argument, 0, 'a'},
        {"relay-dir", required_argument, 0, 'd'}, {"source", required_argument, 0, 's'},
        {"join", required_argument, 0, 'j'},      {"config", required_argument, 0, 'c'},
        {"log-level", required_argument, 0, 'L'}, {"log-file", required_argument, 0, 'f'},
        {"zstd-level", required_argument, 0, 'z'}, {"commit-ms", required_argument, 0, 'M'},
        {"commit-bytes", required_argument, 0, 'B'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    daemon_opts d;
    config_source *cfg[MAX_SOURCES] = {0};
    relay_source *src[MAX_SOURCES] = {0};
    dm_rpc_server *server = NULL;
    relay_rpc rpc;
    dm_err err;
    dm_log_level level = DM_LOG_INFO;
    char url[512];
    int ch, rc = 1;
    size_t n = 0;
    sigset_t sigs;

    memset(&d, 0, sizeof(d));
    // --config first, so that flags override it.
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && load_config(&d, argv[i + 1]) != 0)
            goto done;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "L:", opts, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'n': bad = set_str(&d.name, optarg); break;
        case 'a': bad = set_str(&d.addr, optarg); break;
        case 'd': bad = set_str(&d.relay_dir, optarg); break;
        case 's': bad = add_source(&d, optarg); break;
        case 'j': bad = set_str(&d.join, optarg); break;
        case 'c': break;
        case 'L': bad = set_str(&d.log_level, optarg); break;
        case 'f': bad = set_str(&d.log_file, optarg); break;
        case 'z': d.zstd_level = atoi(optarg); break;
        case 'M': d.commit_ms = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'B': d.commit_bytes = (size_t)strtoull(optarg, NULL, 10); break;
        case 'h': usage(stdout); rc = 0; goto done;
        default: usage(stderr); rc = 2; goto done;
        }
        if (bad)
            goto done;
    }
    if (optind < argc) {
        fprintf(stderr, "relayd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        rc = 2;
        goto done;
    }
    if (d.join && d.n_sources) {
        fprintf(stderr, "relayd: --join and --source exclude each other: the controller assigns the sources "
                        "(operate-source create)\n");
        rc = 2;
        goto done;
    }
    if (!d.name || !d.addr || !d.relay_dir) {
        fprintf(stderr, "relayd: --name, --addr and --relay-dir are required\n");
        usage(stderr);
        rc = 2;
        goto done;
    }
    if ((d.log_level && dm_log_parse_level(&level, d.log_level, &err)) ||
        dm_log_open(d.log_file, level, false, &err)) {
        print_err("logging", &err);
        goto done;
    }
    if (dm_rpc_url(url, sizeof(url), d.addr, &err)) {
        print_err("--addr", &err);
        goto done;
    }
    if (d.join) {
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGINT);
        sigaddset(&sigs, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &sigs, NULL);
        signal(SIGPIPE, SIG_IGN);
        rc = run_join(&d, &sigs);
        goto done;
    }
    for (n = 0; n < d.n_sources; n++) {
        config_diag diag;
        config_diag_init(&diag);
        if (config_source_load(&cfg[n], d.sources[n], &diag) != 0) {
            char line[2048];
            for (size_t i = 0; i < diag.n_errors; i++)
                fprintf(stderr, "relayd: %s\n", config_diag_entry_format(line, sizeof(line), &diag.errors[i], false));
            config_diag_fini(&diag);
            goto done;
        }
        for (size_t i = 0; i < diag.n_warnings; i++) {
            char line[2048];
            dm_warn("relay", "%s", config_diag_entry_format(line, sizeof(line), &diag.warnings[i], true));
        }
        config_diag_fini(&diag);
        for (size_t i = 0; i < n; i++)
            if (strcmp(cfg[i]->source_id, cfg[n]->source_id) == 0) {
                fprintf(stderr, "relayd: source-id '%s' appears in %s and %s\n", cfg[n]->source_id, d.sources[i],
                        d.sources[n]);
                n++;
                goto done;
            }
        relay_source_opts so;
        relay_join_source_opts(&so, cfg[n], d.relay_dir);
        so.zstd_level = d.zstd_level;
        so.commit_ms = d.commit_ms;
        so.commit_bytes = d.commit_bytes;
        if (relay_source_create(&src[n], &so, &err)) {
            print_err(d.sources[n], &err);
            n++;
            goto done;
        }
    }
    // Block the stop signals before any thread starts, so that only sigwait sees them.
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    rpc.name = d.name;
    rpc.sources = src;
    rpc.n_sources = n;
    // Sources first (they lock and open their stores), then the endpoints that use them.
    for (size_t i = 0; i < n; i++) {
        if (relay_source_start(src[i], &err)) {
            print_err(relay_source_id(src[i]), &err);
            goto done;
        }
    }
    // Workers: one per possibly long-polling reader plus room for status/pause/purge.
    if (dm_rpc_server_start(&server, url, 8 + 2 * (unsigned)n, relay_rpc_handle, &rpc, &err)) {
        print_err("rpc", &err);
        goto done;
    }
    dm_info("relay", "relayd %s listening on %s with %zu source(s), relay dir %s", d.name, url, n, d.relay_dir);
    int sig = 0;
    sigwait(&sigs, &sig);
    dm_info("relay", "relayd %s stopping on signal %d", d.name, sig);
    rc = 0;
done:
    // The RPC server goes first: its handlers use the sources.
    dm_rpc_server_stop(server);
    for (size_t i = 0; i < n; i++) {
        relay_source_destroy(src[i]);
        config_source_destroy(cfg[i]);
    }
    daemon_opts_fini(&d);
    dm_log_close();
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "stream") == 0)
        return cmd_stream(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "inspect") == 0)
        return cmd_inspect(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "call") == 0)
        return cmd_call(argc - 1, argv + 1);
    return run_daemon(argc, argv);
}
