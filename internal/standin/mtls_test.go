package standin

// Mutual TLS on the ALB and what it rests on: S3 bucket versioning and objects (the CA
// bundle), the ELB trust store that reads it, the listener's mutual authentication, and
// ECS deployment alarms with the CloudWatch alarms they name.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var (
	caOnce sync.Once
	caPEM  string
)

// testCA is a self-signed CA certificate in PEM, made once per test binary.
func testCA(t *testing.T) string {
	t.Helper()
	caOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test client CA"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	})
	return caPEM
}

// stack drives one resource through check, create, plan and update, as the engine does.
type stack struct {
	t *testing.T
	c *Cloud
}

type live struct {
	urn    resource.URN
	id     string
	inputs resource.PropertyMap // the last checked inputs
	state  resource.PropertyMap
}

func (s stack) create(typ tokens.Type, name string, in map[string]any) (*live, error) {
	s.t.Helper()
	urn := resource.NewURN("test", "standin", "", typ, name)
	checked, failures, err := s.c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil || len(failures) > 0 {
		s.t.Fatalf("%s: check: %v %v", urn, err, failures)
	}
	id, state, err := s.c.Create(urn, checked, false)
	if err != nil {
		return nil, err
	}
	return &live{urn: urn, id: id, inputs: checked, state: state}, nil
}

