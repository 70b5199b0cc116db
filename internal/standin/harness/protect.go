package harness

// Protected resources: a destroy the engine must refuse, and `pulumi state unprotect
// --all` to let a test tear the stack down after proving that.

import (
	"encoding/json"
	"testing"
)

// TryDestroy runs `pulumi destroy` and returns its error, for a destroy that should fail.
func (s *Stack) TryDestroy(t *testing.T) error {
	t.Helper()
	_, err := s.stack.Destroy(s.ctx)
	return err
}

// UnprotectAll clears every resource's protect flag in the state, as
// `pulumi state unprotect --all` does, and returns the URNs it was set on.
func (s *Stack) UnprotectAll(t *testing.T) []string {
	t.Helper()
	dep, d := s.export(t)
	var was []string
	for i := range d.Resources {
		if d.Resources[i].Protect {
			was = append(was, string(d.Resources[i].URN))
			d.Resources[i].Protect = false
		}
	}
	var err error
	if dep.Deployment, err = json.Marshal(d); err != nil {
		t.Fatal(err)
	}
	if err := s.stack.Import(s.ctx, dep); err != nil {
		t.Fatalf("%s: stack import: %v", s.Name, err)
	}
	return was
}
