package main

// Build once, promote by digest (project issue 31): a stack with a release repository
// runs the release it is given, or the one it recorded last, in the services that would
// build app/; it records a release only once every service runs it; and it refuses to
// guess when it has nothing recorded.

import (
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/operations"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	testReleaseRepository = "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate"
	testReleaseA          = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testReleaseB          = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// released is the dev stack's settings for a release repository, with digest ("" for none).
func released(digest string) map[string]string {
	cfg := map[string]string{"releaseRepository": testReleaseRepository}
	if digest != "" {
		cfg["releaseDigest"] = digest
	}
	return cfg
}

// imageOf is the image of a service's (first) container.
func imageOf(t *testing.T, m *mocks, service string) string {
	t.Helper()
	return stacktest.Str(t, containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), service+"-task"))[0], "image")
}

// recorded is an account where the dev stack recorded image as its release, as its last
// deploy left it (the mocks keep no state, so the rest of that deploy is not there).
func recorded(t *testing.T, image string) anAccount {
	return func(c *standin.Cloud) {
		err := stacktest.RunOn(t, harness.NewMocksOn(c, devStack.Project, devStack.Name), devStack, nil, func(ctx *pulumi.Context) error {
			_, err := operations.NewReleaseRecord(ctx, image, []pulumi.StringOutput{pulumi.String("web:1").ToStringOutput()})
			return err
		})
		if err != nil {
			t.Fatalf("recording %s: %v", image, err)
		}
	}
}

func TestReleaseDigestIsWhatRuns(t *testing.T) {
	m, out := mustRun(t, released(testReleaseA))
	want := testReleaseRepository + "@" + testReleaseA
	stacktest.Equal(t, "the service's image", imageOf(t, m, "web"), want)
	stacktest.Equal(t, "releaseImage", out.ReleaseImage, want)
	if n := len(m.ByType(string(standin.TypeEcrRepository))) + len(m.ByType(string(standin.TypeAwsxEcrImage))); n != 0 {
		t.Errorf("%d ECR repositories and builds registered; a released stack builds nothing", n)
	}
	record := m.One(t, string(standin.TypeSsmParameter), "release-record")
	stacktest.Equal(t, "record name", stacktest.Str(t, record.Inputs, "name"), deploypolicy.ReleaseRecordName(testProject, testStack))
	stacktest.Equal(t, "record type", stacktest.Str(t, record.Inputs, "type"), "String")
	stacktest.Equal(t, "recorded release", stacktest.Str(t, record.Inputs, "insecureValue"), want)
}

// Without a digest the stack runs what it recorded: an up from a laptop, or the drift
// check, changes nothing that runs. (The look-up stages only: the mocks keep no state, so
// the whole program would create the record again, which SSM refuses.)
func TestWithoutADigestTheRecordedReleaseRuns(t *testing.T) {
	m := harness.NewMocks(devStack.Project, devStack.Name, devStack.Region)
	want := testReleaseRepository + "@" + testReleaseA
	recorded(t, want)(m.Cloud)
	var found *site.Site
	err := stacktest.RunOn(t, m, devStack, qualified(released("")), func(ctx *pulumi.Context) error {
		c, err := loadConfig(ctx)
		if err != nil {
			return err
		}
		found, err = site.LookUp(ctx, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	stacktest.Equal(t, "the release to run", found.ReleaseImage, want)
	stacktest.Equal(t, "record look-ups", m.Cloud.Invoked()["aws:ssm/getParameter:getParameter"], 1)
}

// Only the services that would build app/ run the release; an image of one's own stays.
func TestOnlyTheBundledBuildIsReplaced(t *testing.T) {
	cfg := released(testReleaseA)
	cfg["services"] = `[{"name":"web"},{"name":"proxy","image":"` + testImage + `","priority":20,"pathPatterns":["/p/*"]}]`
	m, _ := mustRun(t, cfg)
	stacktest.Equal(t, "web", imageOf(t, m, "web"), testReleaseRepository+"@"+testReleaseA)
	stacktest.Equal(t, "proxy", imageOf(t, m, "proxy"), testImage)
}

func TestNoReleaseToDeployIsRefused(t *testing.T) {
	record := deploypolicy.ReleaseRecordName(testProject, testStack)
	mustRefuse(t, nil, released(""), []string{
		"no release to deploy (1 problem; nothing was deployed)",
		"releaseDigest: missing value: stack dev has recorded no release yet (no SSM parameter " + record + "); deploy one with pulumi up --config releaseDigest=sha256:<digest of a release in " + testReleaseRepository + ">",
	})
	// A record of another repository: a new repository needs a release of its own.
	other := strings.Replace(testReleaseRepository, "nlb-alb-fargate", "other", 1)
	cfg := released("")
	cfg["releaseRepository"] = other
	mustRefuse(t, recorded(t, testReleaseRepository+"@"+testReleaseA), cfg, []string{
		`releaseRepository: invalid value "` + other + `": the stack last ran a release of ` + testReleaseRepository,
	})
}
