package standin

// ECR (terraform-provider-aws internal/service/ecr): repositories, their policies and
// lifecycle policies (the bootstrap's release repository); and what the awsx ECR
// components the program uses produce, as the awsx plugin builds them (under the engine the
// harness constructs them):
//   - awsx:ecr:Repository is an aws:ecr/repository:Repository and returns `url` and
//     `repository`. The real one also adds a lifecycle policy; the stand-in leaves it out.
//   - awsx:ecr:Image returns `imageUri` in digest form, <repositoryUrl>@sha256:<digest>
//     (ImageURI). The digest hashes the build context, the Dockerfile and the build inputs,
//     so it changes exactly when a rebuild would push a different image. It builds nothing,
//     but fails like a build would when the context or the Dockerfile is missing.
// Under mocks a component is one registration; ComponentOutputs answers for it.

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the ECR models.
const (
	TypeEcrRepository       tokens.Type = "aws:ecr/repository:Repository"
	TypeEcrRepositoryPolicy tokens.Type = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	TypeEcrLifecyclePolicy  tokens.Type = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
)

// The awsx ECR components: under mocks each is one registration, which ComponentOutputs
// answers; under the engine the harness constructs them.
const (
	TypeAwsxEcrRepository tokens.Type = "awsx:ecr:Repository"
	TypeAwsxEcrImage      tokens.Type = "awsx:ecr:Image"
)

func init() {
	register(map[tokens.Type]*model{
		TypeEcrRepository: {
			tf: "aws_ecr_repository", source: "internal/service/ecr/repository.go",
			forceNew: []string{"name", "encryptionConfigurations"},
			defaults: map[string]any{"imageTagMutability": "MUTABLE"},
			autoname: 256, lower: true,
			tagged: true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if !o.preview && o.c.taken(TypeEcrRepository, "name", name) {
					return "", nil, fmt.Errorf("creating ECR Repository (%s): RepositoryAlreadyExistsException: The repository with name '%s' already exists in the registry with id '%s'", name, name, Account)
				}
				return name, map[string]any{
					"arn": o.arn("ecr", "repository/"+name), "registryId": Account,
					"repositoryUrl": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", Account, o.region(), name),
				}, nil
			},
			rules: []rule{
				{
					name: "resourceRepositoryRead",
					why:  "Read always stores the encryption (AES256) and scanning (off) settings ECR reports",
					read: func(_ *Cloud, state resource.PropertyMap) {
						if len(objs(state, "encryptionConfigurations")) == 0 {
							put(state, "encryptionConfigurations", []any{map[string]any{"encryptionType": "AES256", "kmsKey": ""}})
						}
						if obj(state, "imageScanningConfiguration") == nil {
							put(state, "imageScanningConfiguration", map[string]any{"scanOnPush": false})
						}
					},
				},
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock", attr: "encryptionConfigurations",
					why:  "an encryption block ECR reports but the program leaves out plans no change",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock (scanning)", attr: "imageScanningConfiguration",
					why:  "a scanning block ECR reports but the program leaves out plans no change",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
			},
		},
	})
}

func init() {
	register(map[tokens.Type]*model{
		// SetRepositoryPolicy on create and update: only the repository forces a new one.
		TypeEcrRepositoryPolicy: {
			tf: "aws_ecr_repository_policy", source: "internal/service/ecr/repository_policy.go",
			forceNew: []string{"repository"},
			create:   repositoryConfig,
			rules:    []rule{policyRule("policy"), normalizeJSONRule("policy", "structure.NormalizeJsonString")},
		},
		// PutLifecyclePolicy: the provider has no update, so a new policy text replaces the
		// resource (create the new one, then delete the old one, which removes the
		// repository's only lifecycle policy: the one just put, unless the old one is
		// retained on delete).
		TypeEcrLifecyclePolicy: {
			tf: "aws_ecr_lifecycle_policy", source: "internal/service/ecr/lifecycle_policy.go",
			forceNew: []string{"repository", "policy"},
			create:   repositoryConfig,
			rules: []rule{
				{
					name: "equivalentLifecyclePolicyJSON", attr: "policy",
					why: "the same rules in another order (ECR sorts them by rulePriority), or tag lists in another order, plan no change",
					same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
						s, n = unwrap(s), unwrap(n)
						if !s.IsString() || !n.IsString() {
							return false
						}
						a, b := canonicalLifecyclePolicy(s.StringValue()), canonicalLifecyclePolicy(n.StringValue())
						return a != "" && a == b
					},
				},
				normalizeJSONRule("policy", "sdkv2.NormalizeJsonStringSchemaStateFunc"),
			},
		},
	})
}

