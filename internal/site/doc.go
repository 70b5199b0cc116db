// Package site is the program's second stage: where the stack goes, as look-ups in the
// AWS account find it, on a config that passed its own checks (internal/config). It
// returns one value, Site, that the builders read: the account and Region, an existing
// VPC's network or the Availability Zones of a new one, the user's own Elastic IPs, the
// hosted zone that holds the domain, and the release to run (releaseDigest's, or the one
// the stack recorded last). Nothing in it creates a resource, so a config
// the account cannot take (an ARN of another Region or account, existing subnets that
// cannot hold the stack, Elastic IPs held elsewhere, quotas too small) stops the program
// here, before any resource exists.
//
// It also holds what follows from where the stack runs and what the look-ups read back:
// the tags that mark the stack's own resources (the preflight counts by them), the ARNs
// and the IAM and resource policy documents the builders write, and the arguments every
// role of the stack is made with.
//
// The program's packages, from the bottom up (TestLayers in the repository root fails on
// an import that runs the other way):
//
//   - internal/config: the settings, read and checked; nothing of Pulumi's.
//   - internal/site (this package) and internal/operations: look-ups, and the operations
//     baseline (buckets, logs, alarms, dashboard, WAF). Each imports config; operations
//     may use site's account and tags; site never imports operations.
//   - package main: the builders of the network, the ingress and the services, and the
//     one function that wires the stages together.
package site
