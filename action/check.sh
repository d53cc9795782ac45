#!/usr/bin/env bash
# Step 3 of action.yml: check, annotate, summarise. The inputs arrive as INPUT_*
# environment variables, never pasted into the script.
#
# - Annotations: errors and warnings as workflow commands (GitHub shows at most 10 of
#   each type per step); notes are left to the summary.
# - The SARIF log at INPUT_SARIF, for github/codeql-action/upload-sarif.
# - A Markdown summary in GITHUB_STEP_SUMMARY: counts by rule and level, the findings.
# - Outputs `sarif` and `exit-code`; the step exits with acrlint's exit code.
set -uo pipefail

acrlint="${ACRLINT:-acrlint}"
sarif="${INPUT_SARIF:-acrlint.sarif}"
case "$sarif" in
  *$'\n'* | *$'\r'*)
    echo "::error::the sarif input must be one path on one line"
    exit 2
    ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One path per line, kept whole (spaces included); blank lines are skipped.
paths=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%$'\r'}"
  trimmed="${line#"${line%%[![:space:]]*}"}"
  trimmed="${trimmed%"${trimmed##*[![:space:]]}"}"
  [ -n "$trimmed" ] && paths+=("$trimmed")
done <<<"${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

args=(check --fail-on "${INPUT_FAIL_ON:-error}"
  --format github --output "$work/annotations"
  --format sarif --output "$sarif"
  --format markdown --output "$work/summary.md")
[ -n "${INPUT_LOCATION:-}" ] && args+=(--location "$INPUT_LOCATION")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")

"$acrlint" "${args[@]}" -- "${paths[@]}"
code=$?

if [ -f "$work/annotations" ]; then
  grep -v '^::notice' "$work/annotations" || true
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$work/summary.md" ]; then
  cat "$work/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "sarif=$sarif"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
fi
exit "$code"
