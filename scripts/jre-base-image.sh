#!/usr/bin/env bash
# Builds target/jre-base.tar, the base image of Levee's container image, without a Docker engine or a registry:
# glibc from Debian 12's libc6 package (apt), a Java 25 runtime made by jlink from the local JDK 25, and a non-root
# user 65532 — about what a distroless Java base holds. The tar is in `docker save` form, which jib reads as
# `tar://` base image (pom.xml, profile "image").
#   scripts/jre-base-image.sh [OUT]     OUT defaults to target/jre-base.tar
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
levee_java
out="${1:-target/jre-base.tar}"
work="target/jre-base"
rm -rf "$work" && mkdir -p "$work/libc" "$work/jre" "$work/image"

# 1. glibc: the JVM needs libc, libm, libdl, libpthread, librt and the loader, nothing else (java.desktop's AWT
#    libraries are not loaded by a server).
(cd "$work" && apt-get download libc6 >/dev/null)
dpkg-deb -x "$work"/libc6_*.deb "$work/libc"
mkdir -p "$work/libc/etc" "$work/libc/tmp" "$work/libc/home/nonroot"
chmod 1777 "$work/libc/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$work/libc/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$work/libc/etc/group"
chown 65532:65532 "$work/libc/home/nonroot"

# 2. The runtime: the Java SE modules plus the JDK modules a server uses (jdk.unsupported for Netty/Weld,
#    jdk.management and jdk.jfr for metrics and recordings, jdk.crypto for TLS, jdk.zipfs, DNS naming).
mkdir -p "$work/jre/opt"
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.management.jfr,jdk.jfr,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.localedata,jdk.httpserver \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$work/jre/opt/java"

# 3. Layers (reproducible: fixed owner and time, sorted) and the docker-save manifest and config.
layer() { # DIR NAME
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$work/image/$2.tar" .
  sha256sum "$work/image/$2.tar" | cut -d' ' -f1
}
libc_id=$(layer "$work/libc" libc)
jre_id=$(layer "$work/jre" jre)
java_version=$("$work/jre/opt/java/bin/java" -version 2>&1 | head -1 | sed 's/"/\\"/g')
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"65532:65532","WorkingDir":"/home/nonroot",
   "Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$libc_id","sha256:$jre_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/jre-base-image.sh: libc6 from Debian 12"},
            {"created":"1970-01-01T00:00:00Z","created_by":"scripts/jre-base-image.sh: jlink, $java_version"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["levee-jre-base:25"],"Layers":["libc.tar","jre.tar"]}]\n' \
  > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$out" manifest.json config.json libc.tar jre.tar
echo "jre-base: $out ($(du -h "$out" | cut -f1)), $java_version"
