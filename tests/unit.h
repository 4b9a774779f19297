/* unit.h - what the unit test files share. */
#ifndef CONTAINER_FS_TESTS_UNIT_H
#define CONTAINER_FS_TESTS_UNIT_H

/* Prints "ok - name" or "not ok - name" and counts a failure. */
void check(int condition, const char *name);

/* unit_seccomp.c */
void test_seccomp(void);

/* unit_image.c */
void test_image(void);

/* unit_oci.c */
void test_bundle(void);
void test_bundle_resources(void);

#endif
