package standin

// SNS (terraform-provider-aws internal/service/sns): the alarm topic and its subscriptions.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the SNS models.
const (
	TypeSnsTopic             tokens.Type = "aws:sns/topic:Topic"
	TypeSnsTopicSubscription tokens.Type = "aws:sns/topicSubscription:TopicSubscription"
)

func init() {
	register(map[tokens.Type]*model{
		TypeSnsTopic: {
			tf: "aws_sns_topic", source: "internal/service/sns/topic.go",
			forceNew: []string{"name", "namePrefix", "fifoTopic"},
			computed: []string{"name", "namePrefix", "policy", "signatureVersion", "tracingConfig", "archivePolicy"},
			autoname: 256,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				arn := o.arn("sns", str(o.in, "name"))
				policy := fmt.Sprintf(`{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"%s","Condition":{"StringEquals":{"AWS:SourceOwner":"%s"}}}]}`, arn, Account)
				return arn, map[string]any{"arn": arn, "owner": Account, "policy": policy, "namePrefix": "", "beginningArchiveTime": ""}, nil
			},
		},
		TypeSnsTopicSubscription: {
			tf: "aws_sns_topic_subscription", source: "internal/service/sns/topic_subscription.go",
			forceNew: []string{"topic", "protocol", "endpoint"},
			computed: []string{"filterPolicyScope"},
			defaults: map[string]any{"confirmationTimeoutInMinutes": 1},
			create: func(o *op) (string, map[string]any, error) {
				if !o.preview && o.lookup(str(o.in, "topic")) == nil {
					return "", nil, fmt.Errorf("NotFound: Topic does not exist: %s", str(o.in, "topic"))
				}
				arn := str(o.in, "topic") + ":" + o.hex("sub", 8) + "-" + o.hex("sub2", 4) + "-" + o.hex("sub3", 4) + "-" + o.hex("sub4", 4) + "-" + o.hex("sub5", 12)
				// An email endpoint stays pending until its owner follows the link AWS mails.
				return arn, map[string]any{
					"arn": arn, "ownerId": Account, "confirmationWasAuthenticated": false,
					"pendingConfirmation": str(o.in, "protocol") == "email", "filterPolicyScope": "",
				}, nil
			},
		},
	})
}

// ExpireUnconfirmedSubscriptions is SNS's clean-up: a subscription whose confirmation link
// was not followed within 48 hours is deleted (SNS developer guide, "Confirming your
// subscription"). The provider's Read then finds nothing and clears the id
// (resourceTopicSubscriptionRead), so a refresh drops it and the next up subscribes
// again, mailing a new link.
func (c *Cloud) ExpireUnconfirmedSubscriptions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, o := range c.objects {
		if o.urn.Type() == TypeSnsTopicSubscription && boolean(o.state, "pendingConfirmation") {
			delete(c.objects, id)
		}
	}
}

// ConfirmSubscription is the owner of the endpoint following the mailed link.
func (c *Cloud) ConfirmSubscription(arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.objects[arn]; ok {
		put(o.state, "pendingConfirmation", false)
	}
}
