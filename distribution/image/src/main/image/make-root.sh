#!/usr/bin/env bash
# make-root.sh ROOT JAVA_HOME EXAMPLES LIBS: the container image's file system besides gost's jars (which Jib
# adds under /app/libs; LIBS holds the same jars). No shell, no package manager: a Java runtime made with jlink
# (only the JDK modules gost's jars need), the C libraries it links against (taken from the build machine,
# found with ldd), /etc/passwd and /etc/group with the non-root user 65532 (gost), a world-writable /tmp
# (Netty unpacks its native library there) and the example configuration at /etc/gost/gost.yaml.
set -euo pipefail
root=$1
java_home=$2
examples=$3
libs=$4

rm -rf "$root"
mkdir -p "$root/opt" "$root/etc/gost" "$root/tmp"
# The JDK modules gost's jars require, as the JVM resolves them for the image's own command line (the
# entry point's -p and --add-modules ALL-MODULE-PATH): every "requires" from one of the jars to a JDK module.
# jlink adds what those require in turn. Service providers are not required by anyone, so jdk.crypto.ec
# (TLS with EC keys) is named here.
modules=$("$java_home/bin/java" --dry-run --show-module-resolution -p "$libs" --add-modules ALL-MODULE-PATH \
        -m io.gost.runtime/io.gost.runtime.cli.Main 2>&1 \
    | awk '$2 == "requires" && $1 !~ /^(java|jdk)\./ && $4 ~ /^jrt:/ { print $3 }' | sort -u | paste -sd, -)
if [ -z "$modules" ]; then
    echo "make-root.sh: could not resolve gost's modules in $libs" >&2
    exit 1
fi
"$java_home/bin/jlink" --add-modules "java.base,$modules,jdk.crypto.ec" \
    --strip-debug --no-header-files --no-man-pages --output "$root/opt/java"

# The C libraries every binary and shared object of the runtime needs, and the dynamic loader.
libraries=$(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
    | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u)
for library in $libraries; do
    case $library in
        "$root"/*) continue ;; # the runtime's own libraries, already in place
    esac
    real=$(readlink -f "$library")
    mkdir -p "$root$(dirname "$library")"
    cp "$real" "$root$library"
done
# glibc loads these by name at run time (name service switch, resolver), not through ldd's list.
for extra in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
    if [ -e "$extra" ]; then
        mkdir -p "$root$(dirname "$extra")"
        cp "$(readlink -f "$extra")" "$root$extra"
    fi
done

printf 'root:x:0:0:root:/root:/sbin/nologin\ngost:x:65532:65532:gost:/tmp:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\ngost:x:65532:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
cp "$examples/k8s/gost.yaml" "$root/etc/gost/gost.yaml"
