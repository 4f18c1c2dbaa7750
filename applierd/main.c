// applierd: the applier daemon's entry point.
//
//   applierd run --source source.yaml --task task.yaml [--relay RELAYD_ADDR]
//                [--status-addr HOST:PORT] [--load-method insert|load-data] [-L level]
//                [--log-file F] [--log-format text|json]
//     runs the subtask of the task whose mysql-instance has the source's source-id, on its
//     own, until it finishes (exit 0) or fails or pauses (exit 1, DM-style error on stderr).
//     With --status-addr, serves `status` over dm_rpc while it runs.
//   applierd --name NAME --addr HOST:PORT [--join CONTROLLER_ADDR] [--load-method M]
//            [-L level] [--log-file F]
//     daemon mode: serves `status` over dm_rpc; with --join it registers with the controller
//     and runs the subtasks it assigns (worker.h), else no subtask is assigned.
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "dm_log.h"
#include "dm_rpc.h"
#include "load.h"
#include "subtask.h"
#include "worker.h"

static void usage(FILE *f)
{
    fprintf(f, "usage:\n"
               "  applierd run --source source.yaml --task task.yaml [--relay RELAYD_ADDR]\n"
               "               [--status-addr HOST:PORT] [--load-method insert|load-data]\n"
               "               [-L level] [--log-file F] [--log-format text|json]\n"
               "  applierd --name NAME --addr HOST:PORT [--join CONTROLLER_ADDR]\n"
               "           [--load-method insert|load-data] [-L level] [--log-file F]\n");
}

static void print_err(const dm_err *e)
{
    char msg[4096];
    fprintf(stderr, "%s\n", dm_err_format(msg, sizeof(msg), e));
}

static void print_diag(const config_diag *d)
{
    char line[2048];
    for (size_t i = 0; i < d->n_errors; i++)
        fprintf(stderr, "%s\n", config_diag_entry_format(line, sizeof(line), &d->errors[i], false));
}

typedef struct sigctx {
    sigset_t set;
    subtask *st;
} sigctx;

// sig_thread turns SIGINT/SIGTERM into a stop request (signal handlers cannot take locks).
static void *sig_thread(void *arg)
{
    sigctx *c = arg;
    int sig;
    while (sigwait(&c->set, &sig) == 0) {
        dm_warn("applier", "signal %d: stopping after the chunks being loaded", sig);
        if (c->st)
            subtask_stop(c->st);
        else
            exit(1);
    }
    return NULL;
}

static int open_log(const char *level, const char *file, const char *format)
{
    dm_log_level lv = DM_LOG_INFO;
    dm_err e;
    dm_err_clear(&e);
    if (level && dm_log_parse_level(&lv, level, &e)) {
        print_err(&e);
        return 2;
    }
    if (dm_log_open(file, lv, format && !strcmp(format, "json"), &e)) {
        print_err(&e);
        return 2;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"source", required_argument, 0, 's'},     {"task", required_argument, 0, 't'},
        {"relay", required_argument, 0, 'r'},      {"status-addr", required_argument, 0, 'a'},
        {"log-level", required_argument, 0, 'L'},  {"log-file", required_argument, 0, 'f'},
        {"log-format", required_argument, 0, 'F'}, {"help", no_argument, 0, 'h'},
        {"load-method", required_argument, 0, 'm'}, {0, 0, 0, 0},
    };
    const char *method = NULL;
    const char *src_path = NULL, *task_path = NULL, *relay = NULL, *status_addr = NULL;
    const char *level = NULL, *log_file = NULL, *log_format = NULL;
    config_source *src = NULL;
    config_task *task = NULL;
    config_diag diag;
    subtask *st = NULL;
    dm_rpc_server *srv = NULL;
    dm_err e;
    int ch, rc = 0;
    static sigctx sc;
    pthread_t sth;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 's': src_path = optarg; break;
        case 't': task_path = optarg; break;
        case 'r': relay = optarg; break;
        case 'a': status_addr = optarg; break;
        case 'L': level = optarg; break;
        case 'f': log_file = optarg; break;
        case 'F': log_format = optarg; break;
        case 'm': method = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!src_path || !task_path || optind < argc) {
        usage(stderr);
        return 2;
    }
    if ((rc = open_log(level, log_file, log_format)))
        return rc;
    dm_err_clear(&e);
    config_diag_init(&diag);
    if (config_source_load(&src, src_path, &diag) || config_task_load(&task, task_path, &diag)) {
        print_diag(&diag);
        rc = 1;
        goto done;
    }
    if (relay)
        dm_info("applier", "the incremental phase reads relayd %s (source %s); the full phase "
                           "reads the upstream", relay, src->source_id);
    load_method lm = LOAD_METHOD_LOAD_DATA;
    if (method && load_method_parse(&lm, method, &e)) {
        print_err(&e);
        rc = 2;
        goto done;
    }
    if ((rc = subtask_create(&st, src, task, &(subtask_opts){.load_method = (int)lm, .relay_addr = relay}, &e))) {
        print_err(&e);
        rc = 1;
        goto done;
    }
    sigemptyset(&sc.set);
    sigaddset(&sc.set, SIGINT);
    sigaddset(&sc.set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sc.set, NULL);
    sc.st = st;
    if (pthread_create(&sth, NULL, sig_thread, &sc) == 0)
        pthread_detach(sth);
    if (status_addr) {
        char url[512];
        if (dm_rpc_url(url, sizeof(url), status_addr, &e) ||
            dm_rpc_server_start(&srv, url, 2, subtask_rpc_handler, st, &e)) {
            print_err(&e);
            rc = 1;
            goto done;
        }
    }
    dm_info("applier", "running subtask of task '%s' for source '%s' (task-mode %s)", task->name,
            src->source_id, config_task_mode_name(task->task_mode));
    rc = subtask_run(st, &e);
    json_t *status = subtask_status_json(st);
    if (status) {
        char *txt = json_dumps(status, JSON_COMPACT);
        if (txt)
            printf("%s\n", txt);
        free(txt);
        json_decref(status);
    }
    if (rc) {
        print_err(&e);
        rc = 1;
    }
