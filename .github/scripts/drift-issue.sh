#!/usr/bin/env bash
# The drift check's issue: one open issue per stack, titled "Drift in stack <stack>",
# while the stack drifts. DRIFT=true opens it (or comments on the open one); DRIFT=false
# closes the open one, if any. Needs STACK, DRIFT, RUN (the run's URL) and GH_TOKEN with
# issues: write.
set -euo pipefail

title="Drift in stack $STACK"
number="$(gh issue list --state open --search "\"$title\" in:title" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")"

if [ "$DRIFT" = true ]; then
  body="The nightly drift check found that what runs in AWS is no longer what the stack's state and program say, or it could not check: see $RUN (pulumi preview --refresh --expect-no-changes). docs/runbook.md says what to do."
  if [ -n "$number" ]; then
    gh issue comment "$number" --body "Still drifting: $RUN"
  else
    gh issue create --title "$title" --body "$body"
  fi
elif [ -n "$number" ]; then
  gh issue close "$number" --comment "No drift any more: $RUN"
fi
