// DESIGN: a method table; each method finds its source and calls relay_source. Nothing here
// keeps state, so any number of workers may serve at once.
#include "relay_rpc.h"

#include <string.h>

static int find_source(relay_source **out, const relay_rpc *r, json_t *params, dm_err *err)
{
    const char *id = json_string_value(json_object_get(params, "source"));
    *out = NULL;
    if (!id) {
        if (r->n_sources == 1) {
            *out = r->sources[0];
            return 0;
        }
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "relayd %s relays %zu sources: name one with \"source\"", r->name, r->n_sources);
    }
    for (size_t i = 0; i < r->n_sources; i++) {
        if (strcmp(relay_source_id(r->sources[i]), id) == 0) {
            *out = r->sources[i];
            return 0;
        }
    }
    return dm_err_set(err, RELAY_RPC_ERR_NO_SOURCE, DM_ERR_SCOPE_INTERNAL, "relayd %s does not relay source '%s'",
                      r->name, id);
}

static int m_status(dm_rpc_reply *out, const relay_rpc *r, json_t *params, dm_err *err)
{
    json_t *list = json_array();
    const char *only = json_string_value(json_object_get(params, "source"));
    relay_source *one = NULL;
    int rc = 0;

    if (only && (rc = find_source(&one, r, params, err)))
        goto done;
    for (size_t i = 0; list && i < r->n_sources; i++) {
        if (one && r->sources[i] != one)
            continue;
        json_t *st = relay_source_status(r->sources[i]);
        if (!st || json_array_append_new(list, st) != 0) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
    }
    out->result = json_pack("{s:s, s:O}", "name", r->name, "sources", list);
    if (!out->result)
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
done:
    json_decref(list);
    return rc;
}

static int m_stage(dm_rpc_reply *out, const relay_rpc *r, json_t *params, bool pause, dm_err *err)
{
    relay_source *s;
    int rc;
    if ((rc = find_source(&s, r, params, err)))
        return rc;
    if ((rc = pause ? relay_source_pause(s, err) : relay_source_resume(s, err)))
        return rc;
    json_t *st = relay_source_status(s);
    out->result = json_pack("{s:s, s:O}", "source", relay_source_id(s), "stage",
                            st ? json_object_get(st, "stage") : json_null());
    json_decref(st);
    return out->result ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

static int m_purge(dm_rpc_reply *out, const relay_rpc *r, json_t *params, dm_err *err)
{
    relay_source *s;
    int rc;
    const char *file = json_string_value(json_object_get(params, "file"));
    if ((rc = find_source(&s, r, params, err)))
        return rc;
    if (!file || !*file)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "purge needs \"file\": segments entirely before that binlog file are removed");
    return relay_source_purge(&out->result, s, file, err);
}

static int m_segments(dm_rpc_reply *out, const relay_rpc *r, json_t *params, dm_err *err)
{
    relay_source *s;
    int rc;
    if ((rc = find_source(&s, r, params, err)))
        return rc;
    return relay_source_segment(&out->result, &out->data, s, params, err);
}

static int m_fde(dm_rpc_reply *out, const relay_rpc *r, json_t *params, dm_err *err)
{
    relay_source *s;
    int rc;
    if ((rc = find_source(&s, r, params, err)))
        return rc;
    return relay_source_fde(&out->result, &out->data, s, params, err);
}

int relay_rpc_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    const relay_rpc *r = arg;
    if (strcmp(req->method, "status") == 0)
        return m_status(out, r, req->params, err);
    if (strcmp(req->method, "pause") == 0)
        return m_stage(out, r, req->params, true, err);
    if (strcmp(req->method, "resume") == 0)
        return m_stage(out, r, req->params, false, err);
    if (strcmp(req->method, "purge") == 0)
        return m_purge(out, r, req->params, err);
    if (strcmp(req->method, "segments") == 0)
        return m_segments(out, r, req->params, err);
    if (strcmp(req->method, "fde") == 0)
        return m_fde(out, r, req->params, err);
    return dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL,
                      "relayd has no method '%s' (status, pause, resume, purge, segments, fde)",
                      req->method);
}
