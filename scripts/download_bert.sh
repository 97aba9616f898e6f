#!/usr/bin/env bash
# Downloads bert-base-uncased (config.json, vocab.txt, model.safetensors) from the
# HuggingFace hub into models/bert-base-uncased, the path configs/*.json use.
# --out DIR writes there instead. BERT_BASE_URL replaces the download location
# (a mirror, or file:// for tests).
set -euo pipefail

usage() { echo "usage: scripts/download_bert.sh [--out DIR]" >&2; exit 2; }
target=$(cd "$(dirname "$0")/.." && pwd)/models/bert-base-uncased
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || usage; target=$(realpath -m "$2"); shift ;;
    *) usage ;;
  esac
  shift
done
base=${BERT_BASE_URL:-https://huggingface.co/bert-base-uncased/resolve/main}
command -v curl >/dev/null || { echo "download_bert: needs curl (apt-get install curl)" >&2; exit 1; }
mkdir -p "$target"

# Known digests of the two small files; the weights are checked by size and header.
declare -A sha256=(
  [vocab.txt]=07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3
  [config.json]=7160e1553ad2ca51d8c1cb066be533db31826e12d173824c1bb0cb1a4f187d20
)
for file in config.json vocab.txt model.safetensors; do
  if [ -s "$target/$file" ]; then
    echo "download_bert: $target/$file is there already; kept"
    continue
  fi
  echo "download_bert: fetching $base/$file"
  if ! curl -fL --retry 3 -o "$target/$file.part" "$base/$file"; then
    rm -f "$target/$file.part"
    echo "download_bert: could not fetch $base/$file (curl's reason above); check the network or BERT_BASE_URL" >&2
    exit 1
  fi
  if [ -n "${sha256[$file]:-}" ] && [ "${BERT_SKIP_DIGEST:-0}" != 1 ]; then
    got=$(sha256sum "$target/$file.part" | cut -d' ' -f1)
    if [ "$got" != "${sha256[$file]}" ]; then
      echo "download_bert: $file has sha256 $got, expected ${sha256[$file]}; not kept" >&2
      rm -f "$target/$file.part"
      exit 1
    fi
  fi
  if [ "$file" = model.safetensors ]; then
    # 8-byte little-endian header length, then a JSON object.
    if [ "$(head -c 9 "$target/$file.part" | tail -c 1)" != "{" ]; then
      echo "download_bert: $file is not a safetensors file; not kept" >&2
      rm -f "$target/$file.part"
      exit 1
    fi
  fi
  mv "$target/$file.part" "$target/$file"
done
echo "download_bert: $target ready"
