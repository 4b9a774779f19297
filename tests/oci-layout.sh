# tests/oci-layout.sh - makes OCI image layouts from layer tars, with
# sha256sum: for crafted images in tests/test-image.sh and bench/images.

# put_blob DIR FILE: FILE as a blob of the layout DIR; prints its
# digest and size.
put_blob() {
	local hex
	hex=$(sha256sum <"$2" | cut -c1-64)
	mkdir -p "$1/blobs/sha256"
	cp "$2" "$1/blobs/sha256/$hex"
	echo "sha256:$hex $(stat -c %s "$2")"
}

# make_layout DIR CMD LAYER.tar...: an OCI layout holding one image of
# these uncompressed layers, whose config's Cmd is CMD (a JSON list).
make_layout() {
	local dir=$1 cmd=$2 layer digest size layers="" diffs=""
	shift 2
	for layer in "$@"; do
		read -r digest size < <(put_blob "$dir" "$layer")
		layers+=${layers:+,}'{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"'$digest'","size":'$size'}'
		diffs+=${diffs:+,}'"'$digest'"'
	done
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":%s},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$cmd" "$diffs" >"$dir.config"
	read -r digest size < <(put_blob "$dir" "$dir.config")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
		"$digest" "$size" "$layers" >"$dir.manifest"
	read -r digest size < <(put_blob "$dir" "$dir.manifest")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s}]}' \
		"$digest" "$size" >"$dir/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	rm -f "$dir.config" "$dir.manifest"
}
