/* unit_image.c - unit tests of what reads an image: SHA-256 against
 * published vectors (both implementations), the tar reader on archives
 * built here byte by byte, the index, manifest and config parsers and
 * the choice of an image, and an image's config into the description. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/config.h"
#include "image/manifest.h"
#include "image/sha256.h"
#include "image/tar.h"
#include "unit.h"

static void hash(const void *data, size_t length, size_t chunk,
		 char hex[SHA256_HEX])
{
	struct sha256 c;
	sha256_init(&c);
	for (size_t at = 0; at < length; at += chunk)
		sha256_update(&c, (const char *)data + at,
			      length - at < chunk ? length - at : chunk);
	sha256_final_hex(&c, hex);
}

static void test_sha256(void)
{
	static const struct {
		const char *text, *digest;
	} vectors[] = {
	    /* FIPS 180-4 examples and the usual empty string. */
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852"
		 "b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2"
		    "0015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06"
	     "c1"},
	};
	char *million = malloc(1000000);
	memset(million, 'a', 1000000);
	for (int portable = 0; portable < 2; portable++) {
		char hex[SHA256_HEX], name[160];
		sha256_force_portable(portable);
		for (size_t i = 0; i < sizeof(vectors) / sizeof(*vectors);
		     i++) {
			hash(vectors[i].text, strlen(vectors[i].text), 1000,
			     hex);
			snprintf(name, sizeof(name), "sha256 (%s): \"%.20s\"",
				 sha256_implementation(), vectors[i].text);
			check(strcmp(hex, vectors[i].digest) == 0, name);
		}
		hash(million, 1000000, 4099, hex);
		snprintf(name, sizeof(name),
			 "sha256 (%s): a million 'a', in odd chunks",
			 sha256_implementation());
		check(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a49"
				  "7200e046d39ccc7112cd0") == 0,
		      name);
		/* Every length around the padding boundaries, whole and
		 * byte by byte, agrees. */
		int agree = 1;
		for (size_t n = 0; n < 300; n++) {
			char whole[SHA256_HEX], bytes[SHA256_HEX];
			hash(million, n, n ? n : 1, whole);
			hash(million, n, 1, bytes);
			agree &= strcmp(whole, bytes) == 0;
		}
		snprintf(name, sizeof(name),
			 "sha256 (%s): chunking changes nothing",
			 sha256_implementation());
		check(agree, name);
	}
	sha256_force_portable(false);
	free(million);
}

/* An archive built in memory. */
struct archive {
	char data[64 * 1024];
	size_t length, read_at;
};

static void header(struct archive *a, const char *name, char type,
		   unsigned long size, const char *link)
{
	char *h = a->data + a->length;
	memset(h, 0, 512);
	snprintf(h, 100, "%s", name);
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 1000);
	snprintf(h + 116, 8, "%07o", 1000);
	snprintf(h + 124, 12, "%011lo", size);
	snprintf(h + 136, 12, "%011o", 1234567);
	h[156] = type;
	if (link)
		snprintf(h + 157, 100, "%s", link);
	memcpy(h + 257,
	       "ustar\0"
	       "00",
	       8);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	a->length += 512;
}

static void data(struct archive *a, const void *bytes, size_t length)
{
	memcpy(a->data + a->length, bytes, length);
	a->length += (length + 511) / 512 * 512;
}

static void end(struct archive *a)
{
	a->length += 1024; /* the buffer is zeroed */
}

static ssize_t read_archive(void *context, void *buffer, size_t length)
{
	struct archive *a = context;
	size_t left = a->length - a->read_at;
	if (length > left)
		length = left;
	memcpy(buffer, a->data + a->read_at, length);
	a->read_at += length;
	return (ssize_t)length;
}

static void begin(struct tar_reader *r, struct archive *a)
{
	a->read_at = 0;
	tar_begin(r, (struct tar_input){read_archive, NULL, a});
}

static struct archive *new_archive(void)
{
	return calloc(1, sizeof(struct archive));
}

