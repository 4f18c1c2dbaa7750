// dmctl source, member and relay commands: operate-source, get-config, transfer-source,
// list-member, offline-member, start-relay/stop-relay/pause-relay/resume-relay and
// purge-relay. Each parses DM's syntax, calls the controller method of the cluster API
// contract and prints the result.
//
// operate-source create checks every source file locally (config.h, the checks of
// `dmctl validate`) and sends the files' YAML text as written: an encrypted password stays
// encrypted on the wire and in the controller's store.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dm_buf.h"
#include "dmctl.h"

// check_source loads the source file at path; on success *out_text holds its text and
// *out_id its source-id (both to free).
static int check_source(char **out_text, char **out_id, dmctl_ctx *c, const char *path, dm_err *err)
{
    config_source *src = NULL;
    int rc;
    *out_id = NULL;
    if ((rc = dmctl_load_file(out_text, NULL, &src, c, path, err)) != 0)
        return rc;
    if (!(*out_id = strdup(src->source_id))) {
        free(*out_text);
        *out_text = NULL;
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    config_source_destroy(src);
    return rc;
}

int dmctl_cmd_operate_source(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"print-config", 'p', DMCTL_OPT_BOOL},
                                     {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0}, configs = {0};
    dm_err err;
    const char *op;
    int rc = dmctl_cmd_parse(&a, c, opts, 2, argc, argv);
    if (rc >= 0)
        return rc;
    dm_err_clear(&err);
    if (a.n_pos < 1) {
        rc = dmctl_cmd_bad_args(c, argv[0], "give an operation: create, stop or show");
        goto done;
    }
    op = a.pos[0];
    if (strcmp(op, "create") != 0 && strcmp(op, "stop") != 0 && strcmp(op, "show") != 0) {
        rc = dmctl_cmd_bad_args(c, argv[0], "invalid operate '%s' on source (create, stop or show)", op);
        goto done;
    }
    if (dmctl_cmd_sources(&sources, c, &a, 1) != 0) {
        rc = DMCTL_EXIT_FAIL;
        goto done;
    }
    if (strcmp(op, "create") == 0) {
        if (a.n_pos < 2) {
            rc = dmctl_cmd_bad_args(c, argv[0], "operate-source create should specify config-file(s)");
            goto done;
        }
        for (size_t i = 1; i < a.n_pos; i++) {
            char *text = NULL, *id = NULL;
            if (check_source(&text, &id, c, a.pos[i], &err) != 0) {
                rc = dmctl_print_failure(c, &err);
                goto done;
            }
            rc = dmctl_strlist_push(&configs, text);
            free(text);
            free(id);
            if (rc != 0) {
                rc = DMCTL_EXIT_FAIL;
                goto done;
            }
        }
    } else {
        // stop takes source files or source ids (DM: an unreadable argument is an id); show
        // takes ids.
        for (size_t i = 1; i < a.n_pos; i++) {
            char *text = NULL, *id = NULL;
            bool is_file = strcmp(op, "stop") == 0 && access(a.pos[i], R_OK) == 0;
            if (is_file && check_source(&text, &id, c, a.pos[i], &err) != 0) {
                rc = dmctl_print_failure(c, &err);
                goto done;
            }
            rc = dmctl_strlist_add_csv(&sources, id ? id : a.pos[i]);
            free(text);
            free(id);
            if (rc != 0) {
                rc = DMCTL_EXIT_FAIL;
                goto done;
            }
        }
        if (strcmp(op, "stop") == 0 && sources.n == 0) {
            rc = dmctl_cmd_bad_args(c, argv[0], "operate-source stop should specify config-file(s) or source ids");
            goto done;
        }
    }
    rc = dmctl_call_print(c, "operate-source",
                          json_pack("{s:s,s:o,s:o,s:b}", "op", op, "configs", dmctl_json_strlist(&configs),
                                    "sources", dmctl_json_strlist(&sources), "print_config", a.set[0]));
done:
    dmctl_strlist_fini(&configs);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

// write_private writes text to path with mode 0600.
static int write_private(const char *path, const char *text, dm_err *err)
{
    size_t n = strlen(text), off = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return dm_err_from_errno(err, errno, "can not write config to file %s", path);
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            close(fd);
            return dm_err_from_errno(err, e, "can not write config to file %s", path);
        }
        off += (size_t)w;
    }
    if (close(fd) != 0)
        return dm_err_from_errno(err, errno, "can not write config to file %s", path);
    return 0;
}

