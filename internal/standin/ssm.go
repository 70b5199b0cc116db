package standin

// SSM Parameter Store (terraform-provider-aws internal/service/ssm): the release record, a
// String parameter the stack writes after every service runs a release, and the
// aws_ssm_parameter data source that reads it back on the next deploy.
//
//   - Create is PutParameter without Overwrite (shouldUpdateParameter is false for a new
//     resource): a parameter of that name already there is refused, ParameterAlreadyExists.
//   - Update is PutParameter with Overwrite: each one is a new version of the parameter.
//   - The data source fails with the provider's NotFoundError text when there is no such
//     parameter; the program tells that apart from a refusal (AccessDenied).

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type token of the SSM models.
const TypeSsmParameter tokens.Type = "aws:ssm/parameter:Parameter"

// ssmParameterTypes are the parameter types (awstypes.ParameterType).
var ssmParameterTypes = []string{"String", "StringList", "SecureString"}

func init() {
	register(map[tokens.Type]*model{
		TypeSsmParameter: {
			tf: "aws_ssm_parameter", source: "internal/service/ssm/parameter.go",
			forceNew: []string{"name", "dataType"},
			computed: []string{"arn", "dataType", "insecureValue", "keyId", "tier", "value"},
			tagged:   true,
			validate: func(in resource.PropertyMap) []string {
				if t := str(in, "type"); !contains(ssmParameterTypes, t) {
					return []string{fmt.Sprintf("expected type to be one of %v, got %q", ssmParameterTypes, t)}
				}
				return nil
			},
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if !o.preview && o.c.taken(TypeSsmParameter, "name", name) {
					return "", nil, fmt.Errorf("creating SSM Parameter (%s): ParameterAlreadyExists: The parameter already exists. To overwrite this request value, set the overwrite option in the request to true", name)
				}
				tier := str(o.in, "tier")
				if tier == "" || tier == "Intelligent-Tiering" {
					tier = "Standard" // what PutParameter picks for a short value
				}
				dataType := str(o.in, "dataType")
				if dataType == "" {
					dataType = "text"
				}
				return name, map[string]any{"arn": o.arn("ssm", "parameter/"+strings.TrimPrefix(name, "/")), "version": 1,
					"tier": tier, "dataType": dataType, "keyId": "", "allowedPattern": "", "description": str(o.in, "description")}, nil
			},
			rules: []rule{
				{
					name: "customdiff.ComputedIf(version)",
					why:  "a new value or description plans a new version, unknown until PutParameter",
					unknown: func(state, news resource.PropertyMap) []string {
						for _, k := range []string{"value", "insecureValue", "description"} {
							if !news[resource.PropertyKey(k)].DeepEquals(state[resource.PropertyKey(k)]) && !news[resource.PropertyKey(k)].IsNull() {
								return []string{"version"}
							}
						}
						return nil
					},
				},
				{
					name: "customdiff.ForceNewIfChange(tier)",
					why:  "an Advanced parameter cannot go back to Standard: the provider replaces it",
					customize: func(_ *Cloud, state, news resource.PropertyMap, changed []string) []string {
						if contains(changed, "tier") && str(state, "tier") == "Advanced" && str(news, "tier") == "Standard" {
							return []string{"tier"}
						}
						return nil
					},
				},
				{
					name: "tier DiffSuppressFunc", attr: "tier",
					why: "Intelligent-Tiering on a parameter that has a tier plans no change (AWS picked the tier)",
					same: func(state, planned resource.PropertyValue, _ resource.PropertyMap) bool {
						return state.IsString() && state.StringValue() != "" && planned.IsString() && planned.StringValue() == "Intelligent-Tiering"
					},
				},
			},
		},
	})
	// resourceParameterUpdate: PutParameter with Overwrite makes the next version.
	hooks[TypeSsmParameter] = objectHook{updated: func(_ *Cloud, _ string, old, new resource.PropertyMap) error {
		version := number(old, "version")
		for _, k := range []string{"value", "insecureValue", "description"} {
			if str(old, k) != str(new, k) {
				version++
				break
			}
		}
		put(new, "version", version)
		return nil
	}}
	registerInvokes(map[string]invokeFunc{
		// dataParameterRead: GetParameter by name, or findParameterByName's NotFoundError.
		"aws:ssm/getParameter:getParameter": func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
			if err := lookupArgs(args, "name", "withDecryption"); err != nil {
				return nil, err
			}
			name := str(args, "name")
			for _, p := range c.liveOfType(TypeSsmParameter) {
				if str(p, "name") != name {
					continue
				}
				value := str(p, "insecureValue")
				if value == "" {
					value = str(p, "value")
				}
				out := map[string]any{"id": name, "arn": str(p, "arn"), "name": name, "type": str(p, "type"),
					"value": value, "version": number(p, "version"), "withDecryption": true}
				if str(p, "type") != "SecureString" {
					out["insecureValue"] = value
				}
				return resource.NewPropertyMapFromMap(out), nil
			}
			return nil, fmt.Errorf("reading SSM Parameter (%s): couldn't find resource", name)
		},
	})
}
