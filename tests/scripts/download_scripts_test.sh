#!/usr/bin/env bash
# The download scripts against a local file:// stand-in for the MIND blob store
# and the HuggingFace hub: licence prompt, archive checks, unpacking, digests.
# usage: download_scripts_test.sh REPO_ROOT SHARED_DIR
set -euo pipefail
repo=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect CODE TEXT -- command...: the exit code, and TEXT somewhere in its output.
expect() {
  local code=$1 text=$2 got=0
  shift 3
  "$@" > "$work/out" 2>&1 < /dev/null || got=$?
  [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(tail -3 "$work/out")"
  grep -qF -- "$text" "$work/out" || fail "$* did not say '$text': $(tail -3 "$work/out")"
}

mind=$repo/scripts/download_mind.sh
bert=$repo/scripts/download_bert.sh
for script in "$mind" "$bert" "$repo/scripts/setup.sh" "$repo/scripts/test.sh"; do
  bash -n "$script" || fail "bash -n $script"
  if command -v shellcheck > /dev/null; then
    shellcheck "$script" || fail "shellcheck $script"
  fi
done
command -v shellcheck > /dev/null || echo "note: shellcheck not installed; bash -n only"

# A stand-in MIND store: two archives with the official layout, a damaged one
# and one without behaviors.tsv.
store=$work/store
mkdir -p "$store/files"
printf 'N1\tnews\tmovies\tA title\t\t\t[]\t[]\n' > "$store/files/news.tsv"
printf '1\tU1\t11/15/2019 8:55:22 AM\tN1\tN1-1\n' > "$store/files/behaviors.tsv"
(cd "$store/files" && zip -q ../MINDsmall_train.zip news.tsv behaviors.tsv &&
  zip -q ../MINDsmall_dev.zip news.tsv behaviors.tsv && zip -q ../MINDlarge_train.zip news.tsv)
head -c 100 "$store/MINDsmall_train.zip" > "$store/MINDlarge_dev.zip"
export MIND_BASE_URL=file://$store
unset MIND_ACCEPT_LICENSE

expect 2 "usage:" -- "$mind"
expect 2 "usage:" -- "$mind" medium --yes
expect 1 "not accepted" -- "$mind" small --out "$work/data"
[ ! -e "$work/data" ] || fail "a refused licence still created $work/data"
expect 0 "MINDsmall_dev ready (1 impressions)" -- "$mind" small --yes --out "$work/data"
for split in MINDsmall_train MINDsmall_dev; do
  cmp -s "$work/data/$split/behaviors.tsv" "$store/files/behaviors.tsv" || fail "$split not unpacked"
done
[ -z "$(find "$work/data" -name '*.zip' -o -name '*.part')" ] || fail "archives or .part left behind"
expect 0 "is there already; kept" -- "$mind" small --yes --out "$work/data"
expect 1 "has no behaviors.tsv at its root" -- env MIND_ACCEPT_LICENSE=1 "$mind" large --out "$work/large"
[ ! -e "$work/large/MINDlarge_train" ] || fail "an archive without behaviors.tsv was unpacked"
mkdir -p "$work/large/MINDlarge_train"
cp "$store/files/"*.tsv "$work/large/MINDlarge_train/"
expect 1 "is damaged" -- "$mind" large --yes --out "$work/large"
[ ! -e "$work/large/MINDlarge_dev" ] || fail "a damaged archive was unpacked"
[ ! -e "$work/large/MINDlarge_dev.zip" ] || fail "a damaged archive was kept"
expect 1 "could not fetch" -- env MIND_BASE_URL="file://$work/nowhere" "$mind" small --yes --out "$work/none"
[ -z "$(find "$work/none" -type f)" ] || fail "a failed download left files behind"

# A stand-in hub: the real vocab and config (their digests are checked) and a
# tiny safetensors model.
hub=$work/hub
mkdir -p "$hub"
cp "$shared/vocab/bert-base-uncased/vocab.txt" "$shared/vocab/bert-base-uncased/config.json" "$hub/"
cp "$shared/golden/tiny-bert/model.safetensors" "$hub/"
export BERT_BASE_URL=file://$hub
expect 2 "usage:" -- "$bert" --bogus
expect 0 "ready" -- "$bert" --out "$work/bert"
for file in vocab.txt config.json model.safetensors; do
  cmp -s "$work/bert/$file" "$hub/$file" || fail "$file not downloaded intact"
done
expect 0 "model.safetensors is there already; kept" -- "$bert" --out "$work/bert"
expect 1 "could not fetch" -- env BERT_BASE_URL="file://$work/nowhere" "$bert" --out "$work/bert-none"
echo "[extra]" >> "$hub/vocab.txt"
expect 1 "vocab.txt has sha256" -- "$bert" --out "$work/bert-tampered"
[ ! -e "$work/bert-tampered/vocab.txt" ] || fail "a vocab with the wrong digest was kept"
cp "$shared/vocab/bert-base-uncased/vocab.txt" "$hub/"
echo "<html>not found</html>" > "$hub/model.safetensors"
expect 1 "not a safetensors file" -- "$bert" --out "$work/bert-html"
[ ! -e "$work/bert-html/model.safetensors" ] || fail "a non-safetensors model was kept"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "download scripts: all checks passed"
