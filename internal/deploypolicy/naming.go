// Package deploypolicy is who may do what to a team's stacks: the IAM policies of the
// roles the bootstrap (bootstrap/) creates for CI, their trust in GitHub's OIDC tokens,
// the permissions boundary of every role a stack creates, and the names those policies
// reach: the IAM path of a stack's roles and the prefix of its buckets, which the main
// program gives what it creates (service.go, logging.go, buckets.go), and the keys of a
// stack's state in the S3 backend.
//
// One package holds both sides, so a name the program gives and the name a policy
// reaches cannot drift apart; it imports nothing of Pulumi, so the bootstrap, the main
// program, its tests and the workflow tests can all use it, and a document can be
// generated from it without a cloud SDK. The documents are iampolicy.Documents, and the
// tests evaluate them with that package's evaluator.
package deploypolicy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// RolePath is the IAM path of every role a stack creates: /<project>/<stack>/. A policy
// names a stack's roles as role/<project>/<stack>/*, which no role of another project,
// another stack or another team matches (names alone, like *-task-role-*, can). Project
// and stack names are letters, digits, _ . and -, all of which IAM paths allow.
func RolePath(project, stack string) string { return "/" + project + "/" + stack + "/" }

// ReleaseRecordName is the SSM parameter (a String) in which a stack running released
// images records the image it runs, repository@digest, once every service's release
// check passed: /<project>/<stack>/release-image. The next `up` without a releaseDigest
// deploys it again. The deploy role writes it; every role that reads the stack reads it.
func ReleaseRecordName(project, stack string) string {
	return "/" + project + "/" + stack + "/" + releaseRecordLeaf
}

const releaseRecordLeaf = "release-image"

// MaxBucketNamePrefix is the longest bucket_prefix the provider accepts: S3's 63
// characters less the 26 of the unique suffix it appends (terraform-provider-aws
// internal/service/s3/bucket.go, validation.StringLenBetween(0, 63-id.UniqueIDSuffixLength)).
const MaxBucketNamePrefix = 37

// maxStackPrefix leaves a bucket's own name at least 9 characters of the 37.
const maxStackPrefix = 28

// BucketPrefix is how the name of every bucket a stack creates begins: <project>-<stack>-
// in S3's alphabet (lower case; any character S3 does not allow becomes -). A longer one
// keeps its first 18 characters and adds 8 hex digits of the full names, so two stacks
// still differ. The deploy policy names a stack's buckets by it.
func BucketPrefix(project, stack string) string {
	p := bucketSafe(project) + "-" + bucketSafe(stack) + "-"
	if len(p) <= maxStackPrefix {
		return p
	}
	sum := sha256.Sum256([]byte(project + "/" + stack))
	return strings.TrimRight(p[:18], "-") + "-" + hex.EncodeToString(sum[:4]) + "-"
}

// BucketNamePrefix is the bucket_prefix of one of a stack's buckets: the stack's prefix,
// the bucket's own name and a hyphen, cut to what the provider accepts.
func BucketNamePrefix(project, stack, name string) string {
	p := BucketPrefix(project, stack) + bucketSafe(name) + "-"
	if len(p) > MaxBucketNamePrefix {
		p = p[:MaxBucketNamePrefix]
	}
	return p
}

// bucketSafe is a name in S3's alphabet: lower-case letters, digits and hyphens, starting
// with a letter or digit.
func bucketSafe(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	out := strings.TrimLeft(string(b), "-")
	if out == "" {
		return "x"
	}
	return out
}

// StateObjects are the object keys of one stack's state in the S3 backend's bucket, as
// Pulumi's diy backend lays them out in project mode (.pulumi/meta.yaml version 1;
// github.com/pulumi/pulumi/pkg/v3 v3.230.0, backend/diy: store.go StackBasePath,
// HistoryDir, BackupDir; lock.go stackLockDir; state.go saveCheckpoint, backupStack,
// addToHistory; stack_tags.go stackTagsPath).
type StateObjects struct {
	// Read is what a preview reads: the bucket's meta.yaml (at login), the checkpoint in
	// each compression the backend may have written, and the stack's tags file, which
	// every preview and update reads (getTarget → loadStackTags) and which is usually
	// absent.
	Read []string
	// Write is what an update writes on top: the checkpoint and the .bak copy the
	// backend makes of it before each write, the update's history and checkpoint copies,
	// the backups, and the lock. A preview takes no lock and writes no checkpoint:
	// diyBackend.Preview runs apply with DryRun, without Lock (only Update, Refresh,
	// Destroy, Import and Watch lock), and apply makes no snapshot manager for a preview
	// and writes no history or backup when DryRun.
	Write []string
	// LockPrefix is where an update's lock object lives while it runs: the drift check
	// lists it before and after its preview.
	LockPrefix string
}

// stateCompressions are the checkpoint file names the backend may use (plain, or with
// PULUMI_DIY_BACKEND_GZIP / zstd).
var stateCompressions = []string{".json", ".json.gz", ".json.zst"}

// State is a stack's state objects.
func State(project, stack string) StateObjects {
	base := ".pulumi/stacks/" + project + "/" + stack
	s := StateObjects{
		Read:       []string{".pulumi/meta.yaml", base + ".pulumi-tags"},
		LockPrefix: ".pulumi/locks/organization/" + project + "/" + stack + "/",
	}
	for _, ext := range stateCompressions {
		s.Read = append(s.Read, base+ext)
		s.Write = append(s.Write, base+ext, base+ext+".bak")
	}
	s.Write = append(s.Write,
		".pulumi/history/"+project+"/"+stack+"/*",
		".pulumi/backups/"+project+"/"+stack+"/*",
		s.LockPrefix+"*")
	return s
}
