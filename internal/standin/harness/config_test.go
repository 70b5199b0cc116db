package harness

import (
	"os"
	"path/filepath"
	"testing"
)

// SetConfigValue edits one key of the stack file and keeps the rest, structured values
// and the secrets provider's lines included.
func TestSetConfigValue(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.dev.yaml")
	before := "secretsprovider: hashivault://engine-test\nconfig:\n  aws:region: us-east-1\n  p:services:\n    - name: web\n  p:azCount: 2\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Stack{Name: "dev", work: dir}
	s.SetConfigValue(t, "p:rolePermissionsBoundary", "arn:aws:iam::123456789012:policy/b")
	s.SetConfigValue(t, "p:azCount", "3")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "secretsprovider: hashivault://engine-test\nconfig:\n    aws:region: us-east-1\n    p:services:\n        - name: web\n    p:azCount: 3\n    p:rolePermissionsBoundary: arn:aws:iam::123456789012:policy/b\n"
	if string(got) != want {
		t.Errorf("stack file\n%s\nwant\n%s", got, want)
	}
}