func (s stack) mustCreate(typ tokens.Type, name string, in map[string]any) *live {
	s.t.Helper()
	l, err := s.create(typ, name, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return l
}

// plan plans next against the stored state.
func (s stack) plan(l *live, next map[string]any) (DiffResult, resource.PropertyMap) {
	s.t.Helper()
	news, failures, err := s.c.Check(l.urn, l.inputs, resource.NewPropertyMapFromMap(next))
	if err != nil || len(failures) > 0 {
		s.t.Fatalf("%s: check: %v %v", l.urn, err, failures)
	}
	return s.c.Diff(l.urn, l.id, l.state, l.inputs, news), news
}

// up plans next and applies it in place; it fails the test on a replacement.
func (s stack) up(l *live, next map[string]any) error {
	s.t.Helper()
	d, news := s.plan(l, next)
	if len(d.Replaces) > 0 {
		s.t.Fatalf("%s: plan replaces %v, want an in-place update", l.urn, d.Replaces)
	}
	if len(d.Changed) == 0 {
		return nil
	}
	state, err := s.c.Update(l.urn, l.id, l.state, l.inputs, news, false)
	if err != nil {
		return err
	}
	l.inputs, l.state = news, state
	return nil
}

func (s stack) delete(l *live) error { return s.c.Delete(l.urn, l.id) }

func TestS3ObjectVersionIDsFollowTheBucketsVersioning(t *testing.T) {
	s := stack{t, NewCloud()}
	_, err := s.create(TypeS3BucketObjectv2, "orphan", map[string]any{"bucket": "nowhere", "key": "k", "content": "x"})
	wantError(t, err, "NoSuchBucket")
	_, err = s.create(TypeS3BucketVersioningV2, "orphan-versioning", map[string]any{"bucket": "nowhere", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	wantError(t, err, "NoSuchBucket")

	// Never versioned: HeadObject reports no version id, and a put replaces the object.
	s.mustCreate(TypeS3BucketV2, "plain", map[string]any{"bucket": "plain"})
	obj := s.mustCreate(TypeS3BucketObjectv2, "plain-ca", map[string]any{"bucket": "plain", "key": "ca.pem", "content": "one"})
	if v := str(obj.state, "versionId"); v != "" {
		t.Errorf("unversioned bucket: versionId %q, want empty", v)
	}
	if str(obj.state, "etag") != "f97c5d29941bfb1b2fdab0874906ab82" || str(obj.state, "serverSideEncryption") != "AES256" {
		t.Errorf("read-back etag %q (want the MD5 of the content), serverSideEncryption %q (want AES256)", str(obj.state, "etag"), str(obj.state, "serverSideEncryption"))
	}
	if err := s.up(obj, map[string]any{"bucket": "plain", "key": "ca.pem", "content": "two"}); err != nil {
		t.Fatal(err)
	}
	if got := s.c.ObjectVersions("plain", "ca.pem"); len(got) != 1 {
		t.Errorf("unversioned bucket holds versions %q, want the one object", got)
	}

	// Enabled: every content change is a new version, the old ones stay readable.
	s.mustCreate(TypeS3BucketV2, "versioned", map[string]any{"bucket": "versioned"})
	s.mustCreate(TypeS3BucketVersioningV2, "versioned-v", map[string]any{"bucket": "versioned", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	s.c.Settle() // a quarter hour later (TestWritesRightAfterVersioningIsEnabledAreNotReadable)
	ca := s.mustCreate(TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "versioned", "key": "ca.pem", "content": "one"})
	first := str(ca.state, "versionId")
	d, _ := s.plan(ca, map[string]any{"bucket": "versioned", "key": "ca.pem", "content": "two"})
	if len(d.Replaces) > 0 || !contains(d.Changed, "content") {
		t.Fatalf("new content: plan %+v, want an in-place update (PutObject)", d)
	}
	if err := s.up(ca, map[string]any{"bucket": "versioned", "key": "ca.pem", "content": "two"}); err != nil {
		t.Fatal(err)
	}
	second := str(ca.state, "versionId")
	if first == "" || second == "" || first == second {
		t.Fatalf("versioned bucket: version ids %q then %q, want two distinct ones", first, second)
	}
	if b, err := s.c.GetObject("versioned", "ca.pem", first); err != nil || string(b) != "one" {
		t.Errorf("the first version reads %q, %v", b, err)
	}
	if d, _ := s.plan(ca, map[string]any{"bucket": "other", "key": "ca.pem", "content": "two"}); len(d.Replaces) == 0 {
		t.Errorf("another bucket: plan %+v, want a replacement", d)
	}

	// Suspended: puts replace the version "null"; the older versions stay.
	suspended := s.mustCreate(TypeS3BucketVersioningV2, "versioned-v2", map[string]any{"bucket": "versioned", "versioningConfiguration": map[string]any{"status": "Suspended"}})
	if err := s.up(ca, map[string]any{"bucket": "versioned", "key": "ca.pem", "content": "three"}); err != nil {
		t.Fatal(err)
	}
	if v := str(ca.state, "versionId"); v != "null" {
		t.Errorf("suspended versioning: versionId %q, want \"null\"", v)
	}
	if b, ok := s.c.Read("versioned"); !ok || boolean(objs(b, "versionings")[0], "enabled") {
		t.Errorf("the bucket reads back versionings %v, want enabled false while suspended", b["versionings"])
	}
	if err := s.delete(suspended); err != nil {
		t.Fatal(err)
	}
}

// A versioned bucket keeps old versions; the bucket goes only once the object resource
// deleted all of them (deleteAllObjectVersions), or with forceDestroy.
func TestAVersionedBucketIsDeletedOnlyEmpty(t *testing.T) {
	s := stack{t, NewCloud()}
	b := s.mustCreate(TypeS3BucketV2, "b", map[string]any{"bucket": "b"})
	v := s.mustCreate(TypeS3BucketVersioningV2, "v", map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	ca := s.mustCreate(TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "b", "key": "ca.pem", "content": "one"})
	if err := s.up(ca, map[string]any{"bucket": "b", "key": "ca.pem", "content": "two"}); err != nil {
		t.Fatal(err)
	}
	if err := s.delete(v); err != nil {
		t.Fatal(err)
	}
	if got := s.c.BucketVersioning("b"); got != "Suspended" {
		t.Errorf("deleting the versioning resource leaves the bucket %q, want Suspended", got)
	}
	wantError(t, s.delete(b), "BucketNotEmpty")
	if err := s.delete(ca); err != nil {
		t.Fatal(err)
	}
	if err := s.delete(b); err != nil {
		t.Errorf("after the object's versions are gone: %v", err)
	}

	forced := s.mustCreate(TypeS3BucketV2, "forced", map[string]any{"bucket": "forced", "forceDestroy": true})
	s.mustCreate(TypeS3BucketObjectv2, "left", map[string]any{"bucket": "forced", "key": "k", "content": "x"})
	if err := s.delete(forced); err != nil {
		t.Errorf("forceDestroy: %v", err)
	}
}

// The object's source may be a file (a Pulumi FileAsset); its bytes are what S3 stores.
func TestS3ObjectFromAFileAsset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, []byte(testCA(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	asset, err := resource.NewPathAsset(path)
	if err != nil {
		t.Fatal(err)
	}
	s := stack{t, NewCloud()}
	s.mustCreate(TypeS3BucketV2, "b", map[string]any{"bucket": "b"})
	in := resource.PropertyMap{"bucket": resource.NewStringProperty("b"), "key": resource.NewStringProperty("ca.pem"), "source": resource.NewAssetProperty(asset)}
	urn := resource.NewURN("test", "standin", "", TypeS3BucketObjectv2, "ca")
	checked, _, _ := s.c.Check(urn, nil, in)
	if _, _, err := s.c.Create(urn, checked, false); err != nil {
		t.Fatal(err)
	}
	if b, err := s.c.GetObject("b", "ca.pem", ""); err != nil || string(b) != testCA(t) {
		t.Errorf("S3 holds %q, %v; want the file's bytes", b, err)
	}
}

func TestTrustStoreReadsItsBundleFromS3(t *testing.T) {
	s := stack{t, NewCloud()}
	s.mustCreate(TypeS3BucketV2, "b", map[string]any{"bucket": "b"})
	s.mustCreate(TypeS3BucketVersioningV2, "v", map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	s.c.Settle()
	bundle := func(version string) map[string]any {
		in := map[string]any{"name": "clients", "caCertificatesBundleS3Bucket": "b", "caCertificatesBundleS3Key": "ca.pem"}
		if version != "" {
			in["caCertificatesBundleS3ObjectVersion"] = version
		}
		return in
	}
	_, err := s.create(TypeLbTrustStore, "missing", bundle(""))
	wantError(t, err, "CaCertificatesBundleNotFound")
	ca := s.mustCreate(TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "b", "key": "ca.pem", "content": "not a certificate"})
	_, err = s.create(TypeLbTrustStore, "garbage", bundle(str(ca.state, "versionId")))
	wantError(t, err, "InvalidCaCertificatesBundle")
	if err := s.up(ca, map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t)}); err != nil {
		t.Fatal(err)
	}
	ts := s.mustCreate(TypeLbTrustStore, "ts", bundle(str(ca.state, "versionId")))
	if str(ts.state, "arnSuffix") != "" || str(ts.state, "name") != "clients" {
		t.Errorf("read-back arnSuffix %q (the provider never sets it), name %q", str(ts.state, "arnSuffix"), str(ts.state, "name"))
	}
	_, err = s.create(TypeLbTrustStore, "again", bundle(str(ca.state, "versionId")))
	wantError(t, err, "DuplicateTrustStoreName")
	_, err = try(s.c, TypeLbTrustStore, "long", map[string]any{"name": "a-trust-store-name-of-33-letters1", "caCertificatesBundleS3Bucket": "b", "caCertificatesBundleS3Key": "ca.pem"})
	wantError(t, err, "must be 1 to 32 letters")

	// A new version of the bundle: the trust store is modified in place (ModifyTrustStore),
	// and ELB reads the new version.
	if err := s.up(ca, map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t) + "\n"}); err != nil {
		t.Fatal(err)
	}
	d, _ := s.plan(ts, bundle(str(ca.state, "versionId")))
	if len(d.Replaces) > 0 || !contains(d.Changed, "caCertificatesBundleS3ObjectVersion") {
		t.Fatalf("new bundle version: plan %+v, want an in-place update", d)
	}
	err = s.up(ts, bundle("no-such-version"))
	wantError(t, err, "modifying ELBv2 Trust Store")
	if d, _ := s.plan(ts, merge(map[string]any{"name": "clients-2"}, bundle(""))); len(d.Replaces) == 0 {
		t.Errorf("a new name: plan %+v, want a replacement", d)
	}

	// The preview of a content change: the version id is unknown, so the trust store
	// pinned to it plans a change too.
	_, news := s.plan(ca, map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t) + "\n\n"})
	preview, err := s.c.Update(ca.urn, ca.id, ca.state, ca.inputs, news, true)
	if err != nil || !preview["versionId"].IsComputed() {
		t.Errorf("preview of new content: versionId %v (%v), want unknown", preview["versionId"], err)
	}
}

