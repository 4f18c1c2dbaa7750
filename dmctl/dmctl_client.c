// DESIGN: how dmctl reaches the controller and prints what it says.
//
// The dm_rpc client dials in the background and a request waits for the reply up to the rpc
// timeout (DM's default: 10 minutes), so a dmctl pointed at a dead controller would hang for
// that long. DM fails at once instead ("can't connect to ADDR"); to do the same, each call
// first dials the address synchronously on a throwaway socket, which fails at once with a
// refused connection. The result object is printed as the controller sent it (jansson keeps
// the key order of the reply), with DM's 4-space indents.
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dm_buf.h"
#include "dmctl.h"

// probe dials url once and hangs up. Returns 0 when something accepts the connection.
static int probe(const char *url, const char *addr, dm_err *err)
{
    nng_socket s;
    int nrv;
    if ((nrv = nng_req0_open(&s)) != 0) {
        dm_err_set(err, DMCTL_ERR_CONNECT, DM_ERR_SCOPE_INTERNAL, "can't connect to %s", addr);
        return dm_err_cause(err, "%s", nng_strerror(nrv));
    }
    nrv = nng_dial(s, url, NULL, 0);
    nng_close(s);
    if (nrv != 0) {
        dm_err_set(err, DMCTL_ERR_CONNECT, DM_ERR_SCOPE_INTERNAL, "can't connect to %s", addr);
        dm_err_cause(err, "%s", nng_strerror(nrv));
        return dm_err_workaround(err, "check that the controller runs and listens on %s "
                                      "(--master-addr, $DM_MASTER_ADDR)", addr);
    }
    return 0;
}

int dmctl_call(json_t **out, dmctl_ctx *c, const char *method, json_t *params, dm_err *err)
{
    int rc;
    *out = NULL;
    if (!c->master_addr || !*c->master_addr) {
        json_decref(params);
        dm_err_set(err, DMCTL_ERR_NO_MASTER, DM_ERR_SCOPE_INTERNAL,
                   "--master-addr not provided, this parameter is required when interacting "
                   "with the controller");
        return dm_err_workaround(err, "give --master-addr HOST:PORT or set DM_MASTER_ADDR");
    }
    if (!c->client) {
        if ((rc = dm_rpc_url(c->url, sizeof(c->url), c->master_addr, err)) != 0) {
            json_decref(params);
            return rc;
        }
    }
    if ((rc = probe(c->url, c->master_addr, err)) != 0) {
        json_decref(params);
        return rc;
    }
    if (!c->client && (rc = dm_rpc_client_open(&c->client, c->url, err)) != 0) {
        json_decref(params);
        return rc;
    }
    rc = dm_rpc_client_call(out, NULL, c->client, method, params, NULL, 0,
                            c->rpc_timeout_ms > INT32_MAX ? INT32_MAX : (int)c->rpc_timeout_ms,
                            err);
    json_decref(params);
    if (rc == DM_ERR_TIMEOUT)
        dm_err_prefix(err, "%s %s (--rpc-timeout %lld ms)", method, c->master_addr,
                      (long long)c->rpc_timeout_ms);
    if (rc == 0 && !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        rc = dm_err_set(err, DMCTL_ERR_REPLY, DM_ERR_SCOPE_INTERNAL,
                        "the controller's reply to %s is not a JSON object", method);
    }
    return rc;
}