// repositoryConfig is the create of what ECR keeps per repository (its policy, its
// lifecycle policy): the repository must exist (RepositoryNotFoundException). The
// provider's id is the repository's name; the stand-in's adds the type, as ids are one
// namespace here.
func repositoryConfig(o *op) (string, map[string]any, error) {
	name := str(o.in, "repository")
	if !o.preview && !o.c.taken(TypeEcrRepository, "name", name) {
		return "", nil, fmt.Errorf("RepositoryNotFoundException: The repository with name '%s' does not exist in the registry with id '%s'", name, Account)
	}
	return name + "#" + string(o.urn.Type().Name()), map[string]any{"registryId": Account}, nil
}

// canonicalLifecyclePolicy is a lifecycle policy as equivalentLifecyclePolicyJSON compares
// it: its rules sorted by rulePriority, each rule's tag lists sorted; "" when it does not
// read.
func canonicalLifecyclePolicy(doc string) string {
	var p struct {
		Rules []map[string]any `json:"rules"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return ""
	}
	priority := func(r map[string]any) float64 { f, _ := r["rulePriority"].(float64); return f }
	slices.SortFunc(p.Rules, func(a, b map[string]any) int { return cmp.Compare(priority(a), priority(b)) })
	for _, r := range p.Rules {
		sel, _ := r["selection"].(map[string]any)
		for _, k := range []string{"tagPrefixList", "tagPatternList"} {
			if l, ok := sel[k].([]any); ok {
				slices.SortFunc(l, func(a, b any) int { return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			}
		}
	}
	return canonicalJSON(map[string]any{"rules": p.Rules})
}

// ComponentOutputs are the outputs of an awsx component registered as one resource, as
// the mocks see it: a repository's url, an image's digest URI.
func (c *Cloud) ComponentOutputs(typ, name string, in resource.PropertyMap) (resource.PropertyMap, error) {
	switch tokens.Type(typ) {
	case TypeAwsxEcrRepository:
		repo := str(in, "name")
		if repo == "" {
			repo = strings.ToLower(name + "-" + hexOf(7, name, "repository"))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"url": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", Account, c.Region(), repo),
		}), nil
	case TypeAwsxEcrImage:
		args := map[string]string{}
		for k, v := range obj(in, "args") {
			args[string(k)] = unwrap(v).StringValue()
		}
		uri, err := ImageURI(str(in, "repositoryUrl"), str(in, "context"), str(in, "dockerfile"), str(in, "platform"), str(in, "target"), args)
		if err != nil {
			return nil, err
		}
		return resource.NewPropertyMapFromMap(map[string]any{"imageUri": uri}), nil
	}
	return nil, fmt.Errorf("component %s is not served by the stand-in; add it to internal/standin/ecr.go", typ)
}

// ImageURI is what awsx:ecr:Image returns for a build of contextDir pushed to
// repositoryURL: <repositoryURL>@sha256:<digest>, the digest changing exactly when the
// built image would.
func ImageURI(repositoryURL, contextDir, dockerfile, platform, target string, args map[string]string) (string, error) {
	digest, err := buildDigest(contextDir, dockerfile, platform, target, args)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s@sha256:%s", repositoryURL, digest), nil
}

// buildDigest hashes what decides a built image: every file of the context (relative to
// the working directory, as for the real provider), the Dockerfile and the build inputs.
func buildDigest(contextDir, dockerfile, platform, target string, buildArgs map[string]string) (string, error) {
	if contextDir == "" {
		contextDir = "."
	}
	if dockerfile == "" {
		dockerfile = filepath.Join(contextDir, "Dockerfile")
	}
	if fi, err := os.Stat(contextDir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("build context %q is not a directory (docker build would fail): %v", contextDir, err)
	}
	h := sha256.New()
	df, err := os.ReadFile(dockerfile)
	if err != nil {
		return "", fmt.Errorf("reading Dockerfile %q (docker build would fail): %w", dockerfile, err)
	}
	fmt.Fprintf(h, "dockerfile\x00%s\x00platform\x00%s\x00target\x00%s\x00", df, platform, target)
	keys := make([]string, 0, len(buildArgs))
	for k := range buildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "arg\x00%s=%s\x00", k, buildArgs[k])
	}
	err = filepath.WalkDir(contextDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(contextDir, path)
		fmt.Fprintf(h, "file\x00%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading build context %q: %w", contextDir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
