// ctl_test_dir: a fresh temporary directory per test (cmocka setup/teardown) for the
// controller tests' state stores. Include once per test file.
#ifndef CTL_TEST_DIR_H
#define CTL_TEST_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char dir[256];

// ctl_test_dir_setup makes dir a new empty directory.
static int ctl_test_dir_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/dm-ctl-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

// ctl_test_dir_teardown removes dir and everything in it.
static int ctl_test_dir_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

#endif
