// Package standin is the stand-in AWS: one fake account and region (Cloud) that does what
// pulumi-aws ProviderVersion (terraform-provider-aws v5.100.0 behind Pulumi's bridge) does
// with each resource type the program registers, and answers the data sources it calls.
//
// The shared machinery is cloud.go (the lifecycle the engine drives: Check, Diff, Create,
// Update, Read, Delete), model.go (what a model and a rule are), values.go (property
// values) and invokes.go (the dispatch of data sources). Each AWS service has one file
// with its models, hooks, data sources and helpers: ec2.go, elbv2.go, ecs.go,
// appautoscaling.go, iam.go, logs.go, s3.go, sns.go, cloudwatch.go, wafv2.go,
// route53acm.go, ecr.go (with what the awsx ECR components produce), servicequotas.go and
// sts.go. iam_calls.go records the IAM calls a deploy makes, with the request context IAM
// fills in (iam:PermissionsBoundary, iam:PolicyARN, iam:PassedToService), and with ActAs
// answers them as IAM would for a caller holding a given policy. ECS has a second file,
// ecsdeploy.go: what ECS does with a service's deployments (the circuit breaker,
// deployment alarms, rollbacks) and the provider's waiters for them.
//
// Each model's Pulumi type token is an exported constant in its service's file: Type and
// the SDK's resource name for the network modules ec2, vpc and lb (TypeVpc,
// TypeLoadBalancer, TypeSecurityGroupIngressRule), Type, module and name for every other
// (TypeEcsService, TypeIamRole, TypeS3BucketV2, TypeCloudwatchLogGroup), and TypeAwsx,
// module and name for the awsx components (TypeAwsxEcrImage).
//
// Package harness (internal/standin/harness) runs programs on the stand-in, under
// pulumi.WithMocks or the real engine; this package does not depend on it.
package standin