static void test_tar_basic(void)
{
	struct archive *a = new_archive();
	struct tar_reader r;
	struct tar_entry e = {0};
	char buffer[64];
	header(a, "dir/", '5', 512, NULL); /* a size a directory ignores */
	header(a, "dir/file", '0', 5, NULL);
	data(a, "hello", 5);
	header(a, "dir/link", '2', 0, "file");
	header(a, "dir/hard", '1', 0, "dir/file");
	end(a);
	begin(&r, a);
	int ok = tar_next(&r, &e) == 1 && e.type == TAR_DIRECTORY &&
		 strcmp(e.name, "dir/") == 0 && e.size == 0 && e.uid == 1000 &&
		 e.mode == 0644 && e.mtime == 1234567;
	ok &= tar_next(&r, &e) == 1 && e.type == TAR_FILE && e.size == 5 &&
	      tar_read(&r, buffer, sizeof(buffer)) == 5 &&
	      memcmp(buffer, "hello", 5) == 0 &&
	      tar_read(&r, buffer, sizeof(buffer)) == 0;
	ok &= tar_next(&r, &e) == 1 && e.type == TAR_SYMLINK &&
	      strcmp(e.link, "file") == 0;
	ok &= tar_next(&r, &e) == 1 && e.type == TAR_HARDLINK &&
	      strcmp(e.link, "dir/file") == 0;
	ok &= tar_next(&r, &e) == 0 && tar_next(&r, &e) == 0;
	check(ok, "tar: ustar entries, data, links, end marker");
	tar_free_entry(&e);

	/* Data left unread is skipped by the next tar_next. */
	begin(&r, a);
	ok = tar_next(&r, &e) == 1 && tar_next(&r, &e) == 1 &&
	     tar_next(&r, &e) == 1 && e.type == TAR_SYMLINK;
	check(ok, "tar: unread data is skipped");
	tar_free_entry(&e);

	/* Cut inside the file's data: truncated. */
	a->length = 512 * 2 + 3;
	begin(&r, a);
	ok = tar_next(&r, &e) == 1 && tar_next(&r, &e) == 1 &&
	     tar_read(&r, buffer, sizeof(buffer)) == 3 &&
	     tar_read(&r, buffer, sizeof(buffer)) < 0 &&
	     strstr(r.error, "truncated");
	check(ok, "tar: a stream cut inside a file is refused");
	tar_free_entry(&e);

	/* No end marker: truncated too. */
	a->length = 512 * 3;
	begin(&r, a);
	while (tar_next(&r, &e) == 1)
		;
	check(strstr(r.error, "truncated") != NULL,
	      "tar: a stream without its end marker is refused");
	tar_free_entry(&e);

	/* A damaged header. */
	a->length = 512 * 5 + 1024;
	a->data[10] ^= 1;
	begin(&r, a);
	check(tar_next(&r, &e) < 0 && strstr(r.error, "checksum"),
	      "tar: a bad header checksum is refused");
	tar_free_entry(&e);
	free(a);
}

static void pax(struct archive *a, const char *records, size_t length,
		char type)
{
	header(a, "PaxHeaders/x", type, length, NULL);
	data(a, records, length);
}

static void test_tar_extended(void)
{
	struct archive *a = new_archive();
	struct tar_reader r;
	struct tar_entry e = {0};
	char records[1024], longname[300];
	memset(longname, 'n', 250);
	longname[250] = '\0';
	/* The length prefix counts itself: "NNN path=...\n". */
	int n = snprintf(records, sizeof(records), "%d path=%s\n",
			 (int)(strlen(longname) + 10), longname);
	n += snprintf(records + n, sizeof(records) - (size_t)n,
		      "15 uid=4000000\n"
		      "22 mtime=1700000000.5\n");
	memcpy(records + n, "27 SCHILY.xattr.user.k=a\0b\n", 27);
	n += 27;
	pax(a, records, (size_t)n, 'x');
	header(a, "short", '0', 0, NULL);
	header(a, "././@LongLink", 'L', 201, NULL);
	memset(longname, 'g', 200);
	longname[200] = '\0';
	data(a, longname, 201);
	header(a, "cut", '2', 0, "x");
	end(a);
	struct tar_reader *rp = &r;
	begin(rp, a);
	int got = tar_next(&r, &e);
	int ok = got == 1 && strlen(e.name) == 250 && e.uid == 4000000 &&
		 e.mtime == 1700000000 && e.xattr_count == 1 &&
		 strcmp(e.xattrs[0].name, "user.k") == 0 &&
		 e.xattrs[0].length == 3 &&
		 memcmp(e.xattrs[0].value, "a\0b", 3) == 0;
	if (got < 0)
		fprintf(stderr, "  tar: %s\n", r.error);
	check(ok, "tar: pax path, uid, mtime and a binary xattr");
	ok = tar_next(&r, &e) == 1 && strlen(e.name) == 200 &&
	     e.name[0] == 'g' && e.type == TAR_SYMLINK;
	check(ok, "tar: a GNU long name");
	tar_free_entry(&e);

	static const char *const bad[] = {
	    "19 GNU.sparse.size=1\n", /* sparse */
	    "9 path=\n",	      /* empty path */
	    "99 uid=1\n",	      /* length past the end */
	    "12 size=-1\n",	      /* negative size */
	    "7 uid1\n",		      /* no '=' */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char name[80];
		memset(a, 0, sizeof(*a));
		pax(a, bad[i], strlen(bad[i]), 'x');
		header(a, "f", '0', 0, NULL);
		end(a);
		begin(&r, a);
		snprintf(name, sizeof(name),
			 "tar: bad pax record refused: %.20s", bad[i] + 2);
		name[strcspn(name, "\n")] = '\0';
		check(tar_next(&r, &e) < 0 && r.error[0], name);
		tar_free_entry(&e);
	}

	/* Base-256 size: 2^33 bytes announced, and a stream far shorter. */
	memset(a, 0, sizeof(*a));
	header(a, "big", '0', 0, NULL);
	memset(a->data + 124, 0, 12);
	a->data[124] = (char)0x80;
	a->data[131] = 2; /* 2 << 32 */
	memset(a->data + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)a->data[i];
	snprintf(a->data + 148, 8, "%06o", sum);
	end(a);
	begin(&r, a);
	char buffer[4096];
	ok = tar_next(&r, &e) == 1 && e.size == (2ULL << 32);
	while (ok && tar_read(&r, buffer, sizeof(buffer)) > 0)
		;
	check(ok && strstr(r.error, "truncated"),
	      "tar: base-256 size read; the short stream is refused");
	tar_free_entry(&e);

	memset(a, 0, sizeof(*a));
	header(a, "sparse", 'S', 0, NULL);
	end(a);
	begin(&r, a);
	check(tar_next(&r, &e) < 0 && strstr(r.error, "not supported"),
	      "tar: unknown entry types are refused");
	tar_free_entry(&e);
	free(a);
}

