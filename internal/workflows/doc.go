// Package workflows holds the tests of .github/workflows: what actionlint cannot know
// about this project (AWS only through OIDC, each job on its own kind of role with a
// session longer than the job, actions pinned to commit SHAs, checkouts that keep no
// token, the Pulumi CLI of go.mod's SDK, one up of a stack at a time, deploys in their
// environments, pull requests previewing dev only, a drift check that keeps out of the
// deploys' way; the stacks from one list, .github/stacks.json; one build of a release,
// promoted by its digest in the list's order, each stage after the one before, refusing
// an older release, and a rollback by hand; a stack that is not set up skipped with a
// notice), the scripts the workflows run (.github/scripts: the deploy's plan and the
// older-release check, on files and answers made up for each case), and that CI runs the
// README's test command.
package workflows
