#!/bin/sh
# Makes OUTDIR/thucongvu-VERSION-linux-ARCH.tar.gz from the Linux binary:
#   thucongvu-VERSION/bin/thucongvu
#   thucongvu-VERSION/share/applications/thucongvu.desktop
#   thucongvu-VERSION/share/systemd/user/thucongvu-sync.service
#   thucongvu-VERSION/share/icons/hicolor/256x256/apps/thucongvu.png
# so that `tar -xzf … --strip-components=1 -C /usr/local` (or -C ~/.local) installs it.
# Usage: dist.sh BINARY VERSION OUTDIR
set -eu
bin=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
arch=$(go env GOARCH 2>/dev/null || uname -m)
name=thucongvu-$version
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/share/applications" "$stage/$name/share/icons/hicolor/256x256/apps" "$stage/$name/share/systemd/user"
install -m 0755 "$bin" "$stage/$name/bin/thucongvu"
install -m 0644 "$here/thucongvu.desktop" "$stage/$name/share/applications/thucongvu.desktop"
install -m 0644 "$here/thucongvu-sync.service" "$stage/$name/share/systemd/user/thucongvu-sync.service"
install -m 0644 "$root/assets/icon.png" "$stage/$name/share/icons/hicolor/256x256/apps/thucongvu.png"
mkdir -p "$out"
tarball=$(cd "$out" && pwd)/$name-linux-$arch.tar.gz
# Reproducible: fixed order, owner and time.
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' -czf "$tarball" "$name"
echo "$tarball"
