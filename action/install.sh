#!/usr/bin/env bash
# Step 2 of action.yml, on a cache miss: build acrlint from the Action's own checkout.
set -euo pipefail
cargo install --locked --path "${GITHUB_ACTION_PATH:?}" --root "${ACRLINT_ROOT:?}"
