// DESIGN: error objects are fixed-size values so that reporting an error never allocates
// (an out-of-memory error must itself be reportable) and so they can live on any stack.
#include "dm_err.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

void dm_err_clear(dm_err *e)
{
    if (e == NULL)
        return;
    memset(e, 0, sizeof(*e));
}

int dm_err_vset(dm_err *e, int code, dm_err_scope scope, const char *fmt, va_list ap)
{
    if (e == NULL)
        return code;
    e->code = code;
    e->scope = scope;
    e->level = DM_ERR_LEVEL_HIGH;
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    e->cause[0] = '\0';
    e->workaround[0] = '\0';
    return code;
}

int dm_err_set(dm_err *e, int code, dm_err_scope scope, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dm_err_vset(e, code, scope, fmt, ap);
    va_end(ap);
    return code;
}

int dm_err_cause(dm_err *e, const char *fmt, ...)
{
    va_list ap;
    if (e == NULL)
        return 0;
    va_start(ap, fmt);
    vsnprintf(e->cause, sizeof(e->cause), fmt, ap);
    va_end(ap);
    return e->code;
}

int dm_err_workaround(dm_err *e, const char *fmt, ...)
{
    va_list ap;
    if (e == NULL)
        return 0;
    va_start(ap, fmt);
    vsnprintf(e->workaround, sizeof(e->workaround), fmt, ap);
    va_end(ap);
    return e->code;
}

int dm_err_level_set(dm_err *e, dm_err_level level)
{
    if (e == NULL)
        return 0;
    e->level = level;
    return e->code;
}

int dm_err_prefix(dm_err *e, const char *fmt, ...)
{
    char prefix[512];
    size_t plen, mlen, cap;
    va_list ap;
    if (e == NULL)
        return 0;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    // Shift the message right and copy the prefix in front, truncating the tail if needed.
    cap = sizeof(e->message) - 1;
    plen = strlen(prefix);
    if (plen + 2 > cap)
        plen = cap - 2;
    mlen = strlen(e->message);
    if (plen + 2 + mlen > cap)
        mlen = cap - plen - 2;
    memmove(e->message + plen + 2, e->message, mlen);
    memcpy(e->message, prefix, plen);
    e->message[plen] = ':';
    e->message[plen + 1] = ' ';
    e->message[plen + 2 + mlen] = '\0';
    return e->code;
}

int dm_err_from_errno(dm_err *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    char buf[64];
    const char *s;
    va_start(ap, fmt);
    dm_err_vset(e, DM_ERR_IO, DM_ERR_SCOPE_INTERNAL, fmt, ap);
    va_end(ap);
    s = strerror_r(errnum, buf, sizeof(buf));
    dm_err_cause(e, "%s", s);
    return DM_ERR_IO;
}

const char *dm_err_class_name(int code)
{
    // Ordered by lower bound; each class runs up to the next one's bound.
    static const struct {
        int lo;
        const char *name;
    } classes[] = {
        {DM_ERR_RANGE_DATABASE, "database"},     {DM_ERR_RANGE_FUNCTIONAL, "functional"},
        {DM_ERR_RANGE_CONFIG, "config"},         {DM_ERR_RANGE_BINLOG_OP, "binlog-op"},
        {DM_ERR_RANGE_CHECKPOINT, "checkpoint"}, {DM_ERR_RANGE_TASK_CHECK, "task-check"},
        {DM_ERR_RANGE_RELAY, "relay"},           {DM_ERR_RANGE_DUMP, "dump"},
        {DM_ERR_RANGE_LOAD, "load"},             {DM_ERR_RANGE_SYNC, "sync"},
        {DM_ERR_RANGE_CONTROLLER, "controller"}, {DM_ERR_RANGE_APPLIER, "applier"},
        {DM_ERR_RANGE_SCHEMA, "schema"},         {DM_ERR_RANGE_SCHEDULER, "scheduler"},
        {DM_ERR_RANGE_DMCTL, "dmctl"},
    };
    const char *name = "not-set";
    size_t i;
    if (code < DM_ERR_RANGE_DATABASE || code >= DM_ERR_RANGE_END)
        return name;
    for (i = 0; i < sizeof(classes) / sizeof(classes[0]) && code >= classes[i].lo; i++)
        name = classes[i].name;
    return name;
}

const char *dm_err_scope_name(dm_err_scope scope)
{
    switch (scope) {
    case DM_ERR_SCOPE_UPSTREAM:
        return "upstream";
    case DM_ERR_SCOPE_DOWNSTREAM:
        return "downstream";
    case DM_ERR_SCOPE_INTERNAL:
        return "internal";
    case DM_ERR_SCOPE_NOT_SET:
        break;
    }
    return "not-set";
}

const char *dm_err_level_name(dm_err_level level)
{
    switch (level) {
    case DM_ERR_LEVEL_LOW:
        return "low";
    case DM_ERR_LEVEL_MEDIUM:
        return "medium";
    case DM_ERR_LEVEL_HIGH:
        break;
    }
    return "high";
}

char *dm_err_format(char *out, size_t size, const dm_err *e)
{
    size_t n;
    if (size == 0)
        return out;
    out[0] = '\0';
    if (e == NULL)
        return out;
    n = (size_t)snprintf(out, size, "[code=%d:class=%s:scope=%s:level=%s]", e->code,
                         dm_err_class_name(e->code), dm_err_scope_name(e->scope),
                         dm_err_level_name(e->level));
    if (n < size && e->message[0])
        n += (size_t)snprintf(out + n, size - n, ", Message: %s", e->message);
    if (n < size && e->cause[0])
        n += (size_t)snprintf(out + n, size - n, ", RawCause: %s", e->cause);
    if (n < size && e->workaround[0])
        snprintf(out + n, size - n, ", Workaround: %s", e->workaround);
    return out;
}

struct json_t *dm_err_to_json(const dm_err *e)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "ErrCode", e->code,
                          "ErrClass", dm_err_class_name(e->code), "ErrScope",
                          dm_err_scope_name(e->scope), "ErrLevel", dm_err_level_name(e->level),
                          "Message", e->message, "RawCause", e->cause, "Workaround",
                          e->workaround);
    return o;
}
