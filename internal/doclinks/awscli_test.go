package doclinks

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// awsCommand is the start of an AWS CLI command: `aws <service> `.
var awsCommand = regexp.MustCompile(`\baws (ec2|ecr|ecs|elbv2|iam|kms|logs|s3|s3api|sts|cloudwatch|servicequotas|route53|wafv2) `)

// Every AWS CLI command the docs show passes a Region (--region, the stack's:
// `--region "$(pulumi config get aws:region)"`), so a reader whose CLI defaults to another
// Region does not look at, or change, the wrong one. A command runs to the next command
// or the end of its code span or line; a line that ends in \ continues it.
func TestEveryAWSCommandNamesTheRegion(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := Files(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range awsCommands(string(b)) {
			if !strings.Contains(cmd, "--region") {
				t.Errorf("%s: %q names no Region: add --region \"$(pulumi config get aws:region)\"", f, cmd)
			}
		}
	}
}

// awsCommands are the AWS CLI commands in a Markdown text, each with its arguments.
func awsCommands(md string) []string {
	md = strings.ReplaceAll(md, "\\\n", " ") // continued lines
	var out []string
	for _, span := range codeSpans(md) {
		locs := awsCommand.FindAllStringIndex(span, -1)
		for i, loc := range locs {
			end := len(span)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			out = append(out, strings.TrimSpace(span[loc[0]:end]))
		}
	}
	return out
}

// codeSpans are the lines of fenced code blocks and the inline code spans (which may
// break across lines) of a Markdown text.
func codeSpans(md string) []string {
	var out []string
	fenced := false
	var prose []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			out = append(out, line)
			continue
		}
		prose = append(prose, line)
	}
	parts := strings.Split(strings.Join(prose, "\n"), "`")
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

func TestAWSCommandsAreFound(t *testing.T) {
	md := "Run `aws ecs update-service\n--region x --force-new-deployment`, then:\n\n```sh\n" +
		"aws ecs describe-tasks --region r --tasks $(aws ecs list-tasks --cluster c) \\\n  --query q\n```\n"
	got := awsCommands(md)
	want := []string{"aws ecs describe-tasks --region r --tasks $(", "aws ecs list-tasks --cluster c)    --query q", "aws ecs update-service\n--region x --force-new-deployment"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
