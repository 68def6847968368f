#!/bin/sh
# Regenerate the transcripts here with the real CLI and the offline buyer (no ANTHROPIC_API_KEY, a fresh
# SQLite database): ./docs/transcripts/make.sh from the repo root, after `make .venv/.installed`.
# The buyer's wording is seeded by the session id, so lines may differ from run to run; what it answers,
# and which facts each rep earns, does not.
set -e
here=$(dirname "$0")
rehearse=${REHEARSE:-$here/../../.venv/bin/rehearse}
for input in "$here"/*.input; do
  name=$(basename "$input" .input)
  scenario=${name%-good-rep}; scenario=${scenario%-pitching-rep}
  tmp=$(mktemp -d)
  {
    echo "\$ rehearse practice $scenario < $name.input   # no ANTHROPIC_API_KEY: the offline buyer"
    env -i PATH=/usr/bin:/bin HOME="$tmp" COLUMNS=100 DATABASE_URL="sqlite:///$tmp/rehearse.db" DATA_DIR="$tmp/var" \
      "$rehearse" practice "$scenario" < "$input"
  } > "$here/$name.txt" 2>&1
  rm -rf "$tmp"
done
