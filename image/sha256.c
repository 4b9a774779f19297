/* sha256.c - SHA-256 (FIPS 180-4): a portable compression function and,
 * on x86-64, one on the SHA extensions, chosen once by cpuid. The
 * extensions do two rounds an instruction: about four times the
 * portable speed, which matters when every byte of a 100 MB image is
 * hashed twice (compressed blob and uncompressed layer). */
#include "sha256.h"

#include <stdio.h>
#include <string.h>

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotate_right(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_big_endian(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Compresses count 64-byte blocks into state. */
static void compress_portable(uint32_t state[8], const unsigned char *data,
			      size_t count)
{
	for (; count > 0; count--, data += 64) {
		uint32_t w[64], v[8];
		for (int t = 0; t < 16; t++)
			w[t] = load_big_endian(data + 4 * t);
		for (int t = 16; t < 64; t++) {
			uint32_t s0 = rotate_right(w[t - 15], 7) ^
				      rotate_right(w[t - 15], 18) ^
				      (w[t - 15] >> 3);
			uint32_t s1 = rotate_right(w[t - 2], 17) ^
				      rotate_right(w[t - 2], 19) ^
				      (w[t - 2] >> 10);
			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		memcpy(v, state, sizeof(v));
		for (int t = 0; t < 64; t++) {
			uint32_t a = v[0], e = v[4];
			uint32_t t1 =
			    v[7] +
			    (rotate_right(e, 6) ^ rotate_right(e, 11) ^
			     rotate_right(e, 25)) +
			    ((e & v[5]) ^ (~e & v[6])) + round_constants[t] +
			    w[t];
			uint32_t t2 =
			    (rotate_right(a, 2) ^ rotate_right(a, 13) ^
			     rotate_right(a, 22)) +
			    ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
			v[7] = v[6];
			v[6] = v[5];
			v[5] = e;
			v[4] = v[3] + t1;
			v[3] = v[2];
			v[2] = v[1];
			v[1] = a;
			v[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			state[i] += v[i];
	}
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* The SHA extensions keep the state as two vectors, ABEF and CDGH, and
 * take the message four words at a time: sha256msg1/msg2 extend the
 * schedule, sha256rnds2 does two rounds with the words added to their
 * round constants. */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_sha_ni(uint32_t state[8], const unsigned char *data, size_t count)
{
	const __m128i byte_swap =
	    _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

	for (; count > 0; count--, data += 64) {
		__m128i saved_abef = abef, saved_cdgh = cdgh, m[4];
		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(
			    _mm_loadu_si128((const __m128i *)(data + 16 * i)),
			    byte_swap);
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			if (g >= 4) {
				/* W[t-16] + s0(W[t-15]), + W[t-7], +
				 * s1(W[t-2]): the next four words. */
				__m128i x = _mm_sha256msg1_epu32(
				    m[g & 3], m[(g + 1) & 3]);
				x = _mm_add_epi32(
				    x, _mm_alignr_epi8(m[(g + 3) & 3],
						       m[(g + 2) & 3], 4));
				m[g & 3] =
				    _mm_sha256msg2_epu32(x, m[(g + 3) & 3]);
			}
			__m128i wk = _mm_add_epi32(
			    m[g & 3],
			    _mm_loadu_si128(
				(const __m128i *)&round_constants[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(
			    abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
		}
		abef = _mm_add_epi32(abef, saved_abef);
		cdgh = _mm_add_epi32(cdgh, saved_cdgh);
	}

	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&state[0],
			 _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static bool has_sha_ni(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
	    !(c & bit_SSE4_1))
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#else
static void compress_sha_ni(uint32_t state[8], const unsigned char *data,
			    size_t count)
{
	compress_portable(state, data, count);
}

static bool has_sha_ni(void)
{
	return false;
}
#endif

/* 0: not chosen yet, 1: portable, 2: SHA-NI. */
static int chosen;

static void compress(uint32_t state[8], const unsigned char *data, size_t count)
{
	if (!chosen)
		chosen = has_sha_ni() ? 2 : 1;
	if (chosen == 2)
		compress_sha_ni(state, data, count);
	else
		compress_portable(state, data, count);
}

const char *sha256_implementation(void)
{
	if (!chosen)
		chosen = has_sha_ni() ? 2 : 1;
	return chosen == 2 ? "sha-ni" : "portable";
}

void sha256_force_portable(bool portable)
{
	chosen = portable ? 1 : 0;
}

void sha256_init(struct sha256 *c)
{
	static const uint32_t initial[8] = {
	    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(c->state, initial, sizeof(initial));
	c->length = 0;
	c->used = 0;
}

void sha256_update(struct sha256 *c, const void *data, size_t length)
{
	const unsigned char *p = data;
	c->length += length;
	if (c->used) {
		size_t take = 64 - c->used < length ? 64 - c->used : length;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		length -= take;
		if (c->used < 64)
			return;
		compress(c->state, c->block, 1);
		c->used = 0;
	}
	if (length >= 64) {
		compress(c->state, p, length / 64);
		p += length & ~(size_t)63;
		length &= 63;
	}
	memcpy(c->block, p, length);
	c->used = length;
}

void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX])
{
	/* A 1 bit, zeros, and the length in bits as 64 bits big-endian,
	 * ending a block. */
	uint64_t bits = c->length * 8;
	unsigned char pad[72] = {0x80};
	size_t pad_length = (c->used < 56 ? 56 : 120) - c->used;
	for (int i = 0; i < 8; i++)
		pad[pad_length + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, pad, pad_length + 8);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", c->state[i]);
}
