/* import.h - the import verb: an OCI layout, OCI archive or docker save
 * archive into DEST/layers/NNN (one plain directory per layer, bottom
 * first) and DEST/config.json. */
#ifndef CONTAINER_FS_IMAGE_IMPORT_H
#define CONTAINER_FS_IMAGE_IMPORT_H

/* container-fs import SOURCE[:REF] DEST; argv[0] is "import". Returns
 * the exit status: 0, or 125 with one line on stderr. */
int import_command(int argc, char **argv);

#endif
