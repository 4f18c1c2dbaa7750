// DESIGN: dmctl's argument handling, kept free of I/O so unit tests drive it directly.
//
// DM's dmctl is a cobra/pflag program: global flags before the command, persistent `-s`
// accepted by every command (repeatable, comma lists), options anywhere among the positional
// arguments, Go durations for --rpc-timeout and a TOML config file. This file reproduces
// those rules with a small table-driven parser (dmctl_args_parse) instead of getopt, whose
// global state does not suit an interactive session that parses many command lines.
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dm_buf.h"
#include "dmctl.h"

void dmctl_strlist_fini(dmctl_strlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

int dmctl_strlist_push(dmctl_strlist *l, const char *s)
{
    char *copy;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        char **items = realloc(l->items, cap * sizeof(*items));
        if (!items)
            return DM_ERR_NOMEM;
        l->items = items;
        l->cap = cap;
    }
    if (!(copy = strdup(s)))
        return DM_ERR_NOMEM;
    l->items[l->n++] = copy;
    return 0;
}

bool dmctl_strlist_contains(const dmctl_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

int dmctl_strlist_add_csv(dmctl_strlist *l, const char *arg)
{
    int rc = 0;
    char *copy = strdup(arg), *save = NULL;
    if (!copy)
        return DM_ERR_NOMEM;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        // pflag keeps blanks around items; a source id never has them, so trim.
        while (isspace((unsigned char)*tok))
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && isspace((unsigned char)tok[n - 1]))
            tok[--n] = '\0';
        if (n > 0 && !dmctl_strlist_contains(l, tok))
            rc = dmctl_strlist_push(l, tok);
    }
    free(copy);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Durations.

int dmctl_parse_duration(int64_t *out_ms, const char *text, dm_err *err)
{
    // Units in nanoseconds; longer names first so "ms" is not read as "m".
    static const struct {
        const char *name;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6},
                 {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    const char *p = text;
    double total_ns = 0;
    *out_ms = 0;
    if (!text || !*text)
        return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL, "invalid duration \"\"");
    if (strcmp(text, "0") == 0)
        return 0;
    while (*p) {
        char *end;
        size_t best = 0, ui = 0;
        if (!isdigit((unsigned char)*p) && *p != '.')
            goto bad;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || *end == 'e' || *end == 'E')
            goto bad;
        // strtod accepts forms Go does not (hex, exponents, inf); only digits and one dot.
        for (const char *q = p; q < end; q++)
            if (!isdigit((unsigned char)*q) && *q != '.')
                goto bad;
        p = end;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t n = strlen(units[i].name);
            if (strncmp(p, units[i].name, n) == 0 && n > best) {
                best = n;
                ui = i;
            }
        }
        if (best == 0) {
            dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                       "invalid duration \"%s\": missing or unknown unit at \"%s\"", text, p);
            return dm_err_workaround(err, "use a number and a unit: 30s, 10m, 1h30m, 500ms");
        }
        // "m" must not swallow the "m" of a following "ms": longest match handles it.
        total_ns += v * units[ui].ns;
        p += best;
        if (total_ns > 9.2e18)
            return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                              "invalid duration \"%s\": overflows", text);
    }
    *out_ms = (int64_t)(total_ns / 1e6);
    if (*out_ms == 0 && total_ns > 0)
        *out_ms = 1;
    return 0;
bad:
    dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL, "invalid duration \"%s\" at \"%s\"",
               text, p);
    return dm_err_workaround(err, "use a number and a unit: 30s, 10m, 1h30m, 500ms");
}

// ---------------------------------------------------------------------------------------
// Interactive line splitting.

int dmctl_split_line(dmctl_strlist *out, const char *line, dm_err *err)
{
    dm_buf word;
    int rc = 0;
    bool in_word = false;
    const char *p = line;
    dm_buf_init(&word);
    while (*p && rc == 0) {
        char ch = *p;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            if (in_word && (rc = dmctl_strlist_push(out, word.data ? word.data : "")) != 0)
                break;
            dm_buf_reset(&word);
            in_word = false;
            p++;
            continue;
        }
        in_word = true;
        if (ch == '\'') {
            const char *close = strchr(p + 1, '\'');
            if (!close) {
                rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                "unterminated ' quote starting at column %zu", (size_t)(p - line) + 1);
                break;
            }
            rc = dm_buf_append(&word, p + 1, (size_t)(close - p - 1));
            p = close + 1;
        } else if (ch == '"') {
            const char *q = p + 1;
            while (*q && *q != '"' && rc == 0) {
                if (*q == '\\' && q[1] && strchr("\"\\$`", q[1])) {
                    rc = dm_buf_putc(&word, q[1]);
                    q += 2;
                } else {
                    rc = dm_buf_putc(&word, *q++);
                }
            }
            if (rc == 0 && *q != '"') {
                rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                "unterminated \" quote starting at column %zu", (size_t)(p - line) + 1);
                break;
            }
            p = q + 1;
        } else if (ch == '\\') {
            if (!p[1]) {
                rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                "trailing backslash at column %zu", (size_t)(p - line) + 1);
                break;
            }
            rc = dm_buf_putc(&word, p[1]);
            p += 2;
        } else {
            rc = dm_buf_putc(&word, ch);
            p++;
        }
    }
    if (rc == 0 && in_word)
        rc = dmctl_strlist_push(out, word.data ? word.data : "");
    if (rc == DM_ERR_NOMEM)
        dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "out of memory");
    dm_buf_fini(&word);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Command options.

