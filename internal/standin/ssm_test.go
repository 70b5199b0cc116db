package standin

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The release record as the program uses it: written once, read back by the data source,
// overwritten as a new version, and missing until the first write.
func TestSsmParameterVersionsAndLookUp(t *testing.T) {
	c := NewCloud()
	lookup := func() (resource.PropertyMap, error) {
		return c.Invoke("aws:ssm/getParameter:getParameter", resource.NewPropertyMapFromMap(map[string]any{"name": "/p/s/release-image"}))
	}
	if _, err := lookup(); err == nil || err.Error() != "reading SSM Parameter (/p/s/release-image): couldn't find resource" {
		t.Fatalf("look-up before the first write: %v; want the provider's NotFoundError", err)
	}
	in := map[string]any{"name": "/p/s/release-image", "type": "String", "insecureValue": "repo@sha256:a"}
	id, state := made(t, c, TypeSsmParameter, "release-record", in)
	urn := resource.NewURN("test", "standin", "", TypeSsmParameter, "release-record")
	checked, _, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := str(state, "arn"); got != "arn:aws:ssm:us-east-1:"+Account+":parameter/p/s/release-image" {
		t.Errorf("arn %q", got)
	}
	got, err := lookup()
	if err != nil || str(got, "insecureValue") != "repo@sha256:a" || number(got, "version") != 1 {
		t.Fatalf("look-up after create: %v %v", got, err)
	}
	next := resource.NewPropertyMapFromMap(map[string]any{"name": "/p/s/release-image", "type": "String", "insecureValue": "repo@sha256:b"})
	news, _, _ := c.Check(urn, checked, next)
	if _, err := c.Update(urn, id, state, checked, news, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := lookup(); str(got, "insecureValue") != "repo@sha256:b" || number(got, "version") != 2 {
		t.Errorf("look-up after update: %v; want the new value as version 2", got)
	}
	// A second parameter of the name: PutParameter without Overwrite refuses it.
	other := resource.NewURN("test", "other", "", TypeSsmParameter, "release-record")
	if _, _, err := c.Create(other, checked, false); err == nil || !strings.Contains(err.Error(), "ParameterAlreadyExists") {
		t.Errorf("second parameter of one name: %v; want ParameterAlreadyExists", err)
	}
}
