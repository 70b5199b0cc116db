package standin

// IAM OpenID Connect providers (terraform-provider-aws
// internal/service/iam/openid_connect_provider.go): the account's trust in GitHub Actions'
// tokens, which the bootstrap program makes. IAM holds one provider per issuer URL.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type token of the OIDC provider model.
const TypeIamOpenIDConnectProvider tokens.Type = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"

func init() {
	register(map[tokens.Type]*model{
		TypeIamOpenIDConnectProvider: {
			tf: "aws_iam_openid_connect_provider", source: "internal/service/iam/openid_connect_provider.go",
			forceNew: []string{"url"},
			computed: []string{"thumbprintLists"}, // IAM finds the issuer's thumbprint itself when none is given
			sets:     []string{"clientIdLists"},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				host := openIDHost(str(o.in, "url"))
				arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", Account, host)
				if !o.preview && o.c.objectState(arn) != nil {
					return "", nil, fmt.Errorf("creating IAM OIDC Provider: EntityAlreadyExists: Provider with url https://%s already exists", host)
				}
				return arn, map[string]any{"arn": arn, "thumbprintLists": []any{"6938fd4d98bab03faadb97b34396831e3780aea1"}}, nil
			},
			rules: []rule{
				{
					name: "resourceOpenIDConnectProviderRead: url",
					why:  "IAM returns the issuer URL without its https:// scheme, and Read stores that",
					read: func(_ *Cloud, state resource.PropertyMap) { put(state, "url", openIDHost(str(state, "url"))) },
				},
				{
					name: "suppressOpenIDURL", attr: "url",
					why: "a URL with and without https:// is the same issuer: no replacement",
					same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
						s, n = unwrap(s), unwrap(n)
						return s.IsString() && n.IsString() && openIDHost(s.StringValue()) == openIDHost(n.StringValue())
					},
				},
			},
		},
	})
}

// openIDHost is an issuer URL without its scheme, as IAM stores it.
func openIDHost(url string) string { return strings.TrimPrefix(url, "https://") }