void dmctl_print_json(dmctl_ctx *c, const json_t *v)
{
    json_dumpf(v, c->out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    fputc('\n', c->out);
    fflush(c->out);
}

void dmctl_print_dm_err(dmctl_ctx *c, const dm_err *err)
{
    char line[4096];
    fprintf(c->err, "Error: %s\n", dm_err_format(line, sizeof(line), err));
    fflush(c->err);
}

int dmctl_call_print(dmctl_ctx *c, const char *method, json_t *params)
{
    json_t *res = NULL;
    dm_err err;
    int rc;
    dm_err_clear(&err);
    if ((rc = dmctl_call(&res, c, method, params, &err)) != 0) {
        dmctl_print_dm_err(c, &err);
        return rc == DMCTL_ERR_NO_MASTER ? DMCTL_EXIT_USAGE : DMCTL_EXIT_FAIL;
    }
    dmctl_print_json(c, res);
    rc = json_is_true(json_object_get(res, "result")) ? DMCTL_EXIT_OK : DMCTL_EXIT_FAIL;
    json_decref(res);
    return rc;
}

json_t *dmctl_json_strlist(const dmctl_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++) {
        if (json_array_append_new(a, json_string(l->items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

int dmctl_task_name(char **out, const char *arg)
{
    size_t n = strlen(arg);
    char *text = NULL;
    size_t len = 0;
    config_task *task = NULL;
    config_diag d;
    *out = NULL;
    config_diag_init(&d);
    // DM's rule (GetTaskNameFromArgOrFile): only a .yaml/.yml argument is read as a file,
    // and any failure to read it keeps the argument as the name.
    if ((n > 5 && strcmp(arg + n - 5, ".yaml") == 0) || (n > 4 && strcmp(arg + n - 4, ".yml") == 0)) {
        if (config_read_file(&text, &len, arg, NULL) == 0 &&
            config_task_from_string(&task, text, len, arg, NULL, &d) == 0 && task->name &&
            *task->name)
            *out = strdup(task->name);
    }
    if (!*out)
        *out = strdup(arg);
    config_task_destroy(task);
    config_diag_fini(&d);
    free(text);
    return *out ? 0 : DM_ERR_NOMEM;
}

// dmctl_print_failure prints {"result": false, "msg": "<DM-style error>"} and returns 1.
int dmctl_print_failure(dmctl_ctx *c, const dm_err *err)
{
    char text[4096];
    json_t *o = json_pack("{s:b,s:s}", "result", 0, "msg", dm_err_format(text, sizeof(text), err));
    if (o)
        dmctl_print_json(c, o);
    json_decref(o);
    return DMCTL_EXIT_FAIL;
}

int dmctl_load_file(char **out_text, config_task **task_out, config_source **src_out,
                    dmctl_ctx *c, const char *path, dm_err *err)
{
    config_load_opts opts = {c->secret_key_path};
    config_diag d;
    char line[2048];
    size_t len = 0;
    char *text = NULL;
    dm_buf msg;
    int rc;
    config_diag_init(&d);
    dm_buf_init(&msg);
    *out_text = NULL;
    if ((rc = config_read_file(&text, &len, path, err)) != 0)
        goto done;
    rc = task_out ? config_task_from_string(task_out, text, len, path, &opts, &d)
                  : config_source_from_string(src_out, text, len, path, &opts, &d);
    for (size_t i = 0; i < d.n_errors; i++) {
        config_diag_entry_format(line, sizeof(line), &d.errors[i], false);
        fprintf(c->err, "%s\n", line);
        dm_buf_printf(&msg, "%s%s", i ? "; " : "", line);
    }
    for (size_t i = 0; i < d.n_warnings; i++)
        fprintf(c->err, "%s\n", config_diag_entry_format(line, sizeof(line), &d.warnings[i], true));
    fflush(c->err);
    if (rc != 0) {
        rc = d.n_errors ? d.errors[0].code : task_out ? DMCTL_ERR_TASK_CHECK : DMCTL_ERR_SOURCE_CHECK;
        dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "%s file %s is invalid: %s",
                   task_out ? "task" : "source", path, msg.data ? msg.data : "");
        dm_err_workaround(err, "fix the file (`dmctl validate %s` lists every problem)", path);
        goto done;
    }
    *out_text = text;
    text = NULL;
done:
    dm_buf_fini(&msg);
    config_diag_fini(&d);
    free(text);
    return rc;
}
