#!/usr/bin/env bash
# The crash-recovery test (test_sync_fault.sh) with binlog_row_metadata=NO_LOG, MariaDB's
# default: the binlog carries neither column names nor signedness, so rows are decoded with the
# schema tracker (seeded from the downstream at a table's first rows, advanced by every DDL,
# saved with each checkpoint and restored after each kill -9 while ADD/DROP COLUMN runs).
SYNC_ROW_METADATA=NO_LOG exec bash "$(dirname "$0")/test_sync_fault.sh"
