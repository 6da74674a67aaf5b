#!/usr/bin/env bash
# Builds a minimal Java 17 base image, as a `docker load`-able tarball, from this machine's JDK: a jlink'ed runtime
# plus the shared libraries it needs (found with ldd) and the few files glibc reads (nsswitch, passwd, /tmp).
# It exists for machines that reach no container registry: the `images` Maven profile can then build our connector
# images FROM it with `-Dimages.base=tar://$PWD/target/base-jre.tar`. Where a registry answers, use the default
# base (eclipse-temurin:17-jre) instead: it gets security updates, this does not.
#
# Usage: scripts/make-base-image.sh [OUT.tar]     (default: target/base-jre.tar)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/base-jre.tar}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -x "$java_home/bin/jlink" ] && [ -d "$java_home/jmods" ] \
  || { echo "error: $java_home has no jlink or jmods: set JAVA_HOME to a full JDK 17" >&2; exit 2; }
"$java_home/bin/java" -version 2>&1 | grep -q 'version "17' \
  || { echo "error: $java_home is not a JDK 17: set JAVA_HOME to one" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/tmp" "$rootfs/etc" "$rootfs/data"
chmod 1777 "$rootfs/tmp"

# Every module of the JDK that a JDBC/Kafka Connect/gRPC application may load reflectively is kept: jdeps cannot
# see ServiceLoader and Class.forName uses, and a missing module only shows at run time.
modules=java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,\
java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,\
java.security.sasl,java.sql,java.sql.rowset,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.cryptoki,\
jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,\
jdk.unsupported,jdk.zipfs,jdk.charsets
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --strip-debug --no-man-pages \
  --no-header-files --compress=2 --output "$rootfs/opt/java" 2>/dev/null

# Shared libraries of the runtime, and of the native libraries our dependencies unpack at run time (RocksDB and
# zstd need the C++ runtime and glibc's pthread/dl/rt names), plus glibc's name-service modules so that host names
# resolve.
copy_lib() {
  local lib="$1" real
  real="$(readlink -f "$lib")"
  mkdir -p "$rootfs$(dirname "$lib")" "$rootfs$(dirname "$real")"
  cp -n "$real" "$rootfs$real"
  [ "$lib" = "$real" ] || ln -sf "$real" "$rootfs$lib"
}
# Libraries for a display, sound or fonts are left out: the image runs headless (java.awt.headless).
libs=$(find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name libawt_xawt.so ! -name libjawt.so ! -name libsplashscreen.so ! -name libjsound.so \
    ! -name libfontmanager.so ! -name liblcms.so ! -name libjavajpeg.so ! -name libmlib_image.so \
    -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib/ {print $1}' | grep -v "^$rootfs" | sort -u)
arch_lib=/lib/x86_64-linux-gnu
[ -d "$arch_lib" ] || arch_lib=/lib/aarch64-linux-gnu
extra=$(ls "$arch_lib"/libstdc++.so.6 "$arch_lib"/libgcc_s.so.1 "$arch_lib"/libnss_files.so.2 \
  "$arch_lib"/libnss_dns.so.2 "$arch_lib"/libresolv.so.2 "$arch_lib"/libpthread.so.0 "$arch_lib"/libdl.so.2 \
  "$arch_lib"/librt.so.1 "$arch_lib"/libutil.so.1 2>/dev/null || true)
for lib in $libs $extra; do copy_lib "$lib"; done
# The dynamic loader is found by its absolute path in every binary.
for ld in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
  [ -e "$ld" ] && copy_lib "$ld"
done

printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' \
  >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
mkdir -p "$rootfs/root"

# One layer, reproducible: sorted names, fixed times and owners.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/layer.tar" .
diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
arch=amd64
[ "$arch_lib" = /lib/aarch64-linux-gnu ] && arch=arm64
cat >"$work/config.json" <<EOF
{"architecture":"$arch","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/make-base-image.sh (jlink of the local JDK 17)"}]}
EOF
config="$(sha256sum "$work/config.json" | cut -d' ' -f1).json"
mv "$work/config.json" "$work/$config"
printf '[{"Config":"%s","RepoTags":["hstream-io/base-jre:17"],"Layers":["layer.tar"]}]\n' "$config" \
  >"$work/manifest.json"
mkdir -p "$(dirname "$out")"
tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out" manifest.json "$config" layer.tar
echo "base image hstream-io/base-jre:17 written to $out ($(du -h "$out" | cut -f1))"