// S3 asks for 15 minutes between first enabling versioning on a bucket and writing to it:
// an object written in the same operation cannot be read yet, by key or by version, so a
// trust store made from it fails; the next operation reads it. Enabling versioning again
// (after suspending it) and a bucket never versioned have no such window.
func TestWritesRightAfterVersioningIsEnabledAreNotReadable(t *testing.T) {
	s := stack{t, NewCloud()}
	s.mustCreate(TypeS3BucketV2, "b", map[string]any{"bucket": "b"})
	v := s.mustCreate(TypeS3BucketVersioningV2, "v", map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	ca := s.mustCreate(TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t)})
	store := map[string]any{"name": "clients", "caCertificatesBundleS3Bucket": "b", "caCertificatesBundleS3Key": "ca.pem", "caCertificatesBundleS3ObjectVersion": str(ca.state, "versionId")}
	_, err := s.create(TypeLbTrustStore, "too-soon", store)
	wantError(t, err, "NoSuchKey")
	if _, err := s.c.GetObject("b", "ca.pem", ""); err == nil {
		t.Error("the current object reads at once; want NoSuchKey until the window is over")
	}
	s.c.Settle()
	s.mustCreate(TypeLbTrustStore, "later", store)

	// Suspended, then enabled again: not the first enabling, no window.
	if err := s.up(v, map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Suspended"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.up(v, map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Enabled"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.up(ca, map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t) + "\n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.GetObject("b", "ca.pem", ""); err != nil {
		t.Errorf("after versioning was enabled again: %v", err)
	}

	// Never versioned: a content-named key is readable at once, and a trust store made
	// from it by key alone follows a new key in place.
	s.mustCreate(TypeS3BucketV2, "plain", map[string]any{"bucket": "plain"})
	s.mustCreate(TypeS3BucketObjectv2, "k1", map[string]any{"bucket": "plain", "key": "ca-bundle-1.pem", "content": testCA(t)})
	ts := s.mustCreate(TypeLbTrustStore, "plain-ts", map[string]any{"name": "plain", "caCertificatesBundleS3Bucket": "plain", "caCertificatesBundleS3Key": "ca-bundle-1.pem"})
	s.mustCreate(TypeS3BucketObjectv2, "k2", map[string]any{"bucket": "plain", "key": "ca-bundle-2.pem", "content": testCA(t) + "\n"})
	if err := s.up(ts, map[string]any{"name": "plain", "caCertificatesBundleS3Bucket": "plain", "caCertificatesBundleS3Key": "ca-bundle-2.pem"}); err != nil {
		t.Fatalf("a new key: %v", err)
	}
	err = s.up(ts, map[string]any{"name": "plain", "caCertificatesBundleS3Bucket": "plain", "caCertificatesBundleS3Key": "ca-bundle-3.pem"})
	wantError(t, err, "CaCertificatesBundleNotFound")
}

