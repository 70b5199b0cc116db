#!/usr/bin/env bash
# A deploy job's refusal of an older release, before its `pulumi up`: when the commit
# this run releases is older than (an ancestor of) the commit of the newest successful
# deployment to the stack's GitHub environment, the job fails and deploys nothing. That
# is an approval of an older run after a newer release went out, or a re-run of an old
# run. The same commit (a re-run) and a newer one pass; a commit on another line of
# history (main rewritten) passes with a warning.
#
# The environment's releases come from GitHub's deployments API: each deploy job's
# environment URL is the commit it released (…/commit/<sha>), set once its `up`
# succeeded, so the newest deployment with a success status and such a URL is what the
# environment runs. (A deployment's own sha is no good here: for a workflow_run it is
# main's head when the run started, not the commit CI tested.) Skipped jobs and
# rollbacks record no commit. The last 30 deployments are read; none with a commit means
# a first release.
#
# A deliberate rollback does not come through here: the deploy workflow's
# workflow_dispatch (stack, digest, reason), or `pulumi up` from a laptop
# (docs/team.md, Rolling back).
#
# Needs STACK, COMMIT (the commit this run releases), GITHUB_REPOSITORY, and GH_TOKEN with
# deployments: read and contents: read.
set -euo pipefail

for v in STACK COMMIT GITHUB_REPOSITORY; do
  if [ -z "${!v:-}" ]; then
    echo "::error::release-order.sh needs $v" >&2
    exit 1
  fi
done

ids="$(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=$STACK&per_page=30" | jq -r '.[].id')"
current=""
for id in $ids; do
  current="$(gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses?per_page=100" | jq -r '
    [.[] | select(.state == "success") | (.environment_url // "")
      | capture("/commit/(?<sha>[0-9a-f]{40})$") | .sha] | .[0] // empty')"
  if [ -n "$current" ]; then
    break
  fi
done

if [ -z "$current" ]; then
  echo "$STACK: no earlier release recorded in its environment's deployments; $COMMIT is its first."
  exit 0
fi
if [ "$current" = "$COMMIT" ]; then
  echo "$STACK: runs $COMMIT already; deploying it again."
  exit 0
fi

status="$(gh api "repos/$GITHUB_REPOSITORY/compare/$current...$COMMIT?per_page=1" | jq -r '.status')"
case "$status" in
  ahead | identical)
    echo "$STACK: runs $current; $COMMIT is newer."
    ;;
  behind)
    echo "::error title=An older release::$STACK runs release $current (its newest successful deployment), and this run's commit $COMMIT is older: nothing was deployed. To go back to an earlier release on purpose, run the deploy workflow by hand (Run workflow: stack $STACK, the release's digest, a reason), or run pulumi up --stack $STACK --config releaseDigest=sha256:<digest> (docs/team.md, Rolling back)."
    exit 1
    ;;
  diverged)
    echo "::warning title=Another line of history::$STACK runs release $current, which is not an ancestor of $COMMIT (was main rewritten?); deploying $COMMIT."
    ;;
  *)
    echo "::error::comparing $current with $COMMIT gave '$status'" >&2
    exit 1
    ;;
esac
