// Package workflows holds the tests of .github/workflows: what actionlint cannot know
// about this project (AWS only through OIDC, pinned actions, the Pulumi CLI of go.mod's
// SDK, one up of a stack at a time, prod behind its environment).
package workflows
