/* sha256.h - SHA-256 (FIPS 180-4), written here: glibc has none, and
 * every blob an image holds is named by its SHA-256 digest. On x86-64
 * processors with the SHA extensions (SHA-NI) the compression function
 * runs on them, chosen at run time; elsewhere a portable one runs. */
#ifndef CONTAINER_FS_IMAGE_SHA256_H
#define CONTAINER_FS_IMAGE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_HEX   65 /* 64 digits and a NUL */

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t length);
/* The digest in lowercase hex, as OCI writes it ("sha256:" not
 * included). c must be initialised again before reuse. */
void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX]);

/* Which compression function runs: "sha-ni" or "portable". */
const char *sha256_implementation(void);

/* Tests: run the portable one even where SHA-NI exists (false goes
 * back to the automatic choice). */
void sha256_force_portable(bool portable);

#endif