int dmctl_cmd_get_config(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"file", 'f', DMCTL_OPT_STR}};
    static const char *types[] = {"task", "master", "worker", "source"};
    dmctl_args a;
    const char *type, *name;
    json_t *res = NULL;
    dm_err err;
    bool alias = strcmp(argv[0], "get-task-config") == 0, known = false;
    int rc = dmctl_cmd_parse(&a, c, opts, 1, argc, argv);
    if (rc >= 0)
        return rc;
    dm_err_clear(&err);
    if (a.n_pos != (alias ? 1u : 2u)) {
        rc = dmctl_cmd_bad_args(c, "get-config", "give a config type and a name");
        goto done;
    }
    type = alias ? "task" : a.pos[0];
    name = a.pos[alias ? 0 : 1];
    for (size_t i = 0; i < 4; i++)
        known = known || strcmp(type, types[i]) == 0;
    if (!known) {
        rc = dmctl_cmd_bad_args(c, "get-config", "invalid config type '%s'", type);
        goto done;
    }
    if (dmctl_call(&res, c, "get-config", json_pack("{s:s,s:s}", "type", type, "name", name), &err) != 0) {
        dmctl_print_dm_err(c, &err);
        rc = DMCTL_EXIT_FAIL;
        goto done;
    }
    rc = json_is_true(json_object_get(res, "result")) ? DMCTL_EXIT_OK : DMCTL_EXIT_FAIL;
    if (rc == DMCTL_EXIT_OK && a.set[0]) {
        const char *cfg = json_string_value(json_object_get(res, "cfg"));
        if (write_private(a.str[0], cfg ? cfg : "", &err) != 0) {
            dmctl_print_dm_err(c, &err);
            rc = DMCTL_EXIT_FAIL;
            goto done;
        }
        char msg[4200];
        snprintf(msg, sizeof(msg), "write config to file %s succeed", a.str[0]);
        json_object_set_new(res, "msg", json_string(msg));
        json_object_set_new(res, "cfg", json_string(""));
    }
    dmctl_print_json(c, res);
