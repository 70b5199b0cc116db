package standin

// S3 (terraform-provider-aws internal/service/s3): the access-log bucket and its
// configuration resources, versioning and objects (whose bytes the Cloud keeps per version,
// for ELB trust stores to read), and what S3 refuses: a configuration or an object of a
// bucket that does not exist, a policy naming another bucket, deleting a bucket that holds
// objects or object versions.

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the S3 models.
const (
	TypeS3BucketV2                                  tokens.Type = "aws:s3/bucketV2:BucketV2"
	TypeS3BucketServerSideEncryptionConfigurationV2 tokens.Type = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeS3BucketPublicAccessBlock                   tokens.Type = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeS3BucketPolicy                              tokens.Type = "aws:s3/bucketPolicy:BucketPolicy"
	TypeS3BucketLifecycleConfigurationV2            tokens.Type = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	TypeS3BucketVersioningV2                        tokens.Type = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeS3BucketObjectv2                            tokens.Type = "aws:s3/bucketObjectv2:BucketObjectv2"
)

func init() {
	register(map[tokens.Type]*model{
		TypeS3BucketV2: {
			tf: "aws_s3_bucket", source: "internal/service/s3/bucket.go",
			forceNew: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
			computed: []string{"bucket", "bucketPrefix", "objectLockEnabled", "accelerationStatus", "acl", "corsRules", "grants",
				"lifecycleRules", "loggings", "objectLockConfiguration", "policy", "replicationConfigurations", "requestPayer",
				"serverSideEncryptionConfigurations", "versionings", "websites"},
			autoname: 63, lower: true, nameAttr: "bucket",
			tagged: true,
			// bucket_prefix's ValidateFunc: S3's 63 characters less the provider's 26-character
			// unique suffix (validation.StringLenBetween(0, 63-id.UniqueIDSuffixLength)).
			validate: func(in resource.PropertyMap) []string {
				if p := str(in, "bucketPrefix"); len(p) > 37 {
					return []string{fmt.Sprintf("bucketPrefix: expected length of bucket_prefix to be in the range (0 - 37), got %s", p)}
				}
				return nil
			},
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "bucket")
				if !o.preview && o.c.taken(TypeS3BucketV2, "bucket", name) {
					return "", nil, fmt.Errorf("BucketAlreadyOwnedByYou: %s", name)
				}
				return name, map[string]any{
					"arn": "arn:aws:s3:::" + name, "bucketDomainName": name + ".s3.amazonaws.com",
					"bucketRegionalDomainName": fmt.Sprintf("%s.s3.%s.amazonaws.com", name, o.region()),
					"hostedZoneId":             "Z3AQBSTGFYJSTF", "region": o.region(), "bucketPrefix": "", "objectLockEnabled": false,
					// S3 encrypts every new bucket with SSE-S3 by default (January 2023).
					"serverSideEncryptionConfigurations": []any{map[string]any{"rules": []any{map[string]any{
						"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyId": ""}},
						"bucketKeyEnabled":                    false,
					}}}},
					"versionings": []any{map[string]any{"enabled": false, "mfaDelete": false}},
				}, nil
			},
		},
		TypeS3BucketServerSideEncryptionConfigurationV2: {
			tf: "aws_s3_bucket_server_side_encryption_configuration", source: "internal/service/s3/bucket_server_side_encryption_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			sets:     []string{"rules"},
			create:   bucketConfig,
		},
		TypeS3BucketPublicAccessBlock: {
			tf: "aws_s3_bucket_public_access_block", source: "internal/service/s3/bucket_public_access_block.go",
			forceNew: []string{"bucket"},
			create:   bucketConfig,
		},
		TypeS3BucketLifecycleConfigurationV2: {
			tf: "aws_s3_bucket_lifecycle_configuration", source: "internal/service/s3/bucket_lifecycle_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			computed: []string{"transitionDefaultMinimumObjectSize"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				for _, r := range objs(o.in, "rules") {
					if e := obj(r, "expiration"); e != nil && number(e, "days") < 1 {
						return "", nil, fmt.Errorf("InvalidArgument: 'Days' for Expiration action must be a positive integer")
					}
				}
				return id, map[string]any{"transitionDefaultMinimumObjectSize": "all_storage_classes_128K"}, err
			},
		},
		TypeS3BucketPolicy: {
			tf: "aws_s3_bucket_policy", source: "internal/service/s3/bucket_policy.go",
			forceNew: []string{"bucket"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				if err == nil && !o.preview {
					err = checkBucketPolicy(str(o.in, "bucket"), str(o.in, "policy"))
				}
				return id, map[string]any{}, err
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "structure.NormalizeJsonString")},
		},
	})
	register(map[tokens.Type]*model{
		TypeS3BucketVersioningV2: {
			tf: "aws_s3_bucket_versioning", source: "internal/service/s3/bucket_versioning.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			create:   bucketConfig,
		},
		TypeS3BucketObjectv2: {
			tf: "aws_s3_object", source: "internal/service/s3/object.go",
			forceNew: []string{"bucket", "key"},
			// Optional+Computed: Read stores what HeadObject returns.
			computed: []string{"acl", "bucketKeyEnabled", "contentType", "etag", "kmsKeyId", "serverSideEncryption", "storageClass"},
			tagged:   true,
			create:   createObject,
			rules: []rule{{
				name: "resourceObjectCustomizeDiff",
				why:  "a change of the content (content, source, etag, sourceHash, contentType, ...) plans a new versionId, unknown until PutObject; a sourceHash change plans a new etag too",
				unknown: func(state, news resource.PropertyMap) []string {
					var out []string
					if objectContentChanges(state, news) {
						out = append(out, "versionId")
					}
					if !covers(state["sourceHash"], news["sourceHash"]) || (news["sourceHash"].IsNull() && !isZero(state["sourceHash"])) {
						out = append(out, "etag")
					}
					return out
				},
			}},
		},
	})
	hooks[TypeS3BucketV2] = objectHook{deleting: bucketDeleting}
	hooks[TypeS3BucketVersioningV2] = objectHook{
		created: func(c *Cloud, _ string, state resource.PropertyMap) error { return c.putBucketVersioning(state) },
		updated: func(c *Cloud, _ string, _, new resource.PropertyMap) error { return c.putBucketVersioning(new) },
		deleted: versioningDeleted,
	}
	hooks[TypeS3BucketObjectv2] = objectHook{updated: objectUpdated, deleted: objectDeleted}
}

