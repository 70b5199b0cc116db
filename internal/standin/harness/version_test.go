package harness

// The versions the stand-in is pinned to must be the ones go.mod builds with.

import (
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
)

// The models describe one pulumi-aws release (standin.ProviderVersion): a go.mod that moves
// to another may bring a provider whose Read, ForceNew or CustomizeDiff differ, and the
// stand-in would then plan what the real provider no longer does.
func TestProviderVersionIsGoMods(t *testing.T) {
	got, err := moduleVersion(awsModule)
	if err != nil {
		t.Fatal(err)
	}
	if got != standin.ProviderVersion {
		t.Fatalf("go.mod requires %s %s, but the stand-in models pulumi-aws %s (standin.ProviderVersion): "+
			"re-check every model in internal/standin (schema facts: ForceNew, Optional+Computed, TypeSet, defaults; "+
			"the Read, DiffSuppressFunc and CustomizeDiff rules, each named after its provider function; what AWS refuses) "+
			"against pulumi-aws %s and the terraform-provider-aws release it is built on, then set ProviderVersion "+
			"in internal/standin/model.go to %s",
			awsModule, got, standin.ProviderVersion, got, got)
	}
}

// The engine tests run the Pulumi CLI of the SDK's release (CLIVersion).
func TestCLIVersionIsGoMods(t *testing.T) {
	if err := CheckCLIVersionPin(); err != nil {
		t.Fatal(err)
	}
}