done:
    dm_rpc_server_stop(srv);
    subtask_destroy(st);
    config_task_destroy(task);
    config_source_destroy(src);
    config_diag_fini(&diag);
    dm_log_close();
    return rc;
}

// join_sig_thread turns SIGINT/SIGTERM into worker_stop.
static void *join_sig_thread(void *arg)
{
    void **a = arg;
    int sig;
    if (sigwait((sigset_t *)a[0], &sig) == 0) {
        dm_info("applier", "signal %d: stopping the subtasks", sig);
        worker_stop((worker *)a[1]);
    }
    return NULL;
}

// cmd_join runs applierd as a member of the controller at join (worker.h).
static int cmd_join(const char *name, const char *addr, const char *join, const char *method, sigset_t *set)
{
    worker *w = NULL;
    load_method lm = LOAD_METHOD_LOAD_DATA;
    dm_err e;
    pthread_t th;
    int rc = 0;
    dm_err_clear(&e);
    if (method && load_method_parse(&lm, method, &e)) {
        print_err(&e);
        return 2;
    }
    if (worker_create(&w, &(worker_opts){.name = name, .addr = addr, .join = join, .load_method = (int)lm}, &e)) {
        print_err(&e);
        return 1;
    }
    void *args[2] = {set, w};
    if (pthread_create(&th, NULL, join_sig_thread, args) == 0)
        pthread_detach(th);
    if (worker_run(w, &e)) {
        print_err(&e);
        rc = 1;
    }
    worker_destroy(w);
    return rc;
}

static int cmd_daemon(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, 0, 'n'},      {"addr", required_argument, 0, 'a'},
        {"join", required_argument, 0, 'j'},      {"log-level", required_argument, 0, 'L'},
        {"log-file", required_argument, 0, 'f'},  {"log-format", required_argument, 0, 'F'},
        {"load-method", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *name = NULL, *addr = NULL, *join = NULL, *level = NULL, *log_file = NULL, *fmt = NULL;
    const char *method = NULL;
    dm_rpc_server *srv = NULL;
    dm_err e;
    int ch, rc;
    char url[512];
    static sigset_t set;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': name = optarg; break;
        case 'a': addr = optarg; break;
        case 'j': join = optarg; break;
        case 'L': level = optarg; break;
        case 'f': log_file = optarg; break;
        case 'F': fmt = optarg; break;
        case 'm': method = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!name || !addr || optind < argc) {
        usage(stderr);
        return 2;
    }
    if ((rc = open_log(level, log_file, fmt)))
        return rc;
    dm_err_clear(&e);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (join) {
        rc = cmd_join(name, addr, join, method, &set);
        dm_log_close();
        return rc;
    }
    if (dm_rpc_url(url, sizeof(url), addr, &e) || dm_rpc_server_start(&srv, url, 2, subtask_rpc_handler, NULL, &e)) {
        print_err(&e);
        return 1;
    }
    dm_info("applier", "applierd '%s' serving status on %s (no controller: no subtask is assigned)", name, url);
    int sig;
    sigwait(&set, &sig);
    dm_info("applier", "signal %d: exiting", sig);
    dm_rpc_server_stop(srv);
    dm_log_close();
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && argv[1][0] == '-')
        return cmd_daemon(argc, argv);
    usage(stderr);
    return 2;
}
