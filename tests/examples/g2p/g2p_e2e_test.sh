#!/usr/bin/env bash
# The float g2p model end to end (issue #8): converted from the frozen graph,
# run by ember-g2p, it must give the reference ids of expected_ids.tsv with the
# full 20-call decode, and the reference phones of expected.tsv with the early
# stop, at batch 20 and at batch 1 (all 400 words; the model is planned for 20
# rows and runs 1 through SetBatchSize), with the incremental Invoke (default)
# and without it (the first 40 words). The un-optimized frozen graph must
# convert to the same ops and give the same ids.
# Usage: g2p_e2e_test.sh EMBER_CONVERT EMBER_G2P SHARED_DIR
set -euo pipefail
convert=$1 g2p=$2 data=$3/testdata/g2p
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$convert" "$data/g2p_optimized.pb" -o "$tmp/g2p.ember" \
  --input-shape grapheme=20,20 --input-shape phoneme=20,20 >"$tmp/convert.log" 2>&1 ||
  { cat "$tmp/convert.log"; exit 1; }
cut -f1 "$data/expected.tsv" >"$tmp/words.txt"
cut -f1,2 "$data/expected.tsv" | sed 's/\t/ \xe2\x86\x92 /' >"$tmp/expected_phones.txt"
head -40 "$tmp/words.txt" >"$tmp/words40.txt"
head -40 "$data/expected_ids.tsv" >"$tmp/expected_ids40.tsv"
grep -q "dynamic batch: 1..20" "$tmp/convert.log" || { echo "no dynamic batch:"; cat "$tmp/convert.log"; exit 1; }

"$g2p" "$tmp/g2p.ember" --ids --words-file "$tmp/words.txt" >"$tmp/ids.tsv"
diff "$data/expected_ids.tsv" "$tmp/ids.tsv"
"$g2p" "$tmp/g2p.ember" --words-file "$tmp/words.txt" >"$tmp/phones.txt"
diff "$tmp/expected_phones.txt" "$tmp/phones.txt"
"$g2p" "$tmp/g2p.ember" --batch 1 --words-file "$tmp/words.txt" >"$tmp/phones1.txt"
diff "$tmp/expected_phones.txt" "$tmp/phones1.txt"
"$g2p" "$tmp/g2p.ember" --batch 1 --ids --words-file "$tmp/words.txt" >"$tmp/ids1.tsv"
diff "$data/expected_ids.tsv" "$tmp/ids1.tsv"
"$g2p" "$tmp/g2p.ember" --no-incremental --ids --words-file "$tmp/words40.txt" >"$tmp/ids40.tsv"
diff "$tmp/expected_ids40.tsv" "$tmp/ids40.tsv"

"$convert" "$data/g2p_frozen.pb" -o "$tmp/frozen.ember" \
  --input-shape grapheme=20,20 --input-shape phoneme=20,20 >"$tmp/frozen.log" 2>&1 ||
  { cat "$tmp/frozen.log"; exit 1; }
diff <(grep '^ops:' "$tmp/convert.log") <(grep '^ops:' "$tmp/frozen.log")
"$g2p" "$tmp/frozen.ember" --ids --words-file "$tmp/words.txt" >"$tmp/frozen_ids.tsv"
diff "$data/expected_ids.tsv" "$tmp/frozen_ids.tsv"
echo "g2p float: 400 words' ids and phones at batch 20 and batch 1, 40 words without the incremental"
echo "Invoke, and the un-optimized graph (same ops, same ids): all equal to the reference"