#define DIGEST_A                                                               \
	"sha256:"                                                              \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"       \
	"aa"
#define DIGEST_B                                                               \
	"sha256:"                                                              \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"       \
	"bb"

static void test_index(void)
{
	char error[400];
	struct index index;
	const struct platform amd64 = {"linux", "amd64", NULL};
	const struct platform riscv = {"linux", "riscv64", NULL};
	const char *platforms =
	    "{\"schemaVersion\":2,\"manifests\":["
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	    "\"digest\":\"" DIGEST_A "\",\"size\":10,"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
	    "\"variant\":\"v8\"}},"
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	    "\"digest\":\"" DIGEST_B "\",\"size\":11,"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	int ok = parse_index(platforms, strlen(platforms), &index, error,
			     sizeof(error)) == 0 &&
		 index.count == 2 && index.manifests[1].size == 11 &&
		 index.manifests[0].kind == BLOB_MANIFEST;
	check(ok, "index: parsed");
	check(choose_manifest(&index, NULL, &amd64, error, sizeof(error)) == 1,
	      "index: the host's platform is chosen");
	check(choose_manifest(&index, NULL, &riscv, error, sizeof(error)) < 0 &&
		  strstr(error, "linux/arm64/v8"),
	      "index: no image for the host: refused, listing platforms");
	free_index(&index);

	const char *named =
	    "{\"schemaVersion\":2,\"manifests\":["
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	    "\"digest\":\"" DIGEST_A "\",\"size\":1,\"annotations\":"
	    "{\"org.opencontainers.image.ref.name\":\"one:latest\"}},"
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	    "\"digest\":\"" DIGEST_B "\",\"size\":1,\"annotations\":"
	    "{\"org.opencontainers.image.ref.name\":\"two:1.0\"}}]}";
	parse_index(named, strlen(named), &index, error, sizeof(error));
	check(choose_manifest(&index, NULL, &amd64, error, sizeof(error)) < 0 &&
		  strstr(error, "one:latest") && strstr(error, "two:1.0"),
	      "index: several images and no name: refused, listing them");
	check(choose_manifest(&index, "two:1.0", &amd64, error,
			      sizeof(error)) == 1,
	      "index: an image chosen by name");
	check(choose_manifest(&index, "one", &amd64, error, sizeof(error)) == 0,
	      "index: a name without a tag means :latest");
	check(choose_manifest(&index, "three", &amd64, error, sizeof(error)) <
		  0,
	      "index: an unknown name is refused");
	free_index(&index);

	static const char *const bad[] = {
	    "{\"schemaVersion\":1,\"manifests\":[]}",
	    "{\"schemaVersion\":2,\"manifests\":{}}",
	    "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:abc\","
	    "\"size\":1}]}",
	    "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha512:"
	    "aa\",\"size\":1}]}",
	    "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DIGEST_A
	    "\",\"size\":-1}]}",
	    "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DIGEST_A
	    "\",\"size\":1,\"platform\":[]}]}",
	    "{\"schemaVersion\":2,\"schemaVersion\":2,\"manifests\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char name[100];
		snprintf(name, sizeof(name), "index: refused: %.60s",
			 bad[i] + 17);
		check(parse_index(bad[i], strlen(bad[i]), &index, error,
				  sizeof(error)) < 0 &&
			  error[0],
		      name);
		free_index(&index);
	}
}