// s3Version is one version of an S3 object: its bytes, or a delete marker.
type s3Version struct {
	id           string // "" in a bucket never versioned, "null" while versioning is suspended
	unsettled    bool   // written while the bucket's first enabling of versioning settles
	body         []byte
	deleteMarker bool
}

// putBucketVersioning is resourceBucketVersioningCreate/Update: PutBucketVersioning with
// the status, except "Disabled", which the provider never sends (it only records an
// unversioned bucket). The bucket's own Read (aws_s3_bucket's versioning block, the
// BucketV2's computed `versionings`) then reports the status too.
//
// The first time a bucket's versioning is enabled, S3 asks for 15 minutes before objects
// are written to it, and warns that writes in that window may fail or be lost, with
// NoSuchKey errors (User Guide, "Enabling versioning on buckets"). The stand-in takes the
// worst case: what is written to the bucket in the same operation cannot be read
// (GetObject answers NoSuchKey) until the next operation (Cloud.Settle).
func (c *Cloud) putBucketVersioning(state resource.PropertyMap) error {
	bucket := str(state, "bucket")
	status := str(obj(state, "versioningConfiguration"), "status")
	c.mu.Lock()
	defer c.mu.Unlock()
	switch status {
	case "Enabled", "Suspended":
	case "Disabled":
		if c.s3Versioning[bucket] != "" {
			// S3 has no way back to unversioned; PutBucketVersioning takes Enabled or Suspended.
			return fmt.Errorf("updating S3 Bucket Versioning (%s): MalformedXML: The XML you provided was not well-formed or did not validate against our published schema", bucket)
		}
		return nil
	default:
		return fmt.Errorf("MalformedXML: versioning status %q", status)
	}
	if status == "Enabled" && c.s3Versioning[bucket] == "" {
		c.s3Settling[bucket] = true
	}
	c.s3Versioning[bucket] = status
	c.setBucketVersioningsLocked(bucket)
	return nil
}

