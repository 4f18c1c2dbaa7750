// DESIGN: one LMDB environment with the unnamed database only. Values are JSON text so the
// schema of a document can grow without a migration; the controller keeps its working copy
// in memory and writes a whole document each time it changes (documents are small: a task's
// YAML and its subtask bindings), which keeps recovery trivial: read every document back.
#include "ctl_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>

struct ctl_store {
    MDB_env *env;
    MDB_dbi dbi;
    char dir[1024];
};

static int lmdb_err(dm_err *err, int rc, const char *call, const ctl_store *s)
{
    dm_err_set(err, CTL_STORE_ERR_LMDB, DM_ERR_SCOPE_INTERNAL, "controller state %s: %s failed",
               s ? s->dir : "?", call);
    dm_err_cause(err, "%s", mdb_strerror(rc));
    return CTL_STORE_ERR_LMDB;
}

int ctl_store_open(ctl_store **out, const char *dir, dm_err *err)
{
    int rc = 0, mrc;
    MDB_txn *txn = NULL;
    ctl_store *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rc = dm_err_from_errno(err, errno, "cannot create the controller data dir %s", dir);
        goto fail;
    }
    if ((mrc = mdb_env_create(&s->env))) {
        rc = lmdb_err(err, mrc, "mdb_env_create", s);
        goto fail;
    }
    mdb_env_set_mapsize(s->env, (size_t)256 << 20);
    if ((mrc = mdb_env_open(s->env, dir, MDB_NOTLS, 0644))) {
        rc = lmdb_err(err, mrc, "mdb_env_open", s);
        goto fail;
    }
    if ((mrc = mdb_txn_begin(s->env, NULL, 0, &txn)) || (mrc = mdb_dbi_open(txn, NULL, 0, &s->dbi)) ||
        (mrc = mdb_txn_commit(txn))) {
        if (txn)
            mdb_txn_abort(txn);
        txn = NULL;
        rc = lmdb_err(err, mrc, "opening the database", s);
        goto fail;
    }
    *out = s;
    return 0;
fail:
    ctl_store_close(s);
    return rc;
}

void ctl_store_close(ctl_store *s)
{
    if (!s)
        return;
    if (s->env)
        mdb_env_close(s->env);
    free(s);
}

// write_one puts text under key (or deletes key when text is NULL) in one durable
// transaction; deleting a missing key succeeds.
static int write_one(ctl_store *s, const char *key, const char *text, dm_err *err)
{
    int rc = 0, mrc;
    MDB_txn *txn = NULL;
    MDB_val k = {strlen(key), (void *)key}, v = {text ? strlen(text) : 0, (void *)text};
    if ((mrc = mdb_txn_begin(s->env, NULL, 0, &txn))) {
        rc = lmdb_err(err, mrc, "mdb_txn_begin", s);
        goto done;
    }
    mrc = text ? mdb_put(txn, s->dbi, &k, &v, 0) : mdb_del(txn, s->dbi, &k, NULL);
    if (mrc && !(mrc == MDB_NOTFOUND && !text)) {
        rc = lmdb_err(err, mrc, text ? "mdb_put" : "mdb_del", s);
        goto done;
    }
    mrc = mdb_txn_commit(txn);
    txn = NULL;
    if (mrc)
        rc = lmdb_err(err, mrc, "mdb_txn_commit", s);
done:
    if (txn)
        mdb_txn_abort(txn);
    return rc;
}

int ctl_store_put(ctl_store *s, const char *key, json_t *doc, dm_err *err)
{
    if (!key || !*key || !json_is_object(doc))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "controller state: put needs a key and a JSON object");
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    int rc = write_one(s, key, text, err);
    free(text);
    return rc;
}

int ctl_store_del(ctl_store *s, const char *key, dm_err *err)
{
    return write_one(s, key, NULL, err);
}

static int parse_doc(json_t **out, const MDB_val *k, const MDB_val *v, dm_err *err)
{
    json_error_t je;
    json_t *doc = json_loadb(v->mv_data, v->mv_size, 0, &je);
    if (!json_is_object(doc)) {
        json_decref(doc);
        dm_err_set(err, CTL_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                   "controller state: the value of key '%.*s' is not a JSON object", (int)k->mv_size,
                   (const char *)k->mv_data);
        return dm_err_cause(err, "%s", je.text);
    }
    *out = doc;
    return 0;
}

int ctl_store_get(json_t **out, ctl_store *s, const char *key, dm_err *err)
{
    int rc = 0, mrc;
    MDB_txn *txn = NULL;
    MDB_val k = {strlen(key), (void *)key}, v;
    *out = NULL;
    if ((mrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)))
        return lmdb_err(err, mrc, "mdb_txn_begin", s);
    mrc = mdb_get(txn, s->dbi, &k, &v);
    if (mrc == 0)
        rc = parse_doc(out, &k, &v, err);
    else if (mrc != MDB_NOTFOUND)
        rc = lmdb_err(err, mrc, "mdb_get", s);
    mdb_txn_abort(txn);
    return rc;
}

int ctl_store_list(json_t **out, ctl_store *s, const char *kind, dm_err *err)
{
    int rc = 0, mrc;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    char prefix[256];
    json_t *all = json_object();
    *out = NULL;
    if (!all)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    int plen = snprintf(prefix, sizeof(prefix), "%s/", kind);
    if ((mrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) || (mrc = mdb_cursor_open(txn, s->dbi, &cur))) {
        rc = lmdb_err(err, mrc, "opening a cursor", s);
        goto done;
    }
    MDB_val k = {(size_t)plen, prefix}, v;
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < (size_t)plen || memcmp(k.mv_data, prefix, (size_t)plen) != 0)
            break;
        json_t *doc = NULL;
        char name[512];
        snprintf(name, sizeof(name), "%.*s", (int)(k.mv_size - (size_t)plen), (const char *)k.mv_data + plen);
        if ((rc = parse_doc(&doc, &k, &v, err)))
            goto done;
        json_object_set_new(all, name, doc);
    }
    if (mrc && mrc != MDB_NOTFOUND)
        rc = lmdb_err(err, mrc, "mdb_cursor_get", s);
done:
    if (cur)
        mdb_cursor_close(cur);
    if (txn)
        mdb_txn_abort(txn);
    if (rc)
        json_decref(all);
    else
        *out = all;
    return rc;
}