static void test_manifest(void)
{
	char error[400];
	struct manifest m;
	const char *good =
	    "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
	    "\"application/"
	    "vnd.oci.image.config.v1+json\",\"digest\":\"" DIGEST_A
	    "\",\"size\":5},\"layers\":[{\"mediaType\":"
	    "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
	    "\"" DIGEST_B "\",\"size\":7},{\"mediaType\":"
	    "\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":"
	    "\"" DIGEST_B "\",\"size\":7},{\"mediaType\":"
	    "\"application/vnd.docker.image.rootfs.diff.tar\",\"digest\":"
	    "\"" DIGEST_B "\",\"size\":7}]}";
	int ok =
	    parse_manifest(good, strlen(good), &m, error, sizeof(error)) == 0 &&
	    m.layer_count == 3 && m.layers[0].compression == COMPRESSION_GZIP &&
	    m.layers[1].compression == COMPRESSION_ZSTD &&
	    m.layers[2].compression == COMPRESSION_NONE && m.config.size == 5;
	check(ok, "manifest: config and layers with their compression");
	free_manifest(&m);

	const char *artifact =
	    "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
	    "\"application/vnd.cncf.helm.config.v1+json\",\"digest\":"
	    "\"" DIGEST_A "\",\"size\":5},\"layers\":[]}";
	check(parse_manifest(artifact, strlen(artifact), &m, error,
			     sizeof(error)) < 0 &&
		  strstr(error, "not a container image"),
	      "manifest: an artifact that is no image is refused");
	free_manifest(&m);
	const char *encrypted =
	    "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
	    "\"application/vnd.oci.image.config.v1+json\",\"digest\":"
	    "\"" DIGEST_A "\",\"size\":5},\"layers\":[{\"mediaType\":"
	    "\"application/vnd.oci.image.layer.v1.tar+gzip+encrypted\","
	    "\"digest\":\"" DIGEST_B "\",\"size\":7}]}";
	check(parse_manifest(encrypted, strlen(encrypted), &m, error,
			     sizeof(error)) < 0 &&
		  strstr(error, "layers[0]"),
	      "manifest: a layer type it cannot read is refused");
	free_manifest(&m);

	struct docker_manifest d;
	const char *docker =
	    "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:latest\"],\"Layers\":"
	    "[\"1/layer.tar\",\"2/layer.tar\"]},{\"Config\":\"d.json\","
	    "\"RepoTags\":[\"b:2\"],\"Layers\":[]}]";
	ok = parse_docker_manifest(docker, strlen(docker), &d, error,
				   sizeof(error)) == 0 &&
	     d.count == 2 && d.images[0].layer_count == 2;
	check(ok, "docker manifest.json: parsed");
	check(choose_docker_image(&d, "a", error, sizeof(error)) == 0 &&
		  choose_docker_image(&d, "b:2", error, sizeof(error)) == 1,
	      "docker manifest.json: images chosen by RepoTags");
	check(choose_docker_image(&d, NULL, error, sizeof(error)) < 0 &&
		  strstr(error, "a:latest, b:2"),
	      "docker manifest.json: several images and no name: refused");
	free_docker_manifest(&d);

	char(*ids)[DIGEST_SIZE];
	const char *config = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
			     "[\"" DIGEST_A "\",\"" DIGEST_B "\"]}}";
	ok = parse_diff_ids(config, strlen(config), 2, &ids, error,
			    sizeof(error)) == 0 &&
	     strcmp(ids[1], DIGEST_B) == 0;
	free(ids);
	check(ok, "config: diff_ids");
	check(parse_diff_ids(config, strlen(config), 3, &ids, error,
			     sizeof(error)) < 0 &&
		  strstr(error, "lists 2 layers, the manifest 3"),
	      "config: diff_ids of another count than the layers: refused");
	check(valid_digest(DIGEST_A) && !valid_digest("sha256:AA") &&
		  !valid_digest(NULL),
	      "digest: sha256 and 64 lowercase hex digits");
}

