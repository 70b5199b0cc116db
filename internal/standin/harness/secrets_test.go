package harness

// The engine tests' stacks keep their secrets with the stand-in Vault (vault.go) instead
// of a passphrase. Nothing the tests deploy is secret today, so this shows that secrets
// still work as Pulumi promises: a secret reaches the program, comes back as a secret,
// and is stored encrypted.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func TestSecretsUnderTheStandInVault(t *testing.T) {
	cli := PulumiCLI(t) // skips with -short
	const secret = "kept-by-the-stand-in-vault"
	dir := t.TempDir()
	for name, text := range map[string]string{"Pulumi.yaml": "name: secrets-check\nruntime: go\n", "Pulumi.dev.yaml": "config: {}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := NewStack(t, cli, StackOptions{Name: "dev", Dir: dir, ConfigFile: "Pulumi.dev.yaml", Program: func(ctx *pulumi.Context) error {
		ctx.Export("token", config.RequireSecret(ctx, "token"))
		return nil
	}})
	if err := s.stack.SetConfig(s.ctx, "token", auto.ConfigValue{Value: secret, Secret: true}); err != nil {
		t.Fatalf("pulumi config set --secret: %v", err)
	}

	stackFile, err := os.ReadFile(filepath.Join(s.work, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if text := string(stackFile); !strings.Contains(text, "secretsprovider: hashivault://"+vaultKey) ||
		!strings.Contains(text, "encryptedkey: ") || !strings.Contains(text, "secure: ") || strings.Contains(text, secret) {
		t.Errorf("the stack file should name the stand-in Vault, hold the wrapped key and the secret encrypted only:\n%s", text)
	}

	s.Apply(t)
	if out := s.Outputs(t)["token"]; out.Value != secret || !out.Secret {
		t.Errorf("output token: got %v (secret %v), want %q as a secret", out.Value, out.Secret, secret)
	}
	// What the file backend stored: the checkpoint and its backups, read as files, so that
	// nothing decrypts them on the way.
	var checkpoint apitype.CheckpointV3
	err = filepath.WalkDir(filepath.Join(filepath.Dir(s.work), "state"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("%s holds the secret in the clear", path)
		}
		if filepath.Base(path) == "dev.json" {
			var v apitype.VersionedCheckpoint
			if err := json.Unmarshal(data, &v); err != nil {
				return err
			}
			return json.Unmarshal(v.Checkpoint, &checkpoint)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	if checkpoint.Latest == nil {
		t.Fatalf("no checkpoint of the stack in the state")
	}
	if sp := checkpoint.Latest.SecretsProviders; sp == nil || sp.Type != "cloud" || !strings.Contains(string(sp.State), "hashivault://"+vaultKey) {
		t.Errorf("the state's secrets provider is %+v, want the cloud provider at hashivault://%s", sp, vaultKey)
	}
	if !strings.Contains(fmt.Sprint(checkpoint.Latest.Resources), "ciphertext") {
		t.Errorf("the state holds no encrypted value: %v", checkpoint.Latest.Resources)
	}
	if err := s.Preview(t).NoChanges(); err != nil {
		t.Error(err)
	}
	s.Destroy(t)
}
