package standin

// The awsx components the program uses, as the awsx plugin builds them:
//   - awsx:ecr:Repository registers its aws:ecr/repository:Repository child (through the
//     aws stand-in, like the real component) and returns `url` and `repository`. The real
//     one also adds a lifecycle policy; the stand-in leaves it out.
//   - awsx:ecr:Image returns `imageUri` in digest form, <repositoryUrl>@sha256:<digest>.
//     The digest hashes the build context, the Dockerfile and the build inputs, so it
//     changes exactly when a rebuild would push a different image. It builds nothing, but
//     fails like a build would when the context or the Dockerfile is missing.
// Under mocks a component is one registration; ComponentOutputs answers for it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/grpc"

	awsecr "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type component struct {
	pulumi.ResourceState
}

// imageArgs are the awsx:ecr:Image inputs that decide the image.
type imageArgs struct {
	RepositoryUrl pulumi.StringInput    `pulumi:"repositoryUrl"`
	Context       pulumi.StringPtrInput `pulumi:"context"`
	Dockerfile    pulumi.StringPtrInput `pulumi:"dockerfile"`
	Platform      pulumi.StringPtrInput `pulumi:"platform"`
	Target        pulumi.StringPtrInput `pulumi:"target"`
	Args          pulumi.StringMapInput `pulumi:"args"`
}

func construct(ctx context.Context, req *pulumirpc.ConstructRequest, engine *grpc.ClientConn) (*pulumirpc.ConstructResponse, error) {
	return provider.Construct(ctx, req, engine, func(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, options pulumi.ResourceOption) (*provider.ConstructResult, error) {
		comp := &component{}
		if err := ctx.RegisterComponentResource(typ, name, comp, options); err != nil {
			return nil, fmt.Errorf("registering %s %s: %w", typ, name, err)
		}
		var state pulumi.Map
		switch typ {
		case "awsx:ecr:Repository":
			var args struct {
				Name               pulumi.StringPtrInput `pulumi:"name"`
				ForceDelete        pulumi.BoolPtrInput   `pulumi:"forceDelete"`
				ImageTagMutability pulumi.StringPtrInput `pulumi:"imageTagMutability"`
				Tags               pulumi.StringMapInput `pulumi:"tags"`
				// Passed to the repository as the real component does.
				ImageScanningConfiguration awsecr.RepositoryImageScanningConfigurationPtrInput `pulumi:"imageScanningConfiguration"`
			}
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			repo, err := awsecr.NewRepository(ctx, name, &awsecr.RepositoryArgs{
				Name: args.Name, ForceDelete: args.ForceDelete, ImageTagMutability: args.ImageTagMutability, Tags: args.Tags,
				ImageScanningConfiguration: args.ImageScanningConfiguration,
			}, pulumi.Parent(comp))
			if err != nil {
				return nil, fmt.Errorf("%s %s: creating the repository: %w", typ, name, err)
			}
			state = pulumi.Map{"url": repo.RepositoryUrl, "repository": repo}
		case "awsx:ecr:Image":
			var args imageArgs
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			if args.RepositoryUrl == nil {
				return nil, fmt.Errorf("%s %s: repositoryUrl is required", typ, name)
			}
			var optional []any
			for _, in := range []pulumi.Input{args.Context, args.Dockerfile, args.Platform, args.Target} {
				if in == nil {
					in = pulumi.StringPtr("")
				}
				optional = append(optional, in)
			}
			if args.Args == nil {
				args.Args = pulumi.StringMap{}
			}
			all := append([]any{args.RepositoryUrl, args.Args}, optional...)
			uri := pulumi.All(all...).ApplyT(func(v []any) (string, error) {
				deref := func(x any) string {
					if p, ok := x.(*string); ok && p != nil {
						return *p
					}
					s, _ := x.(string)
					return s
				}
				return imageURI(v[0].(string), deref(v[2]), deref(v[3]), deref(v[4]), deref(v[5]), v[1].(map[string]string))
			}).(pulumi.StringOutput)
			state = pulumi.Map{"imageUri": uri}
		default:
			return nil, fmt.Errorf("component %s is not served by the stand-in; add it to internal/standin/awsx.go", typ)
		}
		if err := ctx.RegisterResourceOutputs(comp, state); err != nil {
			return nil, fmt.Errorf("%s %s: registering outputs: %w", typ, name, err)
		}
		return &provider.ConstructResult{URN: comp.URN(), State: state}, nil
	})
}

// ComponentOutputs are the outputs of an awsx component registered as one resource, as
// the mocks see it: a repository's url, an image's digest URI.
func (c *Cloud) ComponentOutputs(typ, name string, in resource.PropertyMap) (resource.PropertyMap, error) {
	switch typ {
	case "awsx:ecr:Repository":
		repo := str(in, "name")
		if repo == "" {
			repo = strings.ToLower(name + "-" + hexOf(7, name, "repository"))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"url": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", Account, c.Region(), repo),
		}), nil
	case "awsx:ecr:Image":
		args := map[string]string{}
		for k, v := range obj(in, "args") {
			args[string(k)] = unwrap(v).StringValue()
		}
		uri, err := imageURI(str(in, "repositoryUrl"), str(in, "context"), str(in, "dockerfile"), str(in, "platform"), str(in, "target"), args)
		if err != nil {
			return nil, err
		}
		return resource.NewPropertyMapFromMap(map[string]any{"imageUri": uri}), nil
	}
	return nil, fmt.Errorf("component %s is not served by the stand-in; add it to internal/standin/awsx.go", typ)
}

func imageURI(repositoryURL, contextDir, dockerfile, platform, target string, args map[string]string) (string, error) {
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