/* Writes an image directory as import makes it: layers/001, 002 and
 * config.json with text. */
static void image_dir(char *dir, const char *config)
{
	char path[300];
	strcpy(dir, "/tmp/cfs-unit-image.XXXXXX");
	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/layers", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/layers/002", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/layers/001", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	FILE *file = fopen(path, "w");
	if (file) {
		fputs(config, file);
		fclose(file);
	}
}

static void remove_image_dir(const char *dir)
{
	char command[400];
	snprintf(command, sizeof(command), "rm -rf '%s'", dir);
	if (system(command) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
}

static int apply(const char *dir, char **command, const char *entrypoint,
		 struct container_spec *s, struct failure *f)
{
	free_spec(s);
	init_spec(s, f);
	size_t count = 0, layers = 0;
	for (int i = 0; command && command[i]; i++)
		append_list(&s->command, &count, command[i], f);
	append_list(&s->layers, &layers, "top", f);
	s->layer_count = 1;
	return apply_image(s, dir, entrypoint, f);
}

static void test_image_config(void)
{
	char dir[64];
	struct container_spec s = {0};
	struct failure f;
	image_dir(dir, "{\"config\":{\"Env\":[\"A=1\",\"PATH=/bin\"],"
		       "\"WorkingDir\":\"srv\",\"User\":\"app:staff\","
		       "\"Entrypoint\":[\"/bin/entry\",\"-x\"],\"Cmd\":[\"c1\","
		       "\"c2\"],\"Volumes\":{\"/v\":{}},\"Healthcheck\":{}}}");
	int ok = apply(dir, NULL, NULL, &s, &f) == 0 && s.layer_count == 3 &&
		 strstr(s.layers[0], "layers/001") &&
		 strstr(s.layers[1], "layers/002") &&
		 strcmp(s.layers[2], "top") == 0 && s.env_count == 2 &&
		 strcmp(s.cwd, "/srv") == 0 &&
		 strcmp(s.user, "app:staff") == 0 &&
		 strcmp(s.command[0], "/bin/entry") == 0 &&
		 strcmp(s.command[3], "c2") == 0 && !s.command[4];
	check(ok, "image config: layers bottom first, Env, WorkingDir, User, "
		  "Entrypoint + Cmd");
	ok = apply(dir, (char *[]){"sh", NULL}, NULL, &s, &f) == 0 &&
	     strcmp(s.command[0], "/bin/entry") == 0 &&
	     strcmp(s.command[2], "sh") == 0 && !s.command[3];
	check(ok, "image config: COMMAND replaces Cmd, not Entrypoint");
	ok = apply(dir, NULL, "/bin/other", &s, &f) == 0 &&
	     strcmp(s.command[0], "/bin/other") == 0 && !s.command[1];
	check(ok, "image config: --entrypoint replaces Entrypoint, drops Cmd");
	ok = apply(dir, (char *[]){"ls", "-l", NULL}, "", &s, &f) == 0 &&
	     strcmp(s.command[0], "ls") == 0 && !s.command[2];
	check(ok, "image config: --entrypoint '' leaves COMMAND alone");
	check(apply(dir, NULL, "", &s, &f) < 0 &&
		  strstr(f.detail, "no Entrypoint or Cmd"),
	      "image config: no command at all is refused");
	remove_image_dir(dir);

	image_dir(dir, "{\"config\":{\"Env\":[\"NOEQUALS\"]}}");
	check(apply(dir, (char *[]){"sh", NULL}, NULL, &s, &f) < 0 &&
		  strstr(f.detail, "Env"),
	      "image config: an Env entry without '=' is refused");
	remove_image_dir(dir);
	image_dir(dir, "{\"config\":{\"Cmd\":\"sh\"}}");
	check(apply(dir, NULL, NULL, &s, &f) < 0 && strstr(f.detail, "Cmd"),
	      "image config: a Cmd that is no list is refused");
	remove_image_dir(dir);
	image_dir(dir, "{\"config\":{\"WorkingDir\":\"/a/../..\"}}");
	check(apply(dir, (char *[]){"sh", NULL}, NULL, &s, &f) < 0 &&
		  strstr(f.detail, "WorkingDir"),
	      "image config: a WorkingDir with '..' is refused");
	remove_image_dir(dir);
	free_spec(&s);
}

void test_image(void)
{
	test_sha256();
	test_tar_basic();
	test_tar_extended();
	test_index();
	test_manifest();
	test_image_config();
}