void dmctl_args_fini(dmctl_args *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < DMCTL_MAX_OPTS; i++)
        dmctl_strlist_fini(&a->list[i]);
    free(a->pos);
    memset(a, 0, sizeof(*a));
}

// parse_bool reads pflag's boolean spellings.
static int parse_bool(bool *out, const char *v)
{
    static const char *yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *no[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(v, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

// take_value records opt i's value (for BOOL, an explicit "=value").
static int take_value(dmctl_args *a, const dmctl_opt *o, size_t i, const char *value,
                      const char *spelled, dm_err *err)
{
    bool b = true;
    a->set[i] = true;
    switch (o->kind) {
    case DMCTL_OPT_BOOL:
        if (value && parse_bool(&b, value) != 0)
            return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                              "invalid boolean \"%s\" for %s", value, spelled);
        a->set[i] = b;
        return 0;
    case DMCTL_OPT_STR:
        a->str[i] = value;
        return 0;
    case DMCTL_OPT_LIST:
        if (dmctl_strlist_add_csv(&a->list[i], value) != 0)
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        return 0;
    }
    return 0;
}

int dmctl_args_parse(dmctl_args *out, const dmctl_opt *opts, size_t n_opts, int argc,
                     char **argv, dm_err *err)
{
    int rc = 0;
    bool options_done = false;
    memset(out, 0, sizeof(*out));
    if (n_opts > DMCTL_MAX_OPTS)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "too many options");
    if (argc > 1 && !(out->pos = calloc((size_t)argc, sizeof(*out->pos))))
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    for (int k = 1; k < argc && rc == 0; k++) {
        const char *arg = argv[k];
        size_t i;
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            out->pos[out->n_pos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            out->help = true;
            continue;
        }
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            for (i = 0; i < n_opts; i++)
                if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
                    break;
            if (i == n_opts) {
                rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                "unknown flag: --%.*s", (int)len, name);
                break;
            }
            const char *value = eq ? eq + 1 : NULL;
            if (!value && opts[i].kind != DMCTL_OPT_BOOL) {
                if (k + 1 >= argc) {
                    rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                    "flag needs an argument: --%s", opts[i].name);
                    break;
                }
                value = argv[++k];
            }
            rc = take_value(out, &opts[i], i, value, arg, err);
            continue;
        }
        // Short options: "-s VALUE", "-sVALUE", "-s=VALUE", or a cluster of booleans "-lm".
        for (const char *p = arg + 1; *p && rc == 0; p++) {
            for (i = 0; i < n_opts; i++)
                if (opts[i].short_name == *p)
                    break;
            if (i == n_opts) {
                rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                "unknown shorthand flag: '%c' in %s", *p, arg);
                break;
            }
            if (opts[i].kind == DMCTL_OPT_BOOL) {
                rc = take_value(out, &opts[i], i, p[1] == '=' ? p + 2 : NULL, arg, err);
                if (p[1] == '=')
                    break;
                continue;
            }
            const char *value = p[1] == '=' ? p + 2 : p[1] ? p + 1 : NULL;
            if (!value) {
                if (k + 1 >= argc) {
                    rc = dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                    "flag needs an argument: '%c' in -%c", *p, *p);
                    break;
                }
                value = argv[++k];
            }
            rc = take_value(out, &opts[i], i, value, arg, err);
            break;
        }
    }
    if (rc != 0)
        dmctl_args_fini(out);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Global flags and the dmctl config file.

void dmctl_ctx_init(dmctl_ctx *c)
{
    memset(c, 0, sizeof(*c));
    c->rpc_timeout_ms = DMCTL_DEFAULT_RPC_TIMEOUT_MS;
    c->out = stdout;
    c->err = stderr;
}

void dmctl_ctx_fini(dmctl_ctx *c)
{
    if (!c)
        return;
    dm_rpc_client_close(c->client);
    c->client = NULL;
    free(c->master_addr);
    free(c->config_file);
    free(c->secret_key_path);
    dmctl_strlist_fini(&c->sources);
    c->master_addr = c->config_file = c->secret_key_path = NULL;
}

static int set_string(char **slot, const char *v, dm_err *err)
{
    char *copy = strdup(v);
    if (!copy)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

// unquote strips one pair of matching quotes and surrounding blanks from a TOML value in
// place and returns it.
static char *unquote(char *v)
{
    size_t n;
    while (isspace((unsigned char)*v))
        v++;
    n = strlen(v);
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        v[--n] = '\0';
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        v++;
    }
    return v;
}

