#!/usr/bin/env bash
# Downloads the Microsoft News Dataset (MIND) into data/ in the official layout:
#   scripts/download_mind.sh small   -> data/MINDsmall_train, data/MINDsmall_dev
#   scripts/download_mind.sh large   -> data/MINDlarge_train, data/MINDlarge_dev, data/MINDlarge_test
#   --out DIR puts the folders in DIR instead of the repository's data/.
# Shows the licence and asks to accept it (--yes or MIND_ACCEPT_LICENSE=1 to accept
# non-interactively). Each archive is checked (zip integrity, news.tsv and
# behaviors.tsv inside) before it is unpacked; existing folders are kept.
# MIND_BASE_URL replaces the download location (a mirror, or file:// for tests).
set -euo pipefail

usage() { echo "usage: scripts/download_mind.sh small|large [--yes] [--out DIR]" >&2; exit 2; }
[ $# -ge 1 ] || usage
size=$1
shift
accept=${MIND_ACCEPT_LICENSE:-0}
out=$(cd "$(dirname "$0")/.." && pwd)/data
while [ $# -gt 0 ]; do
  case "$1" in
    --yes) accept=1 ;;
    --out) [ $# -ge 2 ] || usage; out=$(realpath -m "$2"); shift ;;
    *) usage ;;
  esac
  shift
done
case "$size" in
  small) splits=(MINDsmall_train MINDsmall_dev) ;;
  large) splits=(MINDlarge_train MINDlarge_dev MINDlarge_test) ;;
  *) usage ;;
esac
base=${MIND_BASE_URL:-https://mind201910small.blob.core.windows.net/release}
for tool in curl unzip; do
  command -v "$tool" >/dev/null || { echo "download_mind: needs $tool (apt-get install $tool)" >&2; exit 1; }
done

cat <<'NOTICE'
MIND is released by Microsoft under the Microsoft Research License Terms
(https://msnews.github.io, "License"). It may be used for non-commercial research
purposes only. By downloading it you agree to those terms.
NOTICE
if [ "$accept" != 1 ]; then
  if [ ! -t 0 ]; then
    echo "download_mind: not accepted; rerun with --yes (or MIND_ACCEPT_LICENSE=1) to accept" >&2
    exit 1
  fi
  read -r -p "Accept the licence terms? [y/N] " answer
  case "$answer" in
    y|Y|yes|YES) ;;
    *) echo "download_mind: licence not accepted; nothing downloaded" >&2; exit 1 ;;
  esac
fi

mkdir -p "$out"
for split in "${splits[@]}"; do
  target=$out/$split
  if [ -f "$target/news.tsv" ] && [ -f "$target/behaviors.tsv" ]; then
    echo "download_mind: $target is there already; kept"
    continue
  fi
  archive=$out/$split.zip
  echo "download_mind: fetching $base/$split.zip"
  if ! curl -fL --retry 3 -o "$archive.part" "$base/$split.zip"; then
    rm -f "$archive.part"
    echo "download_mind: could not fetch $base/$split.zip (curl's reason above); check the network or MIND_BASE_URL" >&2
    exit 1
  fi
  mv "$archive.part" "$archive"
  if ! unzip -tq "$archive" >/dev/null 2>&1; then
    rm -f "$archive"
    echo "download_mind: $base/$split.zip is damaged (zip check failed); removed, run again" >&2
    exit 1
  fi
  # The listing is read whole first: grep -q stopping early would fail the
  # pipe (SIGPIPE under pipefail) at random.
  members=$(unzip -Z1 "$archive")
  for member in news.tsv behaviors.tsv; do
    if ! grep -qx "$member" <<< "$members"; then
      rm -f "$archive"
      echo "download_mind: $base/$split.zip has no $member at its root: not a MIND archive" >&2
      exit 1
    fi
  done
  rm -rf "$target.part"
  unzip -q "$archive" -d "$target.part"
  mv "$target.part" "$target"
  rm -f "$archive"
  echo "download_mind: $target ready ($(wc -l < "$target/behaviors.tsv") impressions)"
done