// versioningDeleted is resourceBucketVersioningDelete: S3 cannot unversion a bucket, so
// the provider suspends versioning (nothing, for "Disabled"). Old versions stay.
func versioningDeleted(c *Cloud, _ string, state resource.PropertyMap) {
	if str(obj(state, "versioningConfiguration"), "status") == "Disabled" {
		return
	}
	bucket := str(state, "bucket")
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.s3Versioning[bucket]; ok {
		c.s3Versioning[bucket] = "Suspended"
		c.setBucketVersioningsLocked(bucket)
	}
}

// setBucketVersioningsLocked writes the status into the live bucket, as aws_s3_bucket's
// Read (flattenBucketVersioning) reports it on the next refresh: enabled only while Enabled.
func (c *Cloud) setBucketVersioningsLocked(bucket string) {
	if o, ok := c.objects[bucket]; ok && o.urn.Type() == TypeS3BucketV2 {
		put(o.state, "versionings", []any{map[string]any{"enabled": c.s3Versioning[bucket] == "Enabled", "mfaDelete": false}})
	}
}

// BucketVersioning is a bucket's versioning status as GetBucketVersioning reports it:
// Enabled, Suspended, or "" for a bucket never versioned.
func (c *Cloud) BucketVersioning(bucket string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s3Versioning[bucket]
}

