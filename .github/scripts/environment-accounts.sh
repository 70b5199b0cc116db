#!/usr/bin/env bash
# A job's check of its GitHub environment's variables, before it assumes a role: what
# they name must be in the environment's account, or the job would fail later, half
# done, with AccessDenied from IAM, KMS or ECR. Every problem is reported, each naming
# its variable, and the job stops.
#
#   environment-accounts.sh release   the release environment: AWS_RELEASE_ROLE_ARN is
#                                     a role of the account that holds RELEASE_REPOSITORY
#                                     (the bootstrap makes both there), and AWS_REGION is
#                                     the repository's Region.
#   environment-accounts.sh deploy    a stack's environment: AWS_DEPLOY_ROLE_ARN is a role,
#                                     PULUMI_SECRETS_PROVIDER's key (when named by ARN) is
#                                     of the role's account, AWS_REGION is the stack file's
#                                     aws:region (the deploy role may act in that Region
#                                     only), and RELEASE_REPOSITORY is an ECR repository.
#                                     The repository may be in another account: the
#                                     bootstrap lets the environments' accounts pull.
#
# Needs the variables above (STACK for deploy) and Pulumi.$STACK.yaml in the working
# directory.
set -uo pipefail

role_re='^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}):role/.+$'
repo_re='^([0-9]{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+$'
problems=0

refuse() {
  echo "::error title=Environment $1::$2"
  problems=$((problems + 1))
}

# account_of prints the account of a role ARN or repository URI matched by re, or nothing.
account_of() {
  if [[ "$1" =~ $2 ]]; then
    if [ "$2" = "$role_re" ]; then echo "${BASH_REMATCH[2]}"; else echo "${BASH_REMATCH[1]}"; fi
  fi
}

repo="${RELEASE_REPOSITORY:-}"
repo_account="$(account_of "$repo" "$repo_re")"
if [ -z "$repo_account" ]; then
  refuse "variables" "RELEASE_REPOSITORY is '$repo', not an ECR repository URI such as 111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate (the bootstrap's releaseRepository output)"
fi

case "${1:-}" in
release)
  role="${AWS_RELEASE_ROLE_ARN:-}"
  role_account="$(account_of "$role" "$role_re")"
  if [ -z "$role_account" ]; then
    refuse release "AWS_RELEASE_ROLE_ARN is '$role', not an IAM role ARN (the bootstrap's releaseRoleArn output)"
  elif [ -n "$repo_account" ] && [ "$role_account" != "$repo_account" ]; then
    refuse release "AWS_RELEASE_ROLE_ARN is a role of account $role_account, but RELEASE_REPOSITORY is in account $repo_account: set the releaseRoleArn output of the account that holds the repository"
  fi
  if [[ "$repo" =~ $repo_re ]] && [ "${AWS_REGION:-}" != "${BASH_REMATCH[3]}" ]; then
    refuse release "AWS_REGION is '${AWS_REGION:-}', but RELEASE_REPOSITORY is in ${BASH_REMATCH[3]}: set the repository's Region"
  fi
  ;;
deploy)
  env="${STACK:?environment-accounts.sh deploy needs STACK}"
  role="${AWS_DEPLOY_ROLE_ARN:-}"
  role_account="$(account_of "$role" "$role_re")"
  if [ -z "$role_account" ]; then
    refuse "$env" "AWS_DEPLOY_ROLE_ARN is '$role', not an IAM role ARN (its entry of the bootstrap's deployRoleArns output)"
  fi
  key="${PULUMI_SECRETS_PROVIDER:-}"
  if [[ "$key" =~ ^awskms://arn:aws[a-z-]*:kms:[a-z0-9-]+:([0-9]{12}): ]] && [ -n "$role_account" ] && [ "${BASH_REMATCH[1]}" != "$role_account" ]; then
    refuse "$env" "PULUMI_SECRETS_PROVIDER names a key of account ${BASH_REMATCH[1]}, but AWS_DEPLOY_ROLE_ARN is a role of account $role_account: set the secretsProviderUrls entry of the account whose deployRoleArns it is"
  fi
  region="$(sed -n 's/^  aws:region: *//p' "Pulumi.$env.yaml" | tr -d "\"'")"
  if [ -n "$region" ] && [ "${AWS_REGION:-}" != "$region" ]; then
    refuse "$env" "AWS_REGION is '${AWS_REGION:-}', but Pulumi.$env.yaml deploys to $region (aws:region), where the deploy role may act: set $region"
  fi
  ;;
*)
  echo "::error::usage: environment-accounts.sh release|deploy" >&2
  exit 2
  ;;
esac

if [ "$problems" -gt 0 ]; then
  echo "$problems problem(s) with the environment's variables; nothing was built or deployed (docs/team.md, GitHub: repository variables and environments)"
  exit 1
fi
