// DESIGN: a uthash map from key bytes to (worker, epoch). Lookups are per change, so the key
// bytes are hashed once with xxhash for the worker choice and uthash hashes them again for
// the table; both are cheap next to rendering values. Dead entries (committed epochs) are
// ignored on lookup and overwritten, and causality_prune removes them in bulk.
#include "causality.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>
#include <xxhash.h>

typedef struct centry {
    UT_hash_handle hh;
    unsigned worker;
    uint64_t epoch;
    size_t len;
    char key[];
} centry;

struct causality {
    unsigned n_workers;
    centry *map;
};

int causality_create(causality **out, unsigned n_workers, dm_err *err)
{
    *out = NULL;
    if (!n_workers)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "causality: worker count must be at least 1");
    causality *c = calloc(1, sizeof *c);
    if (!c)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "causality: out of memory");
    c->n_workers = n_workers;
    *out = c;
    return 0;
}

void causality_reset(causality *c)
{
    centry *e, *tmp;
    HASH_ITER(hh, c->map, e, tmp)
    {
        HASH_DEL(c->map, e);
        free(e);
    }
}

void causality_destroy(causality *c)
{
    if (!c)
        return;
    causality_reset(c);
    free(c);
}

size_t causality_prune(causality *c, uint64_t committed)
{
    centry *e, *tmp;
    HASH_ITER(hh, c->map, e, tmp)
    {
        if (e->epoch < committed) {
            HASH_DEL(c->map, e);
            free(e);
        }
    }
    return HASH_COUNT(c->map);
}

size_t causality_size(const causality *c) { return HASH_COUNT(c->map); }

int causality_assign(unsigned *out_worker, bool *conflict, causality *c, const char *const *keys,
                     const size_t *lens, size_t n, const char *fallback, size_t fallback_len,
                     uint64_t epoch, uint64_t committed, dm_err *err)
{
    *conflict = false;
    int worker = -1;
    for (size_t i = 0; i < n; i++) {
        centry *e;
        HASH_FIND(hh, c->map, keys[i], lens[i], e);
        if (!e || e->epoch < committed)
            continue;
        if (worker >= 0 && (unsigned)worker != e->worker) {
            *conflict = true;
            return 0;
        }
        worker = (int)e->worker;
    }
    if (worker < 0) {
        const char *k = n ? keys[0] : fallback;
        size_t len = n ? lens[0] : fallback_len;
        worker = (int)(XXH3_64bits(k, len) % c->n_workers);
    }
    for (size_t i = 0; i < n; i++) {
        centry *e;
        HASH_FIND(hh, c->map, keys[i], lens[i], e);
        if (!e) {
            e = malloc(sizeof *e + lens[i]);
            if (!e)
                return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL,
                                  "causality: out of memory");
            e->len = lens[i];
            memcpy(e->key, keys[i], lens[i]);
            HASH_ADD_KEYPTR(hh, c->map, e->key, e->len, e);
        }
        e->worker = (unsigned)worker;
        e->epoch = epoch;
    }
    *out_worker = (unsigned)worker;
    return 0;
}