// putObject is PutObject: S3 refuses a bucket that does not exist. In a bucket with
// versioning Enabled every put is a new version with a new id; while Suspended the put
// replaces the version "null"; in a bucket never versioned it replaces the object, and
// HeadObject reports no version id.
func (c *Cloud) putObject(bucket, key string, body []byte) (string, error) {
	if !c.taken(TypeS3BucketV2, "bucket", bucket) {
		return "", fmt.Errorf("uploading S3 Object (%s) to Bucket (%s): operation error S3: PutObject, https response error StatusCode: 404, api error NoSuchBucket: The specified bucket does not exist", key, bucket)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s3Objects[bucket] == nil {
		c.s3Objects[bucket] = map[string][]s3Version{}
	}
	versions := c.s3Objects[bucket][key]
	v := s3Version{body: append([]byte(nil), body...), unsettled: c.s3Settling[bucket]}
	switch c.s3Versioning[bucket] {
	case "Enabled":
		c.s3Puts++
		v.id = hexOf(32, bucket, key, fmt.Sprint(c.s3Puts))
	case "Suspended":
		v.id = "null"
		fallthrough
	default:
		var kept []s3Version
		for _, old := range versions {
			if old.id != v.id {
				kept = append(kept, old)
			}
		}
		versions = kept
	}
	c.s3Objects[bucket][key] = append(versions, v)
	return v.id, nil
}

// GetObject returns an object's bytes: the current version, or the given one. The
// errors are S3's: NoSuchBucket, NoSuchKey (also for a current delete marker),
// NoSuchVersion.
func (c *Cloud) GetObject(bucket, key, versionID string) ([]byte, error) {
	if !c.taken(TypeS3BucketV2, "bucket", bucket) {
		return nil, fmt.Errorf("NoSuchBucket: The specified bucket does not exist")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	versions := c.s3Objects[bucket][key]
	if versionID == "" {
		if len(versions) == 0 || versions[len(versions)-1].deleteMarker || versions[len(versions)-1].unsettled {
			return nil, fmt.Errorf("NoSuchKey: The specified key does not exist")
		}
		return versions[len(versions)-1].body, nil
	}
	for _, v := range versions {
		if v.id == versionID && !v.deleteMarker {
			if v.unsettled {
				return nil, fmt.Errorf("NoSuchKey: The specified key does not exist (written within 15 minutes of the bucket's versioning being enabled)")
			}
			return v.body, nil
		}
	}
	return nil, fmt.Errorf("NoSuchVersion: The specified version does not exist")
}

// ObjectVersions lists the version ids S3 holds for a key, oldest first.
func (c *Cloud) ObjectVersions(bucket, key string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for _, v := range c.s3Objects[bucket][key] {
		ids = append(ids, v.id)
	}
	return ids
}

// objectBody is what resourceObjectUpload sends: the file at `source` (a Pulumi asset,
// which the bridge hands to the provider as a file), or `content`.
func objectBody(in resource.PropertyMap) ([]byte, error) {
	if v := unwrap(in["source"]); v.IsAsset() {
		b, err := v.AssetValue().Bytes()
		if err != nil {
			return nil, fmt.Errorf("opening S3 object source (%s): %w", v.AssetValue().Path, err)
		}
		return b, nil
	} else if v.IsString() {
		b, err := os.ReadFile(v.StringValue())
		if err != nil {
			return nil, fmt.Errorf("opening S3 object source (%s): %w", v.StringValue(), err)
		}
		return b, nil
	}
	return []byte(str(in, "content")), nil
}

// objectRead is what resourceObjectRead stores from HeadObject after a put: the ETag (the
// MD5 of the bytes for a single-part SSE-S3 upload), the version id, S3's content type,
// encryption and storage class where none were sent.
func objectRead(body []byte, versionID string) map[string]any {
	sum := md5.Sum(body)
	return map[string]any{
		"etag": hex.EncodeToString(sum[:]), "versionId": versionID, "contentType": "binary/octet-stream",
		"serverSideEncryption": "AES256", "storageClass": "STANDARD", "bucketKeyEnabled": false, "acl": "",
		"kmsKeyId": "",
	}
}

func createObject(o *op) (string, map[string]any, error) {
	bucket, key := str(o.in, "bucket"), str(o.in, "key")
	outs := map[string]any{"arn": "arn:aws:s3:::" + bucket + "/" + key, "versionId": ""}
	if o.preview {
		for k, v := range objectRead(nil, "") {
			outs[k] = v
		}
		return key, outs, nil
	}
	body, err := objectBody(o.in)
	if err != nil {
		return "", nil, err
	}
	version, err := o.c.putObject(bucket, key, body)
	if err != nil {
		return "", nil, err
	}
	for k, v := range objectRead(body, version) {
		outs[k] = v
	}
	// The provider's id is the key; the Cloud holds objects of every type by id, so the
	// stand-in prefixes the bucket (nothing reads these ids).
	return bucket + "/" + key, outs, nil
}

// objectContentKeys are hasObjectContentChanges' attributes: a change of any is a new
// PutObject (resourceObjectUpload), the others update in place without one.
var objectContentKeys = []string{"bucketKeyEnabled", "cacheControl", "checksumAlgorithm", "contentBase64", "contentDisposition",
	"contentEncoding", "contentLanguage", "contentType", "content", "etag", "kmsKeyId", "metadata", "serverSideEncryption",
	"source", "sourceHash", "storageClass", "websiteRedirect"}

func objectContentChanges(old, new resource.PropertyMap) bool {
	for _, k := range objectContentKeys {
		o, n := old[resource.PropertyKey(k)], new[resource.PropertyKey(k)]
		if n.IsNull() {
			continue // left out: Optional+Computed ones keep the stored value; others were unset
		}
		if !covers(o, n) || !covers(n, o) {
			return true
		}
	}
	return false
}

// objectUpdated is resourceObjectUpdate: a content change uploads the object again (a new
// version in a versioned bucket), and Read stores the new ETag and version id.
func objectUpdated(c *Cloud, _ string, old, new resource.PropertyMap) error {
	if !objectContentChanges(old, new) {
		return nil
	}
	body, err := objectBody(new)
	if err != nil {
		return err
	}
	version, err := c.putObject(str(new, "bucket"), str(new, "key"), body)
	if err != nil {
		return err
	}
	read := objectRead(body, version)
	put(new, "versionId", read["versionId"])
	put(new, "etag", read["etag"])
	return nil
}

// objectDeleted is resourceObjectDelete: with a version id in the state (a bucket that is
// or was versioned) deleteAllObjectVersions removes every version of the key; without
// one, DeleteObject removes the object.
func objectDeleted(c *Cloud, _ string, state resource.PropertyMap) {
	bucket, key := str(state, "bucket"), str(state, "key")
	c.mu.Lock()
	defer c.mu.Unlock()
	if str(state, "versionId") != "" || c.s3Versioning[bucket] == "" {
		delete(c.s3Objects[bucket], key)
		return
	}
	// A versioned bucket, an object stored before versioning: DeleteObject without a
	// version id leaves a delete marker, and the old versions stay.
	id := ""
	if c.s3Versioning[bucket] == "Enabled" {
		c.s3Puts++
		id = hexOf(32, bucket, key, fmt.Sprint(c.s3Puts))
	} else {
		id = "null"
	}
	c.s3Objects[bucket][key] = append(c.s3Objects[bucket][key], s3Version{id: id, deleteMarker: true})
}

// bucketConfig is the create of a bucket's sub-resource (encryption, public access
// block, policy, lifecycle); S3 answers NoSuchBucket without the bucket. The provider's
// id is the bucket's name; the Cloud holds objects of every type by id, so the stand-in
// adds the type to keep them apart (nothing reads these ids).
func bucketConfig(o *op) (string, map[string]any, error) {
	name := str(o.in, "bucket")
	if !o.preview && !o.c.taken(TypeS3BucketV2, "bucket", name) {
		return "", nil, fmt.Errorf("NoSuchBucket: The specified bucket does not exist: %s", name)
	}
	return name + "#" + string(o.urn.Type().Name()), map[string]any{}, nil
}

// bucketDeleting is DeleteBucket: S3 refuses a bucket that holds objects, including old
// versions and delete markers of a versioned bucket; the provider empties it first (every
// version) only with force_destroy.
func bucketDeleting(c *Cloud, id string, state resource.PropertyMap) error {
	c.mu.Lock()
	n := c.bucketObjects[id]
	for _, versions := range c.s3Objects[id] {
		n += len(versions)
	}
	c.mu.Unlock()
	if n > 0 && !boolean(state, "forceDestroy") {
		return fmt.Errorf("deleting S3 Bucket (%s): BucketNotEmpty: The bucket you tried to delete is not empty (%d objects or versions)", id, n)
	}
	c.mu.Lock()
	delete(c.bucketObjects, id)
	delete(c.s3Objects, id)
	delete(c.s3Versioning, id)
	c.mu.Unlock()
	return nil
}

// checkBucketPolicy is PutBucketPolicy's own check: every statement's resources are this
// bucket or its objects (MalformedPolicy: Policy has invalid resource).
func checkBucketPolicy(bucket, doc string) error {
	stmts, err := policyStatements(doc)
	if err != nil {
		return fmt.Errorf("MalformedPolicy: %v", err)
	}
	for _, st := range stmts {
		for _, r := range policyList(st["Resource"]) {
			if r != "arn:aws:s3:::"+bucket && !strings.HasPrefix(r, "arn:aws:s3:::"+bucket+"/") {
				return fmt.Errorf("MalformedPolicy: Policy has invalid resource %s", r)
			}
		}
	}
	return nil
}