done:
    json_decref(res);
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_transfer_source(dmctl_ctx *c, int argc, char **argv)
{
    dmctl_args a;
    int rc = dmctl_cmd_parse(&a, c, NULL, 0, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.n_pos != 2)
        rc = dmctl_cmd_bad_args(c, argv[0], "give a source id and a worker name");
    else
        rc = dmctl_call_print(c, "transfer-source",
                              json_pack("{s:s,s:s}", "source", a.pos[0], "worker", a.pos[1]));
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_list_member(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"leader", 'l', DMCTL_OPT_BOOL},
                                     {"master", 'm', DMCTL_OPT_BOOL},
                                     {"worker", 'w', DMCTL_OPT_BOOL},
                                     {"name", 'n', DMCTL_OPT_LIST}};
    dmctl_args a;
    int rc = dmctl_cmd_parse(&a, c, opts, 4, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.n_pos != 0)
        rc = dmctl_cmd_bad_args(c, argv[0], "unexpected argument \"%s\"", a.pos[0]);
    else
        rc = dmctl_call_print(c, "list-member",
                              json_pack("{s:b,s:b,s:b,s:o}", "leader", a.set[0], "master", a.set[1],
                                        "worker", a.set[2], "names", dmctl_json_strlist(&a.list[3])));
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_offline_member(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"master", 'm', DMCTL_OPT_BOOL},
                                     {"worker", 'w', DMCTL_OPT_BOOL},
                                     {"name", 'n', DMCTL_OPT_STR}};
    dmctl_args a;
    int rc = dmctl_cmd_parse(&a, c, opts, 3, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.n_pos != 0)
        rc = dmctl_cmd_bad_args(c, argv[0], "unexpected argument \"%s\"", a.pos[0]);
    else if (a.set[0] == a.set[1])
        rc = dmctl_cmd_bad_args(c, argv[0], "should specify either --master or --worker");
    else if (!a.set[2] || !*a.str[2])
        rc = dmctl_cmd_bad_args(c, argv[0], "a member name must be specified");
    else
        rc = dmctl_call_print(c, "offline-member",
                              json_pack("{s:s,s:s}", "type", a.set[0] ? "master" : "worker", "name", a.str[2]));
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_operate_relay(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"source", 's', DMCTL_OPT_LIST}};
    // argv[0] is one of start-relay, stop-relay, pause-relay, resume-relay.
    const char *op = strcmp(argv[0], "start-relay") == 0   ? "start"
                     : strcmp(argv[0], "stop-relay") == 0  ? "stop"
                     : strcmp(argv[0], "pause-relay") == 0 ? "pause"
                                                           : "resume";
    bool start_stop = op[0] == 's';
    dmctl_args a;
    dmctl_strlist sources = {0}, workers = {0};
    int rc = dmctl_cmd_parse(&a, c, opts, 1, argc, argv);
    if (rc >= 0)
        return rc;
    if (dmctl_cmd_sources(&sources, c, &a, 0) != 0) {
        rc = DMCTL_EXIT_FAIL;
        goto done;
    }
    if (start_stop && sources.n != 1) {
        rc = dmctl_cmd_bad_args(c, argv[0], "must specify one source (`-s` / `--source`)");
        goto done;
    }
    if (!start_stop && sources.n == 0) {
        rc = dmctl_cmd_bad_args(c, argv[0], "must specify at least one source (`-s` / `--source`)");
        goto done;
    }
    if (!start_stop && a.n_pos > 0) {
        rc = dmctl_cmd_bad_args(c, argv[0], "unexpected argument \"%s\"", a.pos[0]);
        goto done;
    }
    for (size_t i = 0; i < a.n_pos; i++) {
        if (dmctl_strlist_push(&workers, a.pos[i]) != 0) {
            rc = DMCTL_EXIT_FAIL;
            goto done;
        }
    }
    rc = dmctl_call_print(c, "operate-relay",
                          json_pack("{s:s,s:o,s:o}", "op", op, "sources", dmctl_json_strlist(&sources),
                                    "workers", dmctl_json_strlist(&workers)));
done:
    dmctl_strlist_fini(&workers);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_purge_relay(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"filename", 'f', DMCTL_OPT_STR}, {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0};
    char file[1024];
    int rc = dmctl_cmd_parse(&a, c, opts, 2, argc, argv);
    if (rc >= 0)
        return rc;
    if (dmctl_cmd_sources(&sources, c, &a, 1) != 0) {
        rc = DMCTL_EXIT_FAIL;
        goto done;
    }
    if (a.n_pos != 0) {
        rc = dmctl_cmd_bad_args(c, argv[0], "unexpected argument \"%s\"", a.pos[0]);
        goto done;
    }
    if (sources.n != 1) {
        rc = dmctl_cmd_bad_args(c, argv[0], sources.n ? "for --filename, can only specify one source per time"
                                                      : "must specify at least one source (`-s` / `--source`)");
        goto done;
    }
    if (!a.set[0] || !*a.str[0]) {
        rc = dmctl_cmd_bad_args(c, argv[0], "must specify the name of the terminal file before which to purge relay log files. (`-f` / `--filename`)");
        goto done;
    }
    // DM strips the quotes a shell left around the name.
    snprintf(file, sizeof(file), "%s", a.str[0]);
    size_t n = strlen(file);
    if (n >= 2 && file[0] == '"' && file[n - 1] == '"') {
        memmove(file, file + 1, n - 2);
        file[n - 2] = '\0';
    }
    rc = dmctl_call_print(c, "purge-relay", json_pack("{s:s,s:s}", "source", sources.items[0], "filename", file));
done:
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}
