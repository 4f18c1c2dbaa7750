// DESIGN: DM's binlog event type names (tidb-tools/tiflow pkg/binlog-filter): one table
// maps each rules_event_type to its DM name and class, so parsing, naming and
// classification cannot drift apart. Aliases ("create schema") only exist for parsing.
#include <stdio.h>
#include <strings.h>

#include "rules.h"

typedef struct event_info {
    const char *name;
    rules_event_class cls;
} event_info;

#define P RULES_EVENT_CLASS_PSEUDO
#define DML RULES_EVENT_CLASS_DML
#define DDL RULES_EVENT_CLASS_DDL
#define INC RULES_EVENT_CLASS_INCOMPATIBLE_DDL

static const event_info events[RULES_EVENT_COUNT_] = {
    [RULES_EVENT_NULL] = {"", RULES_EVENT_CLASS_NONE},
    [RULES_EVENT_ALL] = {"all", P},
    [RULES_EVENT_ALL_DML] = {"all dml", P},
    [RULES_EVENT_ALL_DDL] = {"all ddl", P},
    [RULES_EVENT_NONE] = {"none", P},
    [RULES_EVENT_NONE_DDL] = {"none ddl", P},
    [RULES_EVENT_NONE_DML] = {"none dml", P},
    [RULES_EVENT_INCOMPATIBLE_DDL_CHANGES] = {"incompatible ddl changes", P},
    [RULES_EVENT_INSERT] = {"insert", DML},
    [RULES_EVENT_UPDATE] = {"update", DML},
    [RULES_EVENT_DELETE] = {"delete", DML},
    [RULES_EVENT_CREATE_DATABASE] = {"create database", DDL},
    [RULES_EVENT_DROP_DATABASE] = {"drop database", INC},
    [RULES_EVENT_ALTER_DATABASE] = {"alter database", DDL},
    [RULES_EVENT_CREATE_TABLE] = {"create table", DDL},
    [RULES_EVENT_DROP_TABLE] = {"drop table", INC},
    [RULES_EVENT_TRUNCATE_TABLE] = {"truncate table", INC},
    [RULES_EVENT_RENAME_TABLE] = {"rename table", INC},
    [RULES_EVENT_CREATE_INDEX] = {"create index", DDL},
    [RULES_EVENT_DROP_INDEX] = {"drop index", INC},
    [RULES_EVENT_CREATE_VIEW] = {"create view", DDL},
    [RULES_EVENT_DROP_VIEW] = {"drop view", DDL},
    [RULES_EVENT_ALTER_TABLE] = {"alter table", DDL},
    [RULES_EVENT_ADD_TABLE_PARTITION] = {"add table partition", DDL},
    [RULES_EVENT_DROP_TABLE_PARTITION] = {"drop table partition", INC},
    [RULES_EVENT_TRUNCATE_TABLE_PARTITION] = {"truncate table partition", INC},
    [RULES_EVENT_ADD_FOREIGN_KEY] = {"add foreign key", INC},
    [RULES_EVENT_DROP_FOREIGN_KEY] = {"drop foreign key", INC},
    [RULES_EVENT_VALUE_RANGE_DECREASE] = {"value range decrease", INC},
    [RULES_EVENT_PRECISION_DECREASE] = {"precision decrease", INC},
    [RULES_EVENT_MODIFY_COLUMN] = {"modify column", INC},
    [RULES_EVENT_RENAME_COLUMN] = {"rename column", INC},
    [RULES_EVENT_RENAME_INDEX] = {"rename index", INC},
    [RULES_EVENT_DROP_COLUMN] = {"drop column", INC},
    [RULES_EVENT_DROP_PRIMARY_KEY] = {"drop primary key", INC},
    [RULES_EVENT_DROP_UNIQUE_KEY] = {"drop unique key", INC},
    [RULES_EVENT_MODIFY_DEFAULT_VALUE] = {"modify default value", INC},
    [RULES_EVENT_MODIFY_CONSTRAINT] = {"modify constraint", INC},
    [RULES_EVENT_MODIFY_COLUMNS_ORDER] = {"modify columns order", INC},
    [RULES_EVENT_MODIFY_CHARSET] = {"modify charset", INC},
    [RULES_EVENT_MODIFY_COLLATION] = {"modify collation", INC},
    [RULES_EVENT_REMOVE_AUTO_INCREMENT] = {"remove auto increment", INC},
    [RULES_EVENT_MODIFY_STORAGE_ENGINE] = {"modify storage engine", INC},
    [RULES_EVENT_REORGANIZE_TABLE_PARTITION] = {"reorganize table partition", INC},
    [RULES_EVENT_REBUILD_TABLE_PARTITION] = {"rebuild table partition", INC},
    [RULES_EVENT_COALESCE_TABLE_PARTITION] = {"coalesce table partition", INC},
    [RULES_EVENT_SPLIT_TABLE_PARTITION] = {"split table partition", INC},
    [RULES_EVENT_EXCHANGE_TABLE_PARTITION] = {"exchange table partition", INC},
    [RULES_EVENT_MODIFY_SCHEMA_CHARSET_AND_COLLATE] = {"modify schema charset and collate", INC},
    [RULES_EVENT_MODIFY_TABLE_CHARSET_AND_COLLATE] = {"modify table charset and collate", INC},
    [RULES_EVENT_MODIFY_TABLE_COMMENT] = {"modify table comment", INC},
    [RULES_EVENT_RECOVER_TABLE] = {"recover table", INC},
    [RULES_EVENT_ALTER_TABLE_PARTITIONING] = {"alter table partitioning", INC},
    [RULES_EVENT_REMOVE_TABLE_PARTITIONING] = {"remove table partitioning", INC},
    [RULES_EVENT_ADD_COLUMN] = {"add column", INC},
    [RULES_EVENT_SET_DEFAULT_VALUE] = {"set default value", INC},
    [RULES_EVENT_REBASE_AUTO_ID] = {"rebase auto id", INC},
    [RULES_EVENT_ADD_PRIMARY_KEY] = {"add primary key", INC},
    [RULES_EVENT_ALTER_INDEX_VISIBILITY] = {"alter index visibility", INC},
    [RULES_EVENT_ALTER_TTL_INFO] = {"alter ttl info", INC},
    [RULES_EVENT_ALTER_TTL_REMOVE] = {"alter ttl remove", INC},
    [RULES_EVENT_MULTI_SCHEMA_CHANGE] = {"multi schema change", INC},
};

