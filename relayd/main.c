// relayd: the relay daemon's entry point.
//
// Subcommands:
//   relayd stream --host H --port P [--user U] [--password PW] --server-id N
//                 [--file F [--pos P] | --gtid D-S-N,...] [--non-block] [--limit N]
//                 [--heartbeat-ms MS]
//     pulls the binlog stream as a replica and prints one line per item:
//     "file:pos type server_id length next_pos" for events, "# fake-rotate file:pos",
//     "# heartbeat file:pos", "# eof file:pos". A diagnostic tool and the integration tests'
//     view of the replica client.
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog_client.h"
#include "dm_log.h"

static void usage(FILE *f)
{
    fprintf(f, "usage:\n"
               "  relayd stream --host H --port P [--user U] [--password PW] --server-id N\n"
               "                [--file F [--pos P] | --gtid D-S-N,...] [--non-block] [--limit N]\n"
               "                [--heartbeat-ms MS]\n");
}

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
    char msg[4096];

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
        case BINLOG_CLIENT_EOF:
            printf("# eof %s:%" PRIu64 "\n", ev.file, ev.pos);
            goto done;
        }
    }
done:
    if (rc)
        fprintf(stderr, "relayd stream: %s\n", dm_err_format(msg, sizeof(msg), &err));
    binlog_client_destroy(c);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "stream") == 0)
        return cmd_stream(argc - 1, argv + 1);
    usage(argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) ? stdout : stderr);
    return 2;
}