int dmctl_config_load(dmctl_ctx *c, const char *path, bool set_addr, bool set_timeout,
                      dm_err *err)
{
    char line[4096];
    int rc = 0, lineno = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        dm_err_set(err, DMCTL_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL, "cannot read dmctl config file %s",
                   path);
        return dm_err_cause(err, "%s", strerror(errno));
    }
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        char *hash, *eq, *key, *value;
        lineno++;
        // A '#' inside a quoted value is kept: only strip comments outside quotes.
        bool quoted = false;
        for (hash = line; *hash; hash++) {
            if (*hash == '"')
                quoted = !quoted;
            else if (*hash == '#' && !quoted)
                break;
        }
        *hash = '\0';
        key = unquote(line);
        if (*key == '\0')
            continue;
        if (!(eq = strchr(key, '='))) {
            rc = dm_err_set(err, DMCTL_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL,
                            "%s:%d: expected `key = value`, got \"%s\"", path, lineno, key);
            break;
        }
        *eq = '\0';
        value = unquote(eq + 1);
        key = unquote(key);
        if (strcmp(key, "master-addr") == 0) {
            if (set_addr)
                rc = set_string(&c->master_addr, value, err);
        } else if (strcmp(key, "rpc-timeout") == 0) {
            int64_t ms;
            dm_err derr;
            dm_err_clear(&derr);
            if (dmctl_parse_duration(&ms, value, &derr) != 0) {
                rc = dm_err_set(err, DMCTL_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL, "%s:%d: rpc-timeout: %s",
                                path, lineno, derr.message);
            } else if (set_timeout) {
                c->rpc_timeout_ms = ms;
            }
        } else {
            rc = dm_err_set(err, DMCTL_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL,
                            "%s:%d: unknown key \"%s\" (known: master-addr, rpc-timeout)", path,
                            lineno, key);
        }
    }
    fclose(f);
    return rc;
}

int dmctl_global_parse(int *cmd_index, bool *help, dmctl_ctx *c, int argc, char **argv,
                       dm_err *err)
{
    // Flags taking a value; DM also accepts a single dash for them (AdjustArgumentsForPflags).
    static const char *names[] = {"master-addr", "rpc-timeout", "config", "secret-key-path",
                                  "source"};
    const char *timeout_text = NULL;
    bool addr_flag = false;
    int rc = 0, k = 1;
    *help = false;
    for (; k < argc && rc == 0; k++) {
        const char *arg = argv[k], *value = NULL, *name;
        size_t len, i;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            *help = true;
            continue;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        name = arg + (arg[1] == '-' ? 2 : 1);
        len = strcspn(name, "=");
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0]) && arg[1] == 's') {
            // The shorthand -s: "-s VALUE", "-sVALUE", "-s=VALUE".
            if (arg[2] == '\0' && k + 1 >= argc)
                return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                                  "flag needs an argument: 's' in -s");
            value = arg[2] == '\0' ? argv[++k] : arg[2] == '=' ? arg + 3 : arg + 2;
            if (dmctl_strlist_add_csv(&c->sources, value) != 0)
                return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            continue;
        }
        if (i == sizeof(names) / sizeof(names[0])) {
            dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL, "unknown global flag: %s", arg);
            return dm_err_workaround(err, "global flags are --master-addr, --rpc-timeout, "
                                          "--config, --secret-key-path and -s/--source");
        }
        if (name[len] == '=') {
            value = name + len + 1;
        } else if (k + 1 < argc) {
            value = argv[++k];
        } else {
            return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                              "flag needs an argument: --%s", names[i]);
        }
        switch (i) {
        case 0:
            rc = set_string(&c->master_addr, value, err);
            addr_flag = true;
            break;
        case 1:
            timeout_text = value;
            break;
        case 2:
            rc = set_string(&c->config_file, value, err);
            break;
        case 3:
            rc = set_string(&c->secret_key_path, value, err);
            break;
        default:
            if (dmctl_strlist_add_csv(&c->sources, value) != 0)
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            break;
        }
    }
    *cmd_index = k;
    if (rc != 0)
        return rc;
    // DM's order: flags, then the config file for what the flags left unset, then the env.
    if (c->config_file &&
        (rc = dmctl_config_load(c, c->config_file, !addr_flag, timeout_text == NULL, err)) != 0)
        return rc;
    if (timeout_text) {
        if ((rc = dmctl_parse_duration(&c->rpc_timeout_ms, timeout_text, err)) != 0)
            return dm_err_prefix(err, "--rpc-timeout");
    }
    if (c->rpc_timeout_ms <= 0)
        return dm_err_set(err, DMCTL_ERR_ARGS, DM_ERR_SCOPE_INTERNAL,
                          "invalid time duration: %s (the rpc timeout must be positive)",
                          timeout_text ? timeout_text : "0");
    if ((!c->master_addr || !*c->master_addr) && getenv("DM_MASTER_ADDR") &&
        *getenv("DM_MASTER_ADDR"))
        rc = set_string(&c->master_addr, getenv("DM_MASTER_ADDR"), err);
    return rc;
}