static const struct {
    const char *alias;
    rules_event_type event;
} aliases[] = {
    {"create schema", RULES_EVENT_CREATE_DATABASE},
    {"drop schema", RULES_EVENT_DROP_DATABASE},
    {"alter schema", RULES_EVENT_ALTER_DATABASE},
};

int rules_event_parse(rules_event_type *out, const char *text, dm_err *err)
{
    if (out == NULL || text == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rules_event_parse: NULL argument");
    for (int i = 0; i < RULES_EVENT_COUNT_; i++) {
        if (strcasecmp(text, events[i].name) == 0) {
            *out = (rules_event_type)i;
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strcasecmp(text, aliases[i].alias) == 0) {
            *out = aliases[i].event;
            return 0;
        }
    }
    return dm_err_set(err, RULES_ERR_EVENT, DM_ERR_SCOPE_INTERNAL,
                      "event type \"%s\" is not valid (DM event names: \"all\", \"all dml\", "
                      "\"insert\", \"truncate table\", ...)",
                      text);
}

const char *rules_event_name(rules_event_type e)
{
    if ((int)e < 0 || e >= RULES_EVENT_COUNT_)
        return "invalid event";
    return events[e].name;
}

rules_event_class rules_event_classify(rules_event_type e)
{
    if ((int)e < 0 || e >= RULES_EVENT_COUNT_)
        return RULES_EVENT_CLASS_PSEUDO;
    return events[e].cls;
}
