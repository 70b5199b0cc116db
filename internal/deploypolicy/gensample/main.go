// Command gensample writes the sample policies of docs/ (iam-policy.json, the deploy
// policy of one stack, and iam-boundary.json, the boundary it requires) from
// internal/deploypolicy, with placeholders for the account's values:
//
//	go run ./internal/deploypolicy/gensample docs    # what go generate ./... runs
//
// With -print and the values, it prints one of them filled in instead, with the names
// derived as the stack derives them (its buckets' prefix, shortened when long):
//
//	go run ./internal/deploypolicy/gensample -print iam-policy.json -account 123456789012 \
//	    -region eu-west-1 -project nlb-alb-fargate -stack dev [-bucket … -state-key … -secrets-key …]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gensample:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gensample", flag.ContinueOnError)
	print := fs.String("print", "", "print this sample filled in with the values: "+strings.Join(deploypolicy.SampleNames(), " or "))
	var v deploypolicy.SampleValues
	fs.StringVar(&v.Account, "account", "", "the account id (ACCOUNT_ID)")
	fs.StringVar(&v.Region, "region", "", "the stack's aws:region (REGION)")
	fs.StringVar(&v.Project, "project", "", "the main program's project name (PROJECT)")
	fs.StringVar(&v.Stack, "stack", "", "the stack's name (STACK)")
	fs.StringVar(&v.Bucket, "bucket", "", "the S3 backend's bucket (BUCKET)")
	fs.StringVar(&v.StateKey, "state-key", "", "the id of the bucket's KMS key (STATE_KEY_ID)")
	fs.StringVar(&v.SecretsKey, "secrets-key", "", "the id of the stack's awskms secrets key (SECRETS_KEY_ID)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *print != "" {
		if fs.NArg() != 0 {
			return fmt.Errorf("-print takes no directory")
		}
		b, err := deploypolicy.Sample(*print, v)
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(b)
		return err
	}
	if fs.NArg() != 1 || v != (deploypolicy.SampleValues{}) {
		return fmt.Errorf("usage: gensample <docs directory>, or gensample -print <sample> with the values")
	}
	for _, name := range deploypolicy.SampleNames() {
		b, err := deploypolicy.Sample(name, deploypolicy.SampleValues{})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(fs.Arg(0), name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
