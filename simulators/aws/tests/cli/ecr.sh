#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
r=cli/app-$RUN
uri=$(aws ecr create-repository --repository-name "$r" --query repository.repositoryUri --output text)
expect_error RepositoryAlreadyExistsException "duplicate repository" -- aws ecr create-repository --repository-name "$r"
pw=$(aws ecr get-login-password)
base=${AWS_ENDPOINT_URL%/}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Push an image through the registry data plane, as docker push does:
# config blob, layer blob, then the manifest.
push_blob() {
	local f=$1 d loc
	d=sha256:$(sha256sum "$f" | cut -d' ' -f1)
	loc=$(curl -sS -u "AWS:$pw" -X POST -D - -o /dev/null "$base/v2/$r/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	case $loc in http*) ;; *) loc=$base$loc ;; esac
	case $loc in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
	curl -sS -f -u "AWS:$pw" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$f" "$loc" >/dev/null
	echo "$d"
}
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' >"$tmp/config"
printf 'layer-bytes' | gzip >"$tmp/layer"
cd=$(push_blob "$tmp/config")
ld=$(push_blob "$tmp/layer")
printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}' \
	"$(stat -c %s "$tmp/config")" "$cd" "$(stat -c %s "$tmp/layer")" "$ld" >"$tmp/manifest"
curl -sS -f -u "AWS:$pw" -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
	--data-binary "@$tmp/manifest" "$base/v2/$r/manifests/v1" >/dev/null
echo "ok: docker-style push"
expect "$(aws ecr describe-images --repository-name "$r" --query 'imageDetails[0].imageTags[0]' --output text)" v1 "describe-images sees the push"
expect "$(aws ecr batch-get-image --repository-name "$r" --image-ids imageTag=v1 --query 'images[0].imageId.imageDigest' --output text)" \
	"sha256:$(sha256sum "$tmp/manifest" | cut -d' ' -f1)" "batch-get-image digest"
aws ecr put-image --repository-name "$r" --image-tag latest --image-manifest "file://$tmp/manifest" >/dev/null
expect "$(aws ecr list-images --repository-name "$r" --query 'length(imageIds)' --output text)" 2 "put-image retag"
aws ecr set-repository-policy --repository-name "$r" --policy-text '{"Version":"2012-10-17","Statement":[]}' >/dev/null
expect "$(aws ecr get-repository-policy --repository-name "$r" --query repositoryName --output text)" "$r" "repository policy"
expect_error RepositoryNotEmptyException "delete non-empty" -- aws ecr delete-repository --repository-name "$r"
aws ecr delete-repository --repository-name "$r" --force >/dev/null
expect_error RepositoryNotFoundException "deleted repository" -- aws ecr describe-repositories --repository-names "$r"
