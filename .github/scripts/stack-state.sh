#!/usr/bin/env bash
# The drift check's look at a stack's state objects in the S3 backend, read with the
# drift role (which may list the state bucket): whether an update holds the stack's lock
# (.pulumi/locks/organization/<project>/<stack>/, which `pulumi up` writes while it
# runs), and a fingerprint of its checkpoint (.pulumi/stacks/<project>/<stack>.json*,
# keys and ETags), which an update that ran meanwhile has changed, and whether there is a
# checkpoint at all (a stack in the list that was never deployed, or whose state is in
# another backend, has none). Written to $GITHUB_OUTPUT as locked=true|false,
# checkpoint=<fingerprint> and deployed=true|false.
# Needs STACK, PULUMI_BACKEND_URL (s3://<bucket>?region=<region>) and AWS credentials.
set -euo pipefail

bucket="${PULUMI_BACKEND_URL#s3://}"
bucket="${bucket%%\?*}"
project="$(sed -n 's/^name: *//p' Pulumi.yaml | head -n 1)"
if [ -z "$bucket" ] || [ -z "$project" ] || [ -z "${STACK:-}" ]; then
  echo "::error::stack-state.sh needs PULUMI_BACKEND_URL (s3://…), STACK and Pulumi.yaml's name" >&2
  exit 1
fi

locks="$(aws s3api list-objects-v2 --bucket "$bucket" --prefix ".pulumi/locks/organization/$project/$STACK/" --query 'KeyCount' --output text)"
checkpoint="$(aws s3api list-objects-v2 --bucket "$bucket" --prefix ".pulumi/stacks/$project/$STACK.json" \
  --query 'Contents[].[Key, ETag]' --output text | tr -s '[:space:]' ' ')"
checkpoint="${checkpoint% }"
if [ "$checkpoint" = "None" ]; then # the text output of an empty listing
  checkpoint=""
fi

locked=false
if [ "${locks:-0}" != "0" ] && [ "$locks" != "None" ]; then
  locked=true
fi
deployed=false
if [ -n "$checkpoint" ]; then
  deployed=true
fi
{
  echo "locked=$locked"
  echo "checkpoint=$checkpoint"
  echo "deployed=$deployed"
} >> "$GITHUB_OUTPUT"
echo "$STACK: locked=$locked deployed=$deployed checkpoint=$checkpoint"
