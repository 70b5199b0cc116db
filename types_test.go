package main

import "testing"

// The Pulumi type tokens the tests look resources up by, in one table.
const (
	tVpc              = "aws:ec2/vpc:Vpc"
	tSubnet           = "aws:ec2/subnet:Subnet"
	tRoute            = "aws:ec2/route:Route"
	tRTA              = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tRT               = "aws:ec2/routeTable:RouteTable"
	tEip              = "aws:ec2/eip:Eip"
	tNat              = "aws:ec2/natGateway:NatGateway"
	tIgw              = "aws:ec2/internetGateway:InternetGateway"
	tEigw             = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
	tSG               = "aws:ec2/securityGroup:SecurityGroup"
	tIngress          = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress           = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tEndpoint         = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tLB               = "aws:lb/loadBalancer:LoadBalancer"
	tTG               = "aws:lb/targetGroup:TargetGroup"
	tListener         = "aws:lb/listener:Listener"
	tRule             = "aws:lb/listenerRule:ListenerRule"
	tAttachment       = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
	tCluster          = "aws:ecs/cluster:Cluster"
	tTaskDef          = "aws:ecs/taskDefinition:TaskDefinition"
	tService          = "aws:ecs/service:Service"
	tRole             = "aws:iam/role:Role"
	tPolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tLogGroup         = "aws:cloudwatch/logGroup:LogGroup"
	tRepo             = "awsx:ecr:Repository"
	tImage            = "awsx:ecr:Image"
	tCapacity         = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	tInlinePolicy     = "aws:iam/rolePolicy:RolePolicy"
	tScalingTarget    = "aws:appautoscaling/target:Target"
	tScalingPolicy    = "aws:appautoscaling/policy:Policy"
	tRecord           = "aws:route53/record:Record"
	tCertificate      = "aws:acm/certificate:Certificate"
	tCertValid        = "aws:acm/certificateValidation:CertificateValidation"
	tEndpointSvc      = "aws:ec2/vpcEndpointService:VpcEndpointService"
	tBucket           = "aws:s3/bucketV2:BucketV2"
	tBucketSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tBucketBlock      = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tBucketPolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	tBucketLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tDefaultSG        = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	tFlowLog          = "aws:ec2/flowLog:FlowLog"
	tTopic            = "aws:sns/topic:Topic"
	tSubscription     = "aws:sns/topicSubscription:TopicSubscription"
	tAlarm            = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tDashboard        = "aws:cloudwatch/dashboard:Dashboard"
	tIPSet            = "aws:wafv2/ipSet:IpSet"
	tWebACL           = "aws:wafv2/webAcl:WebAcl"
	tWebACLAssoc      = "aws:wafv2/webAclAssociation:WebAclAssociation"
)

// TestTypeTokensAreWhatTheProgramRegisters: a misspelt token would make every "none of
// type X" assertion pass without looking at anything, so each one must be registered by
// the dev stack, an example, or the dev stack with VPC endpoints.
func TestTypeTokensAreWhatTheProgramRegisters(t *testing.T) {
	tokens := []string{
		tVpc, tSubnet, tRoute, tRTA, tRT, tEip, tNat, tIgw, tEigw, tSG, tIngress, tEgress,
		tEndpoint, tLB, tTG, tListener, tRule, tAttachment, tCluster, tTaskDef, tService,
		tRole, tPolicyAttachment, tLogGroup, tRepo, tImage, tCapacity, tInlinePolicy,
		tScalingTarget, tScalingPolicy, tRecord, tCertificate, tCertValid, tEndpointSvc,
		tBucket, tBucketSSE, tBucketBlock, tBucketPolicy, tBucketLifecycle, tDefaultSG, tFlowLog,
		tTopic, tSubscription, tAlarm, tDashboard, tIPSet, tWebACL, tWebACLAssoc,
	}
	registered := map[string]bool{}
	collect := func(m *mocks) {
		for _, r := range m.Resources() {
			registered[r.Type] = true
		}
	}
	for _, sc := range stackConfigFiles(t) {
		m, _, err := runIn(t, sc.account(t), testStack, loadStackFiles(t, sc.path), false)
		if err != nil {
			t.Fatalf("%s: %v", sc.path, err)
		}
		collect(m)
	}
	m, _ := mustRun(t, map[string]string{"natGateways": "none", "vpcEndpoints": "true"})
	collect(m)
	for _, tok := range tokens {
		if !registered[tok] {
			t.Errorf("type token %q is never registered; is it misspelt?", tok)
		}
	}
}