func TestListenerMutualAuthentication(t *testing.T) {
	s := stack{t, NewCloud()}
	verify := trustStore(t, s.c)["mutualAuthentication"].(map[string]any)
	tsArn := verify["trustStoreArn"].(string)
	const albArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/0123456789abcdef"
	listener := func(port int, protocol string, ma map[string]any) map[string]any {
		in := map[string]any{"loadBalancerArn": albArn, "port": port, "protocol": protocol}
		if ma != nil {
			in["mutualAuthentication"] = ma
		}
		return in
	}
	_, err := s.create(TypeListener, "http", listener(80, "HTTP", verify))
	wantError(t, err, "supported only on HTTPS listeners")
	_, err = s.create(TypeListener, "no-store", listener(443, "HTTPS", map[string]any{"mode": "verify"}))
	wantError(t, err, "trust store ARN is required")
	_, err = s.create(TypeListener, "gone", listener(443, "HTTPS", map[string]any{"mode": "verify",
		"trustStoreArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:truststore/gone/0123456789abcdef"}))
	wantError(t, err, "TrustStoreNotFound")

	// Without mutual authentication an HTTPS listener reads back mode off.
	https := s.mustCreate(TypeListener, "https", listener(443, "HTTPS", nil))
	if ma := obj(https.state, "mutualAuthentication"); str(ma, "mode") != "off" || len(ma) != 1 {
		t.Errorf("read-back %v, want {mode: off}", ma)
	}
	// Verify is ModifyListener, in place, with AWS's defaults read back.
	if err := s.up(https, listener(443, "HTTPS", verify)); err != nil {
		t.Fatal(err)
	}
	if ma := obj(https.state, "mutualAuthentication"); str(ma, "mode") != "verify" || str(ma, "advertiseTrustStoreCaNames") != "off" || boolean(ma, "ignoreClientCertificateExpiry") {
		t.Errorf("read-back %v", ma)
	}
	if d, _ := s.plan(https, listener(443, "HTTPS", verify)); len(d.Changed) > 0 {
		t.Errorf("the same verify plans %v", d.Changed)
	}
	// The block is Optional+Computed: leaving it out plans nothing, and mTLS stays on.
	if d, _ := s.plan(https, listener(443, "HTTPS", nil)); len(d.Changed) > 0 {
		t.Errorf("dropping the block plans %v; the provider keeps the stored value", d.Changed)
	}
	// The trust store cannot go while the listener verifies against it.
	ts := &live{urn: resource.NewURN("test", "standin", "", TypeLbTrustStore, "ts"), id: tsArn}
	wantError(t, s.delete(ts), "associations delete: timeout")
	// Turning it off takes {mode: off}; then it converges.
	off := map[string]any{"mode": "off"}
	if err := s.up(https, listener(443, "HTTPS", off)); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.plan(https, listener(443, "HTTPS", off)); len(d.Changed) > 0 {
		t.Errorf("after mode off, the same program plans %v", d.Changed)
	}
	if err := s.delete(ts); err != nil {
		t.Errorf("after the listener let go: %v", err)
	}
}

