// DESIGN: a single mutex-protected FILE*. Lines are formatted into a stack buffer first and
// written with one fwrite under the lock, so lines from different threads never interleave.
#include "dm_log.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;  // NULL means stderr
static dm_log_level log_min = DM_LOG_INFO;
static bool log_json;

static const char *level_name(dm_log_level l)
{
    switch (l) {
    case DM_LOG_DEBUG:
        return "debug";
    case DM_LOG_INFO:
        return "info";
    case DM_LOG_WARN:
        return "warn";
    case DM_LOG_ERROR:
        break;
    }
    return "error";
}

int dm_log_open(const char *path, dm_log_level min, bool json, dm_err *err)
{
    FILE *f = NULL;
    if (path != NULL && path[0] != '\0' && strcmp(path, "-") != 0) {
        f = fopen(path, "ae");
        if (f == NULL)
            return dm_err_from_errno(err, errno, "cannot open log file %s", path);
        setvbuf(f, NULL, _IOLBF, 0);
    }
    pthread_mutex_lock(&log_mu);
    if (log_file != NULL)
        fclose(log_file);
    log_file = f;
    log_min = min;
    log_json = json;
    pthread_mutex_unlock(&log_mu);
    return 0;
}

void dm_log_close(void)
{
    pthread_mutex_lock(&log_mu);
    if (log_file != NULL)
        fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_mu);
}

int dm_log_parse_level(dm_log_level *out, const char *text, dm_err *err)
{
    static const struct {
        const char *name;
        dm_log_level level;
    } names[] = {{"debug", DM_LOG_DEBUG}, {"info", DM_LOG_INFO},   {"warn", DM_LOG_WARN},
                 {"warning", DM_LOG_WARN}, {"error", DM_LOG_ERROR}};
    size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(text, names[i].name) == 0) {
            *out = names[i].level;
            return 0;
        }
    }
    return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                      "unknown log level '%s' (want debug, info, warn or error)", text);
}

bool dm_log_enabled(dm_log_level level)
{
    bool on;
    pthread_mutex_lock(&log_mu);
    on = level >= log_min;
    pthread_mutex_unlock(&log_mu);
    return on;
}

void dm_log_write(dm_log_level level, const char *component, const char *fmt, ...)
{
    char msg[4096];
    char ts[40];
    char line[8192];
    struct timespec now;
    struct tm tm;
    va_list ap;
    int n;
    bool json;

    if (!dm_log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof(ts) - (size_t)n, ".%03ldZ", now.tv_nsec / 1000000);

    pthread_mutex_lock(&log_mu);
    json = log_json;
    pthread_mutex_unlock(&log_mu);
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level_name(level),
                              "component", component ? component : "", "msg", msg);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        n = snprintf(line, sizeof(line), "%s\n", s ? s : msg);
        free(s);
        json_decref(o);
    } else {
        n = snprintf(line, sizeof(line), "%s %-5s [%s] %s\n", ts, level_name(level),
                     component ? component : "-", msg);
    }
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 1;
    pthread_mutex_lock(&log_mu);
    fwrite(line, 1, (size_t)n, log_file ? log_file : stderr);
    if (log_file == NULL)
        fflush(stderr);
    pthread_mutex_unlock(&log_mu);
}