func TestEcsDeploymentAlarms(t *testing.T) {
	s := stack{t, NewCloud()}
	fargateCluster(t, s.c)
	const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/c"
	service := func(td int, alarms map[string]any, desired int) map[string]any {
		in := map[string]any{"name": "web", "cluster": cluster, "desiredCount": desired,
			"taskDefinition":             "arn:aws:ecs:us-east-1:123456789012:task-definition/web:" + string(rune('0'+td)),
			"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}}
		if alarms != nil {
			in["alarms"] = alarms
		}
		return in
	}
	on := map[string]any{"alarmNames": []any{"web-5xx"}, "enable": true, "rollback": true}
	_, err := s.create(TypeEcsService, "early", service(1, on, 2))
	wantError(t, err, `InvalidParameterException: the CloudWatch alarm "web-5xx"`)
	deploymentAlarm(t, s.c)

	svc := s.mustCreate(TypeEcsService, "web", service(1, nil, 2))
	if a := obj(svc.state, "alarms"); a == nil || boolean(a, "enable") {
		t.Errorf("a service without alarms reads back %v, want them off", a)
	}
	s.c.Settle() // the first deployment completes: what a rollback goes back to
	if err := s.up(svc, service(2, on, 2)); err != nil {
		t.Fatal(err)
	}
	// ECS watches the named alarm during a deployment and rolls back.
	failed, rolledBack, err := s.c.FireAlarmDuringDeployment(svc.id, "web-5xx")
	if err != nil || !failed || !rolledBack {
		t.Fatalf("alarm during the deployment: failed %v, rolled back %v, %v", failed, rolledBack, err)
	}
	if live, _ := s.c.Read(svc.id); str(live, "taskDefinition") != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1" {
		t.Errorf("after the rollback the service runs %s", str(live, "taskDefinition"))
	}

	// Dropping the block plans nothing; with another change the update sends no alarms
	// and ECS keeps them.
	if d, _ := s.plan(svc, service(2, nil, 2)); len(d.Changed) > 0 {
		t.Errorf("dropping alarms plans %v", d.Changed)
	}
	if err := s.up(svc, service(2, nil, 3)); err != nil {
		t.Fatal(err)
	}
	if a := obj(svc.state, "alarms"); !boolean(a, "enable") {
		t.Errorf("after an update without the block ECS holds alarms %v, want the old ones, still enabled", a)
	}
	if failed, _, _ := s.c.FireAlarmDuringDeployment(svc.id, "web-5xx"); !failed {
		t.Error("the kept alarms no longer fail a deployment")
	}
	// Turning them off: send them with enable and rollback false; then it converges.
	offAlarms := map[string]any{"alarmNames": []any{"web-5xx"}, "enable": false, "rollback": false}
	if err := s.up(svc, service(2, offAlarms, 3)); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.plan(svc, service(2, offAlarms, 3)); len(d.Changed) > 0 {
		t.Errorf("after turning alarms off the same program plans %v", d.Changed)
	}
	if failed, _, _ := s.c.FireAlarmDuringDeployment(svc.id, "web-5xx"); failed {
		t.Error("a disabled alarm failed the deployment")
	}
	// Enabled without rollback: the deployment fails and stays.
	if err := s.up(svc, service(2, map[string]any{"alarmNames": []any{"web-5xx"}, "enable": true, "rollback": false}, 3)); err != nil {
		t.Fatal(err)
	}
	if failed, rolledBack, _ := s.c.FireAlarmDuringDeployment(svc.id, "web-5xx"); !failed || rolledBack {
		t.Errorf("enable without rollback: failed %v, rolled back %v", failed, rolledBack)
	}
	err = s.up(svc, service(2, map[string]any{"alarmNames": []any{"web-latency"}, "enable": true, "rollback": true}, 3))
	wantError(t, err, "InvalidParameterException")
}

// A p99 latency alarm on one target group of an ALB is what PutMetricAlarm accepts.
func TestMetricAlarmOnAnALBTargetGroupPercentile(t *testing.T) {
	c := NewCloud()
	_, err := try(c, TypeCloudwatchMetricAlarm, "p99", map[string]any{"name": "web-p99", "namespace": "AWS/ApplicationELB",
		"metricName": "TargetResponseTime", "extendedStatistic": "p99", "period": 60, "evaluationPeriods": 3, "threshold": 1.5,
		"comparisonOperator": "GreaterThanThreshold", "treatMissingData": "notBreaching",
		"dimensions": map[string]any{"LoadBalancer": "app/alb/0123456789abcdef", "TargetGroup": "targetgroup/web/0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
}
